"""The campaign workflow through its services: each transition, deadline and refusal."""

from __future__ import annotations

import datetime as dt

import pytest

from campuseval.audit.models import AuditRecord
from campuseval.campaigns import services as s
from campuseval.campaigns.models import Status
from campuseval.campaigns.selectors import combine_scores, combined_result, self_result
from campuseval.notifications.models import Notification

from .conftest import fill_full_marks


@pytest.fixture
def application(campaign, cast):
    app = s.application_create(by=cast.school_user_a, campaign=campaign, school=cast.school_a)
    return s.application_update(by=cast.school_user_a, application=app, expected_version=app.version, applied_tier="示范型", highlights="示例亮点")


def submitted(application, cast):
    fill_full_marks(application, cast.school_user_a)
    return s.application_submit(by=cast.school_user_a, application=application)


def test_it_refuses_to_submit_before_every_indicator_is_scored(application, cast):
    with pytest.raises(s.WorkflowError, match="还有 82 个指标未自评"):
        s.application_submit(by=cast.school_user_a, application=application)


def test_it_gives_the_tier_and_the_way_up_as_the_school_types(application, cast):
    fill_full_marks(application, cast.school_user_a, clause=False)
    result = self_result(application)
    assert result.total == 110
    assert result.tier == "优秀型"
    assert result.next_tier.target == "示范型"


def test_it_refuses_a_stale_save_and_shows_the_current_value(application, cast):
    s.self_score_save(by=cast.school_user_a, application=application, code="1.1.1", score=2, expected_version=0)
    with pytest.raises(s.EditConflict) as exc:
        s.self_score_save(by=cast.school_user_a, application=application, code="1.1.1", score=1, expected_version=0)
    assert exc.value.current.self_score == 2


@pytest.mark.parametrize("bad", ["2.5", "-1", "两分", "0.3", "nan"])
def test_it_refuses_a_bad_score_with_a_clear_message(application, cast, bad):
    with pytest.raises(s.WorkflowError):
        s.self_score_save(by=cast.school_user_a, application=application, code="1.1.1", score=bad, expected_version=0)


def test_it_refuses_a_save_after_the_deadline_naming_it(application, cast, clock, campaign):
    clock.stage(campaign, "county_review")
    with pytest.raises(s.DeadlinePassed, match="申报与自评”已于 2022-08-02 07:59 截止"):
        s.self_score_save(by=cast.school_user_a, application=application, code="1.1.1", score=2, expected_version=0)


def test_a_reopening_lets_one_school_save_after_the_deadline(application, cast, clock, campaign):
    clock.stage(campaign, "county_review")
    s.campaign_reopen(
        by=cast.city_admin, campaign=campaign, school=cast.school_a, stage="application",
        until=clock.now + dt.timedelta(days=2), reason="台风停电，延长两天",
    )
    s.self_score_save(by=cast.school_user_a, application=application, code="1.1.1", score=2, expected_version=0)
    assert AuditRecord.objects.filter(object_type="campaigns.reopening").exists()


def test_the_county_returns_with_comments_and_the_school_resubmits(application, cast, clock, campaign):
    app = submitted(application, cast)
    app = s.application_return(by=cast.county_admin_a, application=app, comments={"1.1.1": "请补充网络拓扑图"})
    assert app.status == Status.RETURNED
    assert app.scores.get(code="1.1.1").county_comment == "请补充网络拓扑图"
    assert Notification.objects.filter(user=cast.school_user_a, kind="returned").exists()
    row = app.scores.get(code="1.1.1")
    s.self_score_save(by=cast.school_user_a, application=app, code="1.1.1", score=1, expected_version=row.version)
    assert app.scores.get(code="1.1.1").changed_after_return
    app = s.application_submit(by=cast.school_user_a, application=app)
    assert app.status == Status.SUBMITTED


def test_it_refuses_a_return_without_any_comment(application, cast):
    app = submitted(application, cast)
    with pytest.raises(s.WorkflowError, match="至少填写一条意见"):
        s.application_return(by=cast.county_admin_a, application=app, comments={})


def test_the_county_quota_caps_recommendations(cast, campaign):
    campaign = s.campaign_update(by=cast.city_admin, campaign=campaign, quota_total=1)
    apps = []
    for school in (cast.school_a, cast.teaching_point_a):
        app = s.application_create(by=cast.city_admin, campaign=campaign, school=school)
        app = s.application_update(by=cast.city_admin, application=app, expected_version=app.version, applied_tier="合格型")
        fill_full_marks(app, cast.city_admin)
        apps.append(s.application_submit(by=cast.city_admin, application=app))
    s.application_recommend(by=cast.county_admin_a, application=apps[0], recommend=True)
    with pytest.raises(s.WorkflowError, match="名额已用完（上限 1 所）"):
        s.application_recommend(by=cast.county_admin_a, application=apps[1], recommend=True)
    assert s.quota_usage(campaign, cast.county_a)["used"] == 1


