"""The province demo (`campuseval demo --province`) at a tiny size: the same plan for the same
seed, statuses that fit their campaign's stage, histories in the past, the dashboards' summary."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from campuseval.analytics.models import ApplicationSummary
from campuseval.campaigns.models import Application, ApplicationEvent
from campuseval.demodata.province import ProvinceRefused, province_create, province_plan
from campuseval.regions.models import Region, School

# What an application's status may be at each stage of its campaign (the brief's table).
FITS = {
    "application": {"draft", "submitted"},
    "county_review": {"submitted", "recommended", "not_recommended", "returned"},
    "city_review": {"under_review", "recommended", "not_recommended"},
    "decision": {"decided", "under_review", "not_recommended"},
    "published": {"published", "not_recommended", "returned", "draft"},
}


def test_the_plan_is_a_pure_function_of_the_seed():
    now = dt.datetime(2026, 6, 1, 4, tzinfo=dt.UTC)
    plan = province_plan(seed=7, cities=3, schools=120, now=now)
    assert plan == province_plan(seed=7, cities=3, schools=120, now=now)
    assert plan != province_plan(seed=8, cities=3, schools=120, now=now)
    assert [r.code for r in plan.regions if r.level == "city"] == ["370100", "370200", "370300"]
    counties = [r for r in plan.regions if r.level == "county"]
    assert all(c.code[:4] == c.parent_code[:4] for c in counties)  # type: ignore[index]
    assert len(plan.schools) == 120 and len({s.code for s in plan.schools}) == 120


@pytest.mark.django_db
def test_a_tiny_province_fits_together():
    result = province_create(seed=3, cities=5, schools=200)
    now = timezone.now()

    assert School.objects.count() == 200
    assert Region.objects.filter(level="city").count() == 5
    applications = list(Application.objects.select_related("campaign"))
    assert applications and len(applications) == len(result.plan.applications)
    seen = set()
    for app in applications:
        stage = app.campaign.stage_at(now)
        seen.add(stage)
        assert app.status in FITS[stage], (app.campaign.name, stage, app.status)
    assert seen == set(FITS)  # five cities: every stage this year

    events = list(ApplicationEvent.objects.order_by("application_id", "at", "id"))
    assert events and all(e.at <= now for e in events)
    history: dict[int, list[ApplicationEvent]] = {}
    for e in events:
        history.setdefault(e.application_id, []).append(e)
    for app in applications:
        mine = history[app.pk]
        assert (mine[0].from_status, mine[0].to_status) == ("", "draft")
        assert mine[-1].to_status == app.status
        assert all(a.to_status == b.from_status for a, b in zip(mine, mine[1:], strict=False))

    summary = dict(ApplicationSummary.objects.values_list("application_id", "status"))
    assert summary == {a.pk: a.status for a in applications}
    for row in ApplicationSummary.objects.filter(status__in=["decided", "published"]).select_related("application"):
        assert row.expert_tier == row.decided_tier == row.application.decided_tier

    with pytest.raises(ProvinceRefused):
        province_create(seed=3, cities=1, schools=10)
    with pytest.raises(CommandError, match="只写入空数据库"):
        call_command("demo", "--province", "--cities", "1", "--schools", "10")
