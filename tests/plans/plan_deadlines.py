"""A small world of plans with deadlines (issue 9, 催办): 滁州市's published action plan with two
reported KPIs, one led by 装备信息中心 (which has a department user) and one by 教师工作处 (which
has none, so its administrators report), and 琅琊区's plan answering it, to submit by Friday
15 May 2026."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import pytest

from campuseval.plans import services as ps
from campuseval.plans.models import Plan, Target
from campuseval.regions.models import Department
from tests.conftest import _user

DEADLINE = dt.date(2026, 5, 15)  # a Friday


def local(day: dt.date, hour: int = 9) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=dt.timezone(dt.timedelta(hours=8)))


@dataclass
class Deadlines:
    department: Department
    other_department: Department
    department_user: object
    city_plan: Plan
    kpi: Target  # led by 装备信息中心
    unstaffed_kpi: Target  # led by 教师工作处, which has no department user
    county_plan: Plan  # 琅琊区's, answering the city plan, to submit by DEADLINE


def kpi(cast, plan, text, lead, **fields):
    return ps.target_add(
        by=cast.city_admin, plan=plan, text=text, kind=Target.Kind.KPI, measure=Target.Measure.REPORTED,
        year=2026, due=dt.date(2026, 12, 31), value=Decimal(100), unit="%", lead=lead, **fields,
    )


@pytest.fixture
def deadlines(cast, clock) -> Deadlines:
    clock.at(local(dt.date(2026, 3, 2)))
    for user in (cast.city_admin, cast.county_admin_a):
        user.email = f"{user.username}@example.cn"
        user.save()
    department = Department.objects.create(region=cast.city, name="装备信息中心")
    other = Department.objects.create(region=cast.city, name="教师工作处")
    department_user = _user("chushi", "department_user", department=department)
    department_user.email = "chushi@example.cn"
    department_user.save()
    city_plan = ps.plan_create(
        by=cast.city_admin, region=cast.city, title="滁州市智慧校园建设行动计划", start_year=2026, end_year=2027
    )
    led = kpi(cast, city_plan, "教师信息素养培训覆盖率", department, report_by=DEADLINE)
    unstaffed = kpi(cast, city_plan, "名师网络课堂开课数", other, report_by=DEADLINE)
    ps.plan_publish(by=cast.city_admin, plan=city_plan)
    county_plan = ps.plan_create(
        by=cast.county_admin_a, region=cast.county_a, title="琅琊区智慧校园建设行动计划", start_year=2026,
        end_year=2027, answers=city_plan, submit_by=DEADLINE,
    )
    return Deadlines(department, other, department_user, city_plan, led, unstaffed, county_plan)
