"""/campaigns/reviews/: an expert's own assignments, only while the city review runs."""

from __future__ import annotations

from django.urls import reverse

from campuseval.campaigns import services as s

from .test_city_helpers import make_expert, recommended

LIST = reverse("campaigns:review_list")


def detail(assignment):
    return reverse("campaigns:review_detail", kwargs={"assignment_id": assignment.pk})


def assigned(cast, campaign, clock, expert=None):
    app = recommended(cast, campaign, cast.school_a)
    clock.stage(campaign, "city_review")
    return s.expert_assign(by=cast.city_admin, application=app, expert=expert or cast.expert)


def test_my_reviews_lists_the_experts_assignments(client, cast, campaign, clock):
    assignment = assigned(cast, campaign, clock)
    client.force_login(cast.expert)
    page = client.get(LIST).content.decode()
    assert cast.school_a.name in page
    assert detail(assignment) in page
    assert "已评 0 / 82" in page


def test_the_notification_link_opens_the_scoring_page(client, cast, campaign, clock):
    assignment = assigned(cast, campaign, clock)
    note = cast.expert.notifications.get(kind="assigned")
    assert note.url == f"/campaigns/reviews/{assignment.pk}/"
    client.force_login(cast.expert)
    assert client.get(note.url).status_code == 200


def test_after_the_city_review_the_expert_keeps_a_read_only_record(client, cast, campaign, clock):
    """Issue 8, 7: experts no longer lose their past reviews; they can read but not score them."""
    assignment = assigned(cast, campaign, clock)
    s.expert_score_save(by=cast.expert, assignment=assignment, code="1.1.1", score="1", expected_version=0)
    clock.stage(campaign, "decision")
    client.force_login(cast.expert)
    page = client.get(detail(assignment)).content.decode()
    assert "data-read-only" in page and "ce-score-form" not in page
    listed = client.get(LIST).content.decode()
    assert "往期评审" in listed and detail(assignment) in listed
    score = reverse("campaigns:review_score", kwargs={"assignment_id": assignment.pk})
    assert client.post(score, {"code": "1.1.1", "score": "2", "version": "1"}).status_code == 404


def test_before_the_city_review_the_expert_gets_404(client, cast, campaign, clock):
    assignment = assigned(cast, campaign, clock)
    clock.stage(campaign, "county_review")
    client.force_login(cast.expert)
    assert client.get(detail(assignment)).status_code == 404


def test_the_expert_sees_the_running_total_and_its_tier_while_scoring(client, cast, campaign, clock):
    assignment = assigned(cast, campaign, clock)
    client.force_login(cast.expert)
    assert "我的评分合计 0 分 · 对应等级 未达标" in client.get(detail(assignment)).content.decode()
    score = reverse("campaigns:review_score", kwargs={"assignment_id": assignment.pk})
    answer = client.post(score, {"code": "1.1.1", "score": "2", "version": "0"}, HTTP_HX_REQUEST="true")
    assert 'id="review-own-total" hx-swap-oob="true"' in answer.content.decode()
    assert "我的评分合计 2 分" in answer.content.decode()


def test_another_experts_assignment_is_404(client, cast, campaign, clock):
    other = make_expert(cast, "other", cast.county_b)
    assignment = assigned(cast, campaign, clock, expert=other)
    client.force_login(cast.expert)
    assert client.get(detail(assignment)).status_code == 404
    score = reverse("campaigns:review_score", kwargs={"assignment_id": assignment.pk})
    assert client.post(score, {"code": "1.1.1", "score": "2", "version": "0"}).status_code == 404


def test_a_school_user_gets_403(client, cast, campaign):
    client.force_login(cast.school_user_a)
    assert client.get(LIST).status_code == 403