def test_the_per_tier_quota_caps_one_tier_only(cast, campaign):
    campaign = s.campaign_update(by=cast.city_admin, campaign=campaign, quota_per_tier={"示范型": 1})
    apps = []
    for school, tier in ((cast.school_a, "示范型"), (cast.teaching_point_a, "示范型")):
        app = s.application_create(by=cast.city_admin, campaign=campaign, school=school)
        app = s.application_update(by=cast.city_admin, application=app, expected_version=app.version, applied_tier=tier)
        fill_full_marks(app, cast.city_admin)
        apps.append(s.application_submit(by=cast.city_admin, application=app))
    s.application_recommend(by=cast.county_admin_a, application=apps[0], recommend=True)
    with pytest.raises(s.WorkflowError, match="“示范型”推荐名额已用完"):
        s.application_recommend(by=cast.county_admin_a, application=apps[1], recommend=True)


def test_the_school_can_withdraw_before_the_county_decides_but_not_after(application, cast):
    app = submitted(application, cast)
    s.application_recommend(by=cast.county_admin_a, application=app, recommend=True)
    with pytest.raises(s.WorkflowError, match="不能再撤回"):
        s.application_withdraw(by=cast.school_user_a, application=app)


def test_the_recommendation_list_locks_at_the_county_deadline(application, cast, clock, campaign):
    app = submitted(application, cast)
    clock.stage(campaign, "city_review")
    with pytest.raises(s.DeadlinePassed, match="县级初评”已于"):
        s.application_recommend(by=cast.county_admin_a, application=app, recommend=True)


def test_experts_are_never_assigned_to_their_own_county(cast, campaign, clock):
    from campuseval.accounts.models import RoleAssignment, User

    # The cast's expert comes from county B; add one from county A.
    expert_a = User.objects.create_user("expert_a", password="x", home_county=cast.county_a)
    RoleAssignment.objects.create(user=expert_a, role="expert", region=cast.city)
    apps = {}
    for school in (cast.school_a, cast.school_b):
        app = s.application_create(by=cast.city_admin, campaign=campaign, school=school)
        app = s.application_update(by=cast.city_admin, application=app, expected_version=app.version, applied_tier="合格型")
        fill_full_marks(app, cast.city_admin)
        app = s.application_submit(by=cast.city_admin, application=app)
        apps[school.pk] = s.application_recommend(by=cast.city_admin, application=app, recommend=True)
    campaign = s.campaign_update(by=cast.city_admin, campaign=campaign, experts_per_application=1)
    clock.stage(campaign, "city_review")
    report = s.experts_assign_auto(by=cast.city_admin, campaign=campaign)
    assert report.understaffed == []
    a = apps[cast.school_a.pk]
    b = apps[cast.school_b.pk]
    assert list(a.assignments.values_list("expert__username", flat=True)) == ["expert"]
    assert list(b.assignments.values_list("expert__username", flat=True)) == ["expert_a"]
    with pytest.raises(s.WorkflowError, match="不能评审本县学校"):
        s.expert_assign(by=cast.city_admin, application=a, expert=expert_a)


def test_combination_drops_the_highest_and_lowest_with_five_experts():
    assert combine_scores([1, 2, 2, 2, 3], "trimmed_mean") == 2
    assert combine_scores([0, 2, 2, 2, 2], "trimmed_mean") == 2
    assert combine_scores([0, 2, 2, 2], "trimmed_mean") == 1.5  # fewer than 5: plain mean
    assert combine_scores([0, 2, 2, 2, 2], "mean") == 1.6


def _through_review(cast, campaign, clock, application, expert_scores):
    """Recommend, assign the given experts, let them score, and return the application."""
    from campuseval.accounts.models import RoleAssignment, User

    app = submitted(application, cast)
    app = s.application_recommend(by=cast.county_admin_a, application=app, recommend=True)
    clock.stage(campaign, "city_review")
    rubric = campaign.rubric.engine_rubric()
    for n, override in enumerate(expert_scores):
        expert = User.objects.create_user(f"e{n}", password="x", home_county=cast.county_b)
        RoleAssignment.objects.create(user=expert, role="expert", region=cast.city)
        assignment = s.expert_assign(by=cast.city_admin, application=app, expert=expert)
        for ind in rubric.indicators:
            s.expert_score_save(
                by=expert, assignment=assignment, code=ind.code, score=override.get(ind.code, ind.points),
                clause_met=True if ind.has_clause else None, expected_version=0,
            )
        s.expert_submit(by=expert, assignment=assignment)
    app.refresh_from_db()
    return app


