"""The daily job records each target's status with its reason and the day it began (issue 9:
"the status of each target, with its reason stored and shown"): a change is audited, a change
for the worse into 滞后, 预警 or 逾期 is told to whoever answers for the target (the plan's
administrators, the county's for its part, the lead department's users), once; the status
board shows since when a status holds."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from campuseval.audit.models import AuditRecord
from campuseval.notifications.models import Notification
from campuseval.plans import services as ps
from campuseval.plans.models import Target
from campuseval.plans.reminders import record_statuses
from tests.campaigns.conftest import rubrics as rubrics  # the fixture
from tests.plans.test_plan_progress import coverage, published
from tests.plans.test_plan_progress import more_schools as more_schools  # the fixture
from tests.plans.test_plan_progress import plan as plan  # the fixture


@pytest.fixture
def target(cast, plan, more_schools):
    whole = coverage(cast, plan, 10, scope=Target.Scope.SCHOOLS)
    ps.target_add(
        by=cast.city_admin, plan=plan, parent=whole, region=cast.county_a, text="琅琊区建成率不低于10%",
        kind=Target.Kind.COVERAGE, measure=Target.Measure.CERTIFIED, year=2022, due=whole.due, value=Decimal(10),
        unit="%", scope=Target.Scope.SCHOOLS,
    )
    ps.plan_publish(by=cast.city_admin, plan=plan)
    return whole


def told(user):
    return list(Notification.objects.filter(user=user, kind="target_status").order_by("pk").values_list("message", flat=True))


def test_a_status_is_recorded_with_its_reason_and_since_when_and_audited_once(cast, target):
    assert record_statuses(dt.date(2022, 6, 1)) == 2  # the whole and its part
    target.refresh_from_db()
    first = target.status
    assert first in ("behind", "warning") and target.status_reason and target.status_since == dt.date(2022, 6, 1)
    records = AuditRecord.objects.filter(object_type="plans.target", object_id=str(target.pk), action="update")
    assert records.count() == 1 and records.get().after["status"] == first

    assert record_statuses(dt.date(2022, 6, 2)) == 0  # unchanged: no new record, the day kept
    target.refresh_from_db()
    assert (target.status, target.status_since) == (first, dt.date(2022, 6, 1))
    assert records.count() == 1


def test_worse_is_told_to_who_answers_for_the_target_and_better_is_only_recorded(cast, target, more_schools, rubrics):
    record_statuses(dt.date(2022, 6, 1))
    city, county = told(cast.city_admin), told(cast.county_admin_a)
    assert len(city) == 2 and len(county) == 1  # the county hears of its own part only
    assert "“琅琊区建成率不低于10%”（琅琊区）为“" in county[0]
    record_statuses(dt.date(2022, 6, 1))
    assert len(told(cast.city_admin)) == 2  # never twice

    published(cast, rubrics["taizhou-2022"], more_schools[:4], "合格型", dt.datetime(2022, 8, 15, 10, tzinfo=dt.UTC))
    assert record_statuses(dt.date(2022, 8, 16)) >= 1
    target.refresh_from_db()
    assert (target.status, target.status_since) == ("done", dt.date(2022, 8, 16))
    assert len(told(cast.city_admin)) == 2  # 已完成 is recorded, not alarmed


def test_past_due_without_reaching_turns_overdue_and_says_so(cast, target):
    record_statuses(dt.date(2022, 6, 1))
    record_statuses(dt.date(2023, 1, 3))
    target.refresh_from_db()
    assert target.status == "overdue" and target.status_since == dt.date(2023, 1, 3)
    latest = told(cast.city_admin)[-1]
    assert "转为“逾期”" in latest and target.status_reason in latest


def test_the_status_board_shows_since_when_a_status_holds(client, cast, target):
    record_statuses(dt.date(2022, 6, 1))
    client.force_login(cast.city_admin)
    page = client.get(f"/plans/{target.plan_id}/", {"as_of": "2022-06-20"}).content.decode()
    assert "自 2022-06-01 起" in page
    api = client.get(f"/api/plans/{target.plan_id}/", {"as_of": "2022-06-20"}).json()
    whole = next(t for t in api["targets"] if t["id"] == target.pk)
    assert whole["status_since"] == "2022-06-01"
    # A status that no longer holds on the day asked has no "since".
    page = client.get(f"/plans/{target.plan_id}/", {"as_of": "2023-02-01"}).content.decode()
    assert "自 2022-06-01 起" not in page
