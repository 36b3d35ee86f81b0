"""The city moves a campaign to its next stage with an explicit action that shows what will
lock, asks to confirm, tells everyone concerned and is audited; a deadline edited into the past
asks the same confirmation. (Issue 8, items 2 and 6.)"""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from campuseval.audit.models import AuditRecord
from campuseval.campaigns import rules
from campuseval.campaigns import services as s
from campuseval.campaigns.models import Campaign, Stage, Status
from campuseval.notifications.models import Notification
from tests.api.conftest import client_for

from .test_city_campaign_form import form_data
from .test_city_helpers import make_expert, recommended, submitted


def end_url(campaign):
    return reverse("campaigns:end_stage", args=[campaign.pk])


def messages_of(user):
    return [n.message for n in Notification.objects.filter(user=user)]


@pytest.fixture
def draft_a(campaign, cast):
    return s.application_create(by=cast.school_user_a, campaign=campaign, school=cast.school_a)


def test_the_city_sees_what_ending_the_application_stage_locks_before_confirming(client, cast, campaign, draft_a):
    client.force_login(cast.city_admin)
    detail = client.get(reverse("campaigns:campaign_detail", args=[campaign.pk])).content.decode()
    assert "结束“申报与自评”…" in detail
    page = client.get(end_url(campaign)).content.decode()
    assert "结束“申报与自评”，进入“县级初评”" in page
    assert "“草稿”的申报将不能再修改、提交" in page
    assert "琅琊区" in page and cast.school_a.name in page
    # School B (南谯区) has not applied: it can no longer apply once the stage ends.
    assert "尚未申报，将不能再申报" in page and "南谯区" in page
    assert Campaign.objects.get(pk=campaign.pk).application_deadline == campaign.application_deadline


def test_ending_the_application_stage_freezes_drafts_tells_schools_and_counties_and_is_audited(
    client, cast, campaign, clock, draft_a
):
    client.force_login(cast.city_admin)
    response = client.post(end_url(campaign), {"stage": "application"}, follow=True)
    assert "已结束“申报与自评”，现为“县级初评”阶段" in response.content.decode()
    campaign.refresh_from_db()
    assert campaign.application_deadline == clock.now
    clock.at(clock.now + dt.timedelta(seconds=1))
    assert campaign.stage_at(clock.now) == Stage.COUNTY_REVIEW
    with pytest.raises(s.DeadlinePassed):
        s.application_submit(by=cast.school_user_a, application=draft_a)
    assert any("您的申报（草稿）已不能再修改、提交" in m for m in messages_of(cast.school_user_a))
    county_notice = messages_of(cast.county_admin_a)
    assert any("“申报与自评”已由市级结束，现为“县级初评”阶段" in m and "草稿 1 份" in m for m in county_notice)
    record = AuditRecord.objects.filter(object_type="campaigns.campaign", object_id=str(campaign.pk)).order_by("-seq").first()
    assert record is not None and "application_deadline" in record.after


def test_a_school_with_a_reopening_is_not_locked_nor_told(cast, campaign, clock, draft_a):
    s.campaign_reopen(
        by=cast.city_admin, campaign=campaign, school=cast.school_a, stage="application",
        until=clock.now + dt.timedelta(days=2), reason="停电两天，延长申报",
    )
    s.campaign_end_stage(by=cast.city_admin, campaign=campaign, stage="application")
    clock.at(clock.now + dt.timedelta(hours=1))
    assert not any("已不能再" in m for m in messages_of(cast.school_user_a))
    assert rules.allowed(rules.SUBMIT, draft_a)


def test_a_second_click_or_stale_tab_is_refused_with_the_stage_it_names(client, cast, campaign, clock):
    clock.stage(campaign, "county_review")
    client.force_login(cast.city_admin)
    response = client.post(end_url(campaign), {"stage": "application"})
    assert response.status_code == 400
    assert "现在不是“申报与自评”阶段（当前：县级初评），不能结束它" in response.content.decode()
    assert Campaign.objects.get(pk=campaign.pk).application_deadline == campaign.application_deadline


