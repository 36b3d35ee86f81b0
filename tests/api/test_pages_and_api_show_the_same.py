"""One rule, written once: the page and the API show a viewer the same of an application, and
the county's lock notice honours a reopening as its buttons do (issue 7's defects)."""

from __future__ import annotations

import datetime as dt

from campuseval.campaigns import services as s
from campuseval.campaigns.models import ExpertAssignment

from .conftest import expert_fills


def _comment_on(application, cast, clock, campaign, text="请补充网络拓扑图"):
    clock.stage(campaign, "county_review")
    return s.county_score_save(
        by=cast.county_admin_a, application=application, code="1.1.1", score=1, comment=text,
        expected_version=1,
    )


def _county_comment(api, user, application):
    rows = api(user).get(f"/api/applications/{application.pk}/scores/").json()
    return next(r for r in rows if r["code"] == "1.1.1")["county_comment"]


def test_the_school_does_not_read_a_comment_the_county_is_still_writing(api, client, cast, clock, campaign, submitted):
    _comment_on(submitted, cast, clock, campaign)
    assert _county_comment(api, cast.school_user_a, submitted) == ""
    client.force_login(cast.school_user_a)
    assert "请补充网络拓扑图" not in client.get(f"/campaigns/applications/{submitted.pk}/").content.decode()
    # The county (and the city) read their own comment.
    assert _county_comment(api, cast.county_admin_a, submitted) == "请补充网络拓扑图"
    assert _county_comment(api, cast.city_admin, submitted) == "请补充网络拓扑图"


def test_the_school_reads_the_comments_once_the_application_is_returned(api, client, cast, clock, campaign, submitted):
    _comment_on(submitted, cast, clock, campaign)
    s.application_return(by=cast.county_admin_a, application=submitted, comments={"1.1.1": "请补充网络拓扑图"})
    assert _county_comment(api, cast.school_user_a, submitted) == "请补充网络拓扑图"
    client.force_login(cast.school_user_a)
    assert "请补充网络拓扑图" in client.get(f"/campaigns/applications/{submitted.pk}/").content.decode()


def _decided(cast, clock, campaign, under_review):
    assignment = ExpertAssignment.objects.get(application=under_review)
    expert_fills(assignment, cast.expert)
    s.expert_submit(by=cast.expert, assignment=assignment)
    return s.application_decide(by=cast.city_admin, application=under_review)


def test_the_school_sees_the_combined_total_after_publication_in_the_api_as_on_the_page(api, client, cast, clock, campaign, under_review):
    decided = _decided(cast, clock, campaign, under_review)
    assert api(cast.school_user_a).get(f"/api/applications/{decided.pk}/").json()["decision"] is None
    clock.stage(campaign, "decision")
    s.campaign_publish(by=cast.city_admin, campaign=campaign)
    decision = api(cast.school_user_a).get(f"/api/applications/{decided.pk}/").json()["decision"]
    assert decision["tier"] == decided.decided_tier
    assert decision["combined_total"] == float(decided.combined_total)
    # What stays the city's: the tier the scores give and an override's reason.
    assert decision["scored_tier"] is None and decision["override_reason"] == ""
    client.force_login(cast.school_user_a)
    page = client.get(f"/campaigns/applications/{decided.pk}/").content.decode()
    assert "专家合成总分" in page


def test_a_platform_administrator_sees_every_countys_quota_on_the_campaign_page(api, client, cast, campaign):
    client.force_login(cast.platform_admin)
    page = client.get(f"/campaigns/{campaign.pk}/").content.decode()
    assert "各县推荐名额" in page
    assert cast.county_a.name in page and cast.county_b.name in page
    quota = api(cast.platform_admin).get(f"/api/campaigns/{campaign.pk}/").json()["quota"]
    assert {row["county"]["code"] for row in quota} >= {cast.county_a.code, cast.county_b.code}


def test_a_county_administrator_sees_its_own_quota_on_the_page_and_in_the_api(api, client, cast, campaign):
    client.force_login(cast.county_admin_a)
    page = client.get(f"/campaigns/{campaign.pk}/").content.decode()
    assert "各县推荐名额" in page and cast.county_a.name in page
    assert len(api(cast.county_admin_a).get(f"/api/campaigns/{campaign.pk}/").json()["quota"]) == 1


def test_a_school_reopened_for_the_county_review_is_not_shown_locked(client, cast, clock, campaign, submitted):
    clock.at(campaign.county_review_deadline + dt.timedelta(days=1))
    s.campaign_reopen(
        by=cast.city_admin, campaign=campaign, school=cast.school_a, stage="county_review",
        until=clock.now + dt.timedelta(days=3), reason="县级评审人员停电，延长三天",
    )
    client.force_login(cast.county_admin_a)
    page = client.get(f"/campaigns/county/review/{submitted.pk}/").content.decode()
    assert "data-locked" not in page
    assert 'name="decision" value="recommend"' in page


def test_a_school_without_a_reopening_is_shown_locked_after_the_county_deadline(client, cast, clock, campaign, submitted):
    clock.at(campaign.county_review_deadline + dt.timedelta(days=1))
    client.force_login(cast.county_admin_a)
    page = client.get(f"/campaigns/county/review/{submitted.pk}/").content.decode()
    assert "data-locked" in page
    assert 'name="decision" value="recommend"' not in page