def test_a_gap_of_half_the_points_flags_the_indicator(application, cast, campaign, clock):
    app = _through_review(cast, campaign, clock, application, [{"1.1.1": 2}, {"1.1.1": 1}])
    combined = combined_result(app)
    assert [c.code for c in combined.flagged] == ["1.1.1"]
    assert combined.indicators["1.1.1"].value == 1.5


def test_the_city_decides_the_scored_tier_and_an_override_needs_a_reason(application, cast, campaign, clock):
    app = _through_review(cast, campaign, clock, application, [{}, {}])
    with pytest.raises(s.WorkflowError, match="须填写理由"):
        s.application_decide(by=cast.city_admin, application=app, tier="优秀型")
    app = s.application_decide(by=cast.city_admin, application=app)
    assert (app.status, app.decided_tier, app.scored_tier) == (Status.DECIDED, "示范型", "示范型")
    app = s.application_decide(by=cast.city_admin, application=app, tier="优秀型", reason="现场核查发现录播教室未启用")
    assert app.override_reason
    assert AuditRecord.objects.filter(object_type="campaigns.application", after__decided_tier="优秀型").exists()


def test_the_award_is_at_most_the_applied_tier(application, cast, campaign, clock):
    application = s.application_update(by=cast.school_user_a, application=application, expected_version=application.version, applied_tier="合格型")
    app = _through_review(cast, campaign, clock, application, [{}, {}])
    app = s.application_decide(by=cast.city_admin, application=app)
    assert app.decided_tier == "合格型"


def test_publication_needs_every_decision_and_notifies_every_school(application, cast, campaign, clock):
    app = _through_review(cast, campaign, clock, application, [{}, {}])
    with pytest.raises(s.WorkflowError, match="未认定"):
        s.campaign_publish(by=cast.city_admin, campaign=campaign)
    s.application_decide(by=cast.city_admin, application=app)
    s.campaign_publish(by=cast.city_admin, campaign=campaign)
    app.refresh_from_db()
    assert app.status == Status.PUBLISHED
    assert set(Notification.objects.filter(kind="published").values_list("user__username", flat=True)) == {"schoola", "schoolb"}


def test_an_expert_cannot_score_someone_elses_assignment(application, cast, campaign, clock):
    app = _through_review(cast, campaign, clock, application, [{}])
    assignment = app.assignments.get()
    with pytest.raises(s.WorkflowError):
        s.expert_score_save(by=cast.expert, assignment=assignment, code="1.1.1", score=1, expected_version=1)


def test_a_comment_cleared_before_a_return_is_not_shown_to_the_school(application, cast):
    app = submitted(application, cast)
    app = s.application_return(by=cast.county_admin_a, application=app, comments={"1.1.1": "请补充", "1.1.2": "缺少照片"})
    app = s.application_submit(by=cast.school_user_a, application=app)
    app = s.application_return(by=cast.county_admin_a, application=app, comments={"1.1.1": "", "1.1.2": "仍缺少照片"})
    assert app.scores.get(code="1.1.1").county_comment == ""
    assert app.scores.get(code="1.1.2").county_comment == "仍缺少照片"
    assert AuditRecord.objects.filter(object_type="campaigns.application", after__county_comments={"1.1.2": "仍缺少照片"}).exists()


def test_the_school_sees_its_tier_on_its_page_once_published(application, cast, campaign, clock, client):
    app = _through_review(cast, campaign, clock, application, [{}, {}])
    s.application_decide(by=cast.city_admin, application=app)
    client.force_login(cast.school_user_a)
    assert "认定结果已公布" not in client.get(f"/campaigns/applications/{app.pk}/").content.decode()
    s.campaign_publish(by=cast.city_admin, campaign=campaign)
    client.force_login(cast.school_user_a)
    page = client.get(f"/campaigns/applications/{app.pk}/").content.decode()
    assert "认定结果已公布：<strong>示范型</strong>" in page
    # The award leads the page: no grey "不能修改" notice above it (issue 8, 11).
    assert "不能修改" not in page