def test_the_city_closing_the_county_stage_tells_the_county_what_is_left_undecided(cast, campaign, clock):
    app = submitted(cast, campaign, cast.school_a)
    clock.stage(campaign, "county_review")
    s.campaign_end_stage(by=cast.city_admin, campaign=campaign, stage="county_review")
    clock.at(clock.now + dt.timedelta(seconds=1))
    notice = messages_of(cast.county_admin_a)
    assert any("“县级初评”已由市级结束，现为“市级终评”阶段" in m and "已提交 1 份" in m for m in notice)
    assert any("已不能再撤回" in m for m in messages_of(cast.school_user_a))
    with pytest.raises(s.DeadlinePassed):
        s.application_recommend(by=cast.county_admin_a, application=app, recommend=True)


def test_ending_the_city_review_tells_experts_with_unsubmitted_reviews(cast, campaign, clock):
    app = recommended(cast, campaign, cast.school_a)
    clock.stage(campaign, "city_review")
    expert = make_expert(cast, "late", cast.county_b)
    s.expert_assign(by=cast.city_admin, application=app, expert=expert)
    end = s.campaign_end_stage(by=cast.city_admin, campaign=campaign, stage="city_review")
    assert end.stage_at(clock.now + dt.timedelta(seconds=1)) == Stage.DECISION
    assert any("您未提交的评审已不能再提交" in m for m in messages_of(expert))


def test_the_decision_stage_ends_only_with_publication(client, cast, campaign, clock):
    clock.stage(campaign, "decision")
    client.force_login(cast.city_admin)
    assert "现在没有可以提前结束的阶段" in client.get(end_url(campaign)).content.decode()
    with pytest.raises(s.WorkflowError, match="以公布结果结束"):
        s.campaign_end_stage(by=cast.city_admin, campaign=campaign, stage="decision")


def test_only_the_city_that_runs_the_campaign_may_end_a_stage(client, cast, campaign):
    client.force_login(cast.school_user_a)
    assert client.get(end_url(campaign)).status_code == 403
    assert client.post(end_url(campaign), {"stage": "application"}).status_code == 403
    client.force_login(cast.county_admin_a)
    assert client.post(end_url(campaign), {"stage": "application"}).status_code == 403
    assert Campaign.objects.get(pk=campaign.pk).application_deadline == campaign.application_deadline


