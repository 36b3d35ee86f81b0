"""The 公示 before publication: the city opens it, the public page shows the list, the period
and how to object; objections are recorded and resolved with a reason (an upheld one may change
the decision, which keeps its history); publication waits for the period and every objection."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from campuseval.campaigns import rules
from campuseval.campaigns import services as s
from campuseval.campaigns.models import ApplicationEvent, Objection
from campuseval.campaigns.visibility import application_view

from .conftest import make_campaign
from .test_city_helpers import recommended, reviewed


@given(start=st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2030, 12, 31)), days=st.integers(1, 30))
def test_a_notice_of_n_working_days_ends_on_the_nth_weekday_after_it_opens(start, days):
    end = rules.notice_end(start, days)
    assert end.weekday() < 5
    between = [start + dt.timedelta(days=n) for n in range(1, (end - start).days + 1)]
    assert sum(1 for d in between if d.weekday() < 5) == days


@pytest.fixture
def noticed(cast, rubrics, clock):
    """A campaign with a 5-day 公示, school A decided 示范型 and school B 合格型."""
    campaign = make_campaign(
        cast, rubrics["taizhou-2022"], name="2022年滁州市智慧校园创建（公示）", notice_days=5,
        notice_contact="市教育局电教馆 0550-0000000",
    )
    a = recommended(cast, campaign, cast.school_a, tier="示范型")
    b = recommended(cast, campaign, cast.school_b, tier="合格型")
    for app in (a, b):
        reviewed(cast, campaign, clock, app, [{}])
    clock.stage(campaign, "decision")
    a = s.application_decide(by=cast.city_admin, application=a)
    b = s.application_decide(by=cast.city_admin, application=b)
    return campaign, a, b


def test_publication_waits_for_the_notice(cast, noticed):
    campaign, _a, _b = noticed
    with pytest.raises(s.WorkflowError, match="请先开始公示"):
        s.campaign_publish(by=cast.city_admin, campaign=campaign)


def test_the_public_page_shows_the_list_the_period_and_how_to_object(client, cast, noticed):
    campaign, _a, _b = noticed
    assert client.get(reverse("results:detail", args=[campaign.pk])).status_code == 404  # not yet public
    campaign = s.notice_open(by=cast.city_admin, campaign=campaign)
    assert campaign.notice_ends_on == rules.notice_end(campaign.notice_opened_at.date(), 5)
    page = client.get(reverse("results:detail", args=[campaign.pk])).content.decode()
    assert "认定名单公示" in page and "公示中" in page
    assert cast.school_a.name in page and "示范型" in page
    assert "市教育局电教馆 0550-0000000" in page
    assert f"{campaign.notice_ends_on.year}年{campaign.notice_ends_on.month}月{campaign.notice_ends_on.day}日" in page
    assert "公示中" in client.get(reverse("results:index")).content.decode()


def test_during_the_notice_the_school_sees_its_decision(cast, noticed):
    campaign, a, _b = noticed
    assert not application_view(cast.school_user_a, a).decision
    s.notice_open(by=cast.city_admin, campaign=campaign)
    a.campaign.refresh_from_db()
    assert application_view(cast.school_user_a, a).decision


def test_an_objection_holds_publication_until_it_is_resolved_with_a_reason(cast, clock, noticed):
    campaign, a, _b = noticed
    campaign = s.notice_open(by=cast.city_admin, campaign=campaign)
    objection = s.objection_record(
        by=cast.city_admin, campaign=campaign, application=a, submitter="某家长", contact="13800000000",
        text="该校录播教室未投入使用", evidence="照片三张",
    )
    clock.at(dt.datetime.combine(campaign.notice_ends_on, dt.time(12), tzinfo=dt.UTC))
    with pytest.raises(s.WorkflowError, match="公示期至"):
        s.campaign_publish(by=cast.city_admin, campaign=campaign)
    clock.at(dt.datetime.combine(campaign.notice_ends_on + dt.timedelta(days=1), dt.time(12), tzinfo=dt.UTC))
    with pytest.raises(s.WorkflowError, match="1 件异议未处理"):
        s.campaign_publish(by=cast.city_admin, campaign=campaign)
    with pytest.raises(s.WorkflowError, match="请填写处理理由"):
        s.objection_resolve(by=cast.city_admin, objection=objection, upheld=False, reason=" ")
    s.objection_resolve(by=cast.city_admin, objection=objection, upheld=False, reason="经核查，录播教室已正常使用")
    campaign = s.campaign_publish(by=cast.city_admin, campaign=campaign)
    assert campaign.published_at is not None


def test_an_upheld_objection_changes_the_decision_and_keeps_its_history(cast, noticed):
    campaign, a, _b = noticed
    campaign = s.notice_open(by=cast.city_admin, campaign=campaign)
    objection = s.objection_record(by=cast.city_admin, campaign=campaign, application=a, submitter="某教师", text="材料造假")
    events_before = ApplicationEvent.objects.filter(application=a).count()
    s.objection_resolve(by=cast.city_admin, objection=objection, upheld=True, reason="现场核查不符", tier="合格型")
    a.refresh_from_db()
    assert a.decided_tier == "合格型"
    assert "因公示异议改判：现场核查不符" in a.override_reason
    assert ApplicationEvent.objects.filter(application=a).count() == events_before + 1
    assert Objection.objects.get(pk=objection.pk).state == Objection.State.UPHELD
    with pytest.raises(s.WorkflowError, match="已处理"):
        s.objection_resolve(by=cast.city_admin, objection=objection, upheld=False, reason="再次处理")


def test_objections_are_refused_before_the_notice_and_for_schools_not_on_the_list(cast, campaign, clock, noticed):
    noticed_campaign, a, _b = noticed
    clock.stage(campaign, "application")
    other = s.application_create(by=cast.city_admin, campaign=campaign, school=cast.school_a)  # another campaign's
    clock.stage(noticed_campaign, "decision")
    with pytest.raises(s.WorkflowError, match="公示尚未开始"):
        s.objection_record(by=cast.city_admin, campaign=noticed_campaign, application=a, submitter="x", text="y")
    noticed_campaign = s.notice_open(by=cast.city_admin, campaign=noticed_campaign)
    with pytest.raises(s.WorkflowError, match="公示名单中的学校"):
        s.objection_record(by=cast.city_admin, campaign=noticed_campaign, application=other, submitter="x", text="y")


def test_the_notice_period_cannot_change_once_it_runs(cast, noticed):
    campaign, _a, _b = noticed
    campaign = s.notice_open(by=cast.city_admin, campaign=campaign)
    with pytest.raises(s.WorkflowError, match="不能再更改公示期"):
        s.campaign_update(by=cast.city_admin, campaign=campaign, notice_days=3)


def test_the_city_runs_the_notice_from_its_decisions_page(client, cast, noticed):
    campaign, a, _b = noticed
    client.force_login(cast.city_admin)
    assert "开始公示" in client.get(reverse("campaigns:decisions", args=[campaign.pk])).content.decode()
    client.post(reverse("campaigns:notice_open", args=[campaign.pk]))
    response = client.post(
        reverse("campaigns:objection_add", args=[campaign.pk]),
        {"application": a.pk, "submitter": "某家长", "text": "有异议", "received_on": "2022-10-08"}, follow=True,
    )
    assert "已登记对" in response.content.decode()
    objection = Objection.objects.get(application=a)
    page = client.get(reverse("campaigns:decisions", args=[campaign.pk])).content.decode()
    assert "某家长" in page and "待处理" in page
    response = client.post(
        reverse("campaigns:objection_resolve", args=[campaign.pk, objection.pk]),
        {"upheld": "no", "tier": "keep", "reason": "查无实据"}, follow=True,
    )
    assert "异议不成立" in response.content.decode()


def test_the_api_runs_the_same_notice(client, cast, noticed):
    campaign, a, _b = noticed
    client.force_login(cast.city_admin)
    assert client.post(reverse("api:notice_open", args=[campaign.pk])).status_code == 200
    url = reverse("api:objections", args=[campaign.pk])
    created = client.post(url, {"application": a.pk, "submitter": "某家长", "text": "有异议"}, content_type="application/json")
    assert created.status_code == 201 and created.json()["state"] == "open"
    assert [o["school"] for o in client.get(url).json()] == [cast.school_a.name]
    resolve = reverse("api:objection_resolve", args=[campaign.pk, created.json()["id"]])
    done = client.post(resolve, {"upheld": True, "reason": "核实", "tier": "优秀型"}, content_type="application/json")
    assert done.status_code == 200 and done.json()["state"] == "upheld"
    a.refresh_from_db()
    assert a.decided_tier == "优秀型"
    again = client.post(resolve, {"upheld": False, "reason": "x"}, content_type="application/json")
    assert again.status_code in (400, 409) and "已处理" in str(again.json())