def test_a_deadline_edited_into_the_past_asks_the_same_confirmation(client, cast, campaign, clock, draft_a):
    client.force_login(cast.city_admin)
    past = (clock.now - dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    data = form_data(
        cast, campaign.rubric, year=2022, name=campaign.name, opens_at="2022-06-01T08:00",
        application_deadline=past, county_review_deadline="2022-08-31T18:00",
        city_review_deadline="2022-09-30T18:00", publication_deadline="2022-10-15T18:00",
        quota_tier_0="", quota_tier_2="",
    )
    page = client.post(reverse("campaigns:campaign_edit", args=[campaign.pk]), data).content.decode()
    assert "保存后会立即结束下列阶段" in page and "确认保存并结束阶段" in page
    assert "“草稿”的申报将不能再修改、提交" in page
    assert Campaign.objects.get(pk=campaign.pk).application_deadline == campaign.application_deadline
    assert not messages_of(cast.school_user_a)
    client.post(reverse("campaigns:campaign_edit", args=[campaign.pk]), {**data, "confirm_stage_end": "1"})
    campaign.refresh_from_db()
    assert campaign.stage_at(clock.now) == Stage.COUNTY_REVIEW
    assert any("您的申报（草稿）已不能再修改、提交" in m for m in messages_of(cast.school_user_a))


def test_moving_a_deadline_later_needs_no_confirmation(cast, campaign, clock):
    later = campaign.application_deadline + dt.timedelta(days=3)
    s.campaign_update(by=cast.city_admin, campaign=campaign, application_deadline=later)
    assert Campaign.objects.get(pk=campaign.pk).application_deadline == later


def test_the_api_shows_what_will_lock_and_ends_the_stage(cast, campaign, clock, draft_a):
    client = client_for(cast.city_admin)
    url = f"/api/campaigns/{campaign.pk}/end-stage/"
    preview = client.get(url).json()
    assert preview["stage"] == "application" and preview["next_stage"] == "county_review"
    assert preview["locked"]["draft"] == ["修改", "提交"]
    assert {c["county_name"]: c["statuses"] for c in preview["counties"]}["琅琊区"] == {"draft": 1}
    assert preview["not_applied"] == 2  # school B and school A's teaching point
    assert client_for(cast.school_user_a).post(url, {"stage": "application"}).status_code == 403
    response = client.post(url, {"stage": "application"})
    assert response.status_code == 200
    clock.at(clock.now + dt.timedelta(seconds=1))
    again = client.post(url, {"stage": "application"})
    assert again.status_code == 400 and "现在不是“申报与自评”阶段" in again.json()["detail"]


def test_the_api_asks_to_confirm_a_deadline_that_ends_a_stage(cast, campaign, clock):
    client = client_for(cast.city_admin)
    url = f"/api/campaigns/{campaign.pk}/settings/"
    past = (clock.now - dt.timedelta(hours=1)).isoformat()
    refused = client.patch(url, {"application_deadline": past})
    assert refused.status_code == 400 and refused.json()["code"] == "confirm_stage_end"
    assert "立即结束“申报与自评”阶段" in refused.json()["detail"]
    confirmed = client.patch(url, {"application_deadline": past, "confirm_stage_end": True})
    assert confirmed.status_code == 200, confirmed.json()
    assert Campaign.objects.get(pk=campaign.pk).stage_at(clock.now) == Stage.COUNTY_REVIEW


def test_ending_a_stage_locks_exactly_what_the_rulebook_allows_only_in_it():
    # Application: drafts lose edit and submit; returned applications keep the county stage.
    assert rules.locked_on_ending(Stage.APPLICATION) == {Status.DRAFT: ["修改", "提交"]}
    county = rules.locked_on_ending(Stage.COUNTY_REVIEW)
    assert set(county) == {
        Status.DRAFT, Status.SUBMITTED, Status.RETURNED, Status.RECOMMENDED, Status.NOT_RECOMMENDED
    }
    assert county[Status.DRAFT] == ["撤回"]
    assert rules.locked_on_ending(Stage.CITY_REVIEW) == {Status.RECOMMENDED: ["分配专家"], Status.UNDER_REVIEW: ["分配专家"]}


STAGES = list(rules.NEXT_STAGE)


@given(st.integers(0, 3), st.integers(0, 4))
def test_a_deadline_change_ends_the_stages_between_the_running_one_and_the_new_one(now_at, moved):
    base = dt.datetime(2030, 1, 1, tzinfo=dt.UTC)
    days = [base + dt.timedelta(days=10 * n) for n in range(5)]
    campaign = Campaign(
        opens_at=days[0], application_deadline=days[1], county_review_deadline=days[2],
        city_review_deadline=days[3], publication_deadline=days[4],
    )
    now = days[now_at] + dt.timedelta(days=5)  # in stage ``now_at`` (0: application ... 3: decision)
    before = campaign.stage_at(now)
    # Every deadline up to ``moved`` goes just before now (keeping their order).
    fields = {
        rules.DEADLINE_FIELDS[STAGES[n]]: now - dt.timedelta(minutes=10 - n)
        for n in range(min(moved, len(STAGES)))
        if campaign.deadline_of(STAGES[n]) > now - dt.timedelta(minutes=10 - n)
    }
    ended = rules.stages_ended(campaign, fields, now)
    after = Campaign(
        opens_at=days[0], **{name: fields.get(name, getattr(campaign, name)) for name in rules.DEADLINE_FIELDS.values()}
    ).stage_at(now)
    if after == before:
        assert ended == []
    else:
        assert ended[0] == before and rules.NEXT_STAGE[ended[-1]] == after
        assert all(rules.NEXT_STAGE[a] == b for a, b in zip(ended, ended[1:], strict=False))
