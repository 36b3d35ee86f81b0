"""The demo city's plans, built through the plans services (so every row is audited):

1. 滁州市智慧学校建设总体规划（2018—2022年）: the seed's two 任务分解表 exactly (the counties'
   yearly 建设数 and 合计数, with the table's own printed 完成率 kept beside the computed ones),
   the 2019 明细表's named schools as construction tasks (a demo teaching point or rural school
   of the county is renamed to the seed's name), and tasks for the later years in every status;
2. a Weifang-style coverage ladder and a Taizhou-style tier-share target, driven by the demo
   campaigns' published results and their pipeline;
3. an action plan with every quantitative KPI of Qingdao's (seed 003) with its 责任处室, as
   reported KPIs with progress reports in several states.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction
from django.utils import timezone

from campuseval.accounts.models import Role, RoleAssignment, User
from campuseval.plans import services as ps
from campuseval.plans.decomposition import (
    read_groups_csv,
    read_plan_csv,
    read_schools_csv,
    read_stated_csv,
)
from campuseval.plans.models import ConstructionTask, Plan, ProgressReport, Target
from campuseval.plans.reminders import record_statuses, remind_plans
from campuseval.regions.models import Department, Region, School

DATA = Path(__file__).resolve().parents[1] / "plans" / "data"
CHUZHOU = "滁州市智慧学校建设总体规划（2018—2022年）"
CHUZHOU_SOURCE = "滁州市教育局《滁州市智慧学校建设总体规划（2018—2022年）》附件1、附件2"
# What the 2019 明细表 names: a demo school of the county is renamed to it.
KIND_OF = {"教学点智慧课堂": School.Stage.TEACHING_POINT, "乡村中小学智慧学校": None}


@dataclass
class PlanSummary:
    title: str
    targets: int
    tasks: int
    reports: int


def _read(name: str) -> bytes:
    return (DATA / name).read_bytes()


@transaction.atomic
def demo_plans_create(*, city: Region, by: User, seed: int, today: dt.date | None = None) -> list[PlanSummary]:
    today = today or timezone.localdate()
    rng = random.Random(f"{seed}|plans")
    built = [
        _chuzhou(city, by, rng, today),
        _coverage(city, by, today),
        _action_plan(city, by, rng, today),
    ]
    _department_user(city, by.password)
    coverage = Plan.objects.get(region=city, title=built[1].title)
    county = Region.objects.filter(parent=city).order_by("code").first()
    county_admin = User.objects.filter(roles__role=Role.COUNTY_ADMIN, roles__region=county).first()
    if county is not None and county_admin is not None:
        _county_plan(coverage, county, county_admin, today)
    # The daily job has run for four weeks: each target's status is recorded since the day it
    # began (those that worsened were told); a report already late is 催办'd, the county plan due
    # soon is reminded.
    record_statuses(today - dt.timedelta(days=28))
    record_statuses(today)
    remind_plans(today)
    return built


LATE_KPI = 2  # the second KPI (装备信息中心's, never reported in the demo) is already late


def _report_by(order: int, kpi: dict[str, Any], today: dt.date) -> dt.date:
    """Each KPI's next report is due at the end of the quarter; one is a day late already."""
    return today - dt.timedelta(days=1) if order == LATE_KPI else _quarter_end(today)


def _summary(plan: Plan) -> PlanSummary:
    reports = ProgressReport.objects.filter(target__plan=plan).count()
    return PlanSummary(plan.title, plan.targets.count(), plan.tasks.count(), reports)


# --- 1. the seed's 任务分解表 -------------------------------------------------------------------


def _chuzhou(city: Region, by: User, rng: random.Random, today: dt.date) -> PlanSummary:
    rows = read_plan_csv(_read("chuzhou-2019-2022.csv"), "chuzhou-2019-2022.csv")
    groups = read_groups_csv(_read("chuzhou-groups.csv"), "chuzhou-groups.csv")
    stated = read_stated_csv(_read("chuzhou-stated-rates.csv"), "chuzhou-stated-rates.csv")
    named = read_schools_csv(_read("chuzhou-2019-schools.csv"), "chuzhou-2019-schools.csv")
    counties = {c.name: c for c in Region.objects.filter(parent=city)}
    plan = ps.plan_create(
        by=by, region=city, title=CHUZHOU, start_year=2018, end_year=2022, source=CHUZHOU_SOURCE,
    )
    for order, category in enumerate(dict.fromkeys(r.category for r in rows), start=1):
        mine = [r for r in rows if r.category == category]
        totals = {r.region: r.total for r in mine}
        whole = ps.target_add(
            by=by, plan=plan, region=city, project=category, text=f"{category}全覆盖", kind=Target.Kind.COUNT,
            measure=Target.Measure.TASKS, category=category, year=2022, due=dt.date(2022, 12, 31),
            value=Decimal(sum(totals.values())), unit="个" if category == "教学点智慧课堂" else "所", order=order,
        )
        for name, total in totals.items():
            ps.target_add(
                by=by, plan=plan, parent=whole, region=counties[name], project=category,
                text=f"{name}{category}", kind=Target.Kind.COUNT, measure=Target.Measure.TASKS, category=category,
                year=2022, due=dt.date(2022, 12, 31), value=Decimal(total), unit=whole.unit, order=order,
                group=groups.get(category, {}).get(name, ""),
            )
        for r in mine:
            ps.target_add(
                by=by, plan=plan, parent=whole, region=counties[r.region], project=category,
                text=f"{r.region}{r.year}年{category}建设数", kind=Target.Kind.COUNT, measure=Target.Measure.TASKS,
                category=category, year=r.year, due=dt.date(r.year, 12, 31), cumulative=False,
                value=Decimal(r.planned), unit=whole.unit, order=order,
                stated_rate=stated.get(category, {}).get((r.region, r.year)),
            )
    _tasks(plan, by, rows, named, counties, rng)
    _yearly_goals(plan, by, city, counties, rng)
    ps.plan_publish(by=by, plan=plan)
    return _summary(plan)


# The plan's other yearly goals (三、建设目标): named 示范校 and 样板校 in 2019, 16 more 样板校 in
# 2020, 3 示范县 in 2021. The named schools are the seed's; the county and stage are ours.
NAMED_2019 = [
    ("省级智慧学校示范校", "琅琊区", "滁州市第二中学", ("完全中学", "高中", "初中")),
    ("省级智慧学校示范校", "凤阳县", "凤阳县小岗学校", ("九年一贯制", "小学")),
    ("市级智慧学校样板校", "琅琊区", "滁州市第二实验小学", ("小学",)),
    ("市级智慧学校样板校", "全椒县", "全椒县第四中学", ("初中", "完全中学")),
]


def _yearly_goals(plan: Plan, by: User, city: Region, counties: dict[str, Region], rng: random.Random) -> None:
    taken = set(ConstructionTask.objects.filter(plan=plan).values_list("school_id", flat=True))
    for category, count, year in (("省级智慧学校示范校", 2, 2019), ("市级智慧学校样板校", 2, 2019), ("市级智慧学校样板校", 16, 2020)):
        ps.target_add(
            by=by, plan=plan, region=city, project="示范校与样板校", text=f"{year}年建成{category} {count} 所",
            kind=Target.Kind.COUNT, measure=Target.Measure.TASKS, category=category, year=year,
            due=dt.date(year, 12, 31), cumulative=False, value=Decimal(count), unit="所",
        )
    for category, county, name, stages in NAMED_2019:
        school = (
            School.objects.filter(county=counties[county], stage__in=stages).exclude(pk__in=taken).order_by("code").first()
        )
        if school is None:
            continue
        taken.add(school.pk)
        School.objects.filter(pk=school.pk).update(name=name)  # demo data: the seed's name
        school.name = name
        ps.task_add(
            by=by, plan=plan, school=school, category=category, year=2019, status=ConstructionTask.Status.ACCEPTED,
            built_on=dt.date(2019, 11, 20), accepted_on=dt.date(2019, 12, 20), evidence="验收报告（演示）",
        )
    others = list(
        School.objects.filter(county__parent=city, location=School.Location.URBAN)
        .exclude(stage=School.Stage.TEACHING_POINT).exclude(pk__in=taken).order_by("code")[:60]
    )
    for school in rng.sample(others, min(15, len(others))):  # one short of the 16: the plan says so
        ps.task_add(
            by=by, plan=plan, school=school, category="市级智慧学校样板校", year=2020,
            status=ConstructionTask.Status.ACCEPTED, built_on=dt.date(2020, 10, 15), accepted_on=dt.date(2020, 12, 10),
            evidence="验收报告（演示）",
        )
    ps.target_add(
        by=by, plan=plan, region=city, project="联网攻坚", text="2019年所有中小学网络带宽提速至200M",
        kind=Target.Kind.COVERAGE, measure=Target.Measure.FACTS, scope=Target.Scope.SCHOOLS, year=2019,
        due=dt.date(2019, 12, 31), value=Decimal(100), unit="%", fact_expr="internet_bandwidth_mbps",
        fact_min=Decimal(200),
    )
    ps.target_add(
        by=by, plan=plan, region=city, project="示范县", text="2021年建设智慧学校示范县 3 个", kind=Target.Kind.KPI,
        measure=Target.Measure.REPORTED, year=2021, due=dt.date(2021, 12, 31), value=Decimal(3), unit="个",
    )


def _tasks(
    plan: Plan, by: User, rows: list[Any], named: list[tuple[str, str, str]], counties: dict[str, Region],
    rng: random.Random,
) -> None:
    """The 2019 named schools (renamed demo schools), then unnamed demo schools for the later
    years; years past are mostly built or accepted, a few still 在建 (the plan is behind)."""
    taken: set[int] = set()
    names = {(category, county): [s for c, r, s in named if (c, r) == (category, county)] for category, county, _ in named}
    for r in rows:
        candidates = _candidates(counties[r.region], r.category, taken)
        wanted = names.get((r.category, r.region), []) if r.year == 2019 else []
        for n in range(r.planned):
            if not candidates:
                break
            school = candidates.pop(0)
            taken.add(school.pk)
            if n < len(wanted) and school.name != wanted[n]:
                School.objects.filter(pk=school.pk).update(name=wanted[n])  # demo data: the seed's name
                school.name = wanted[n]
            status, built = _status(r.year, rng)
            ps.task_add(
                by=by, plan=plan, school=school, category=r.category, year=r.year, status=status,
                started_on=dt.date(r.year, 3, 1), built_on=built,
                accepted_on=built + dt.timedelta(days=60) if status == ConstructionTask.Status.ACCEPTED and built else None,
                evidence="验收报告（演示）" if status == ConstructionTask.Status.ACCEPTED else "",
            )


def _candidates(county: Region, category: str, taken: set[int]) -> list[School]:
    qs = School.objects.filter(county=county).exclude(pk__in=taken).order_by("code")
    if KIND_OF[category] == School.Stage.TEACHING_POINT:
        return list(qs.filter(stage=School.Stage.TEACHING_POINT))
    return list(qs.filter(location=School.Location.RURAL).exclude(stage=School.Stage.TEACHING_POINT))


def _status(year: int, rng: random.Random) -> tuple[str, dt.date | None]:
    roll = rng.random()
    if year == 2022 and roll < 0.15:
        return ConstructionTask.Status.BUILDING, None
    if year == 2022 and roll < 0.2:
        return ConstructionTask.Status.PLANNED, None
    built = dt.date(year, 9, 1) + dt.timedelta(days=rng.randrange(0, 90))
    return (ConstructionTask.Status.ACCEPTED if roll < 0.7 else ConstructionTask.Status.BUILT), built


# --- 2. coverage and tier shares from the campaigns -------------------------------------------


def _coverage(city: Region, by: User, today: dt.date) -> PlanSummary:
    year = today.year
    plan = ps.plan_create(
        by=by, region=city, title=f"滁州市智慧校园建设三年行动（{year - 1}—{year + 1}年）", start_year=year - 1,
        end_year=year + 1, source="参照潍坊市、泰州市智慧校园创建通知的目标设置（演示）",
    )
    ladder = [(year - 1, Decimal(2)), (year, Decimal(6)), (year + 1, Decimal(12))]
    for n, (y, share) in enumerate(ladder, start=1):
        ps.target_add(
            by=by, plan=plan, project="智慧校园建成率", text=f"{y}年智慧校园建成率不低于{share}%",
            kind=Target.Kind.COVERAGE, measure=Target.Measure.CERTIFIED, year=y, due=dt.date(y, 12, 31),
            value=share, unit="%", order=n,
        )
    for n, (tier, tier_share) in enumerate([("合格型", 4), ("优秀型", 2), ("示范型", 1)], start=10):
        ps.target_add(
            by=by, plan=plan, project=f"{year}年各等级占比", text=f"{tier}及以上学校占比不低于{tier_share}%",
            kind=Target.Kind.COVERAGE, measure=Target.Measure.CERTIFIED, year=year, due=dt.date(year, 12, 31),
            value=Decimal(tier_share), unit="%", tier=tier, scope=Target.Scope.SCHOOLS, order=n,
        )
    demo = ps.target_add(
        by=by, plan=plan, project="示范校", text=f"到{year + 1}年示范型智慧校园不少于 12 所", kind=Target.Kind.COUNT,
        measure=Target.Measure.CERTIFIED, year=year + 1, due=dt.date(year + 1, 12, 31), value=Decimal(12),
        tier="示范型", order=20,
    )
    # Split over the counties: the parts add up to one short of the whole, which the page names.
    counties = list(Region.objects.filter(parent=city).order_by("code"))
    for n, county in enumerate(counties):
        ps.target_add(
            by=by, plan=plan, parent=demo, region=county, project="示范校", text=f"{county.name}示范型智慧校园",
            kind=Target.Kind.COUNT, measure=Target.Measure.CERTIFIED, year=year + 1, due=demo.due,
            value=Decimal(2 if n < 3 else 1), tier="示范型", order=20,
        )
    ps.plan_publish(by=by, plan=plan)
    return _summary(plan)


# --- 3. an action plan of reported KPIs ----------------------------------------------------


def _action_plan(city: Region, by: User, rng: random.Random, today: dt.date) -> PlanSummary:
    spec = yaml.safe_load(_read("qingdao-2022-2024.yaml"))
    year = today.year
    departments = {name: Department.objects.get_or_create(region=city, name=name)[0] for name in spec["departments"]}
    plan = ps.plan_create(
        by=by, region=city, title=f"滁州市智慧教育示范区创建行动计划（{year - 1}—{year + 1}年）",
        start_year=year - 1, end_year=year + 1,
        source=f"参照{spec['plan']['source']}（演示：目标与责任处室照录，年度顺延）",
    )
    targets: list[Target] = []
    order = 0
    for project in spec["projects"]:
        for kpi in project["kpis"]:
            order += 1
            percent = kpi["kind"] == "percent"
            # 万兆接入: the share of schools whose latest facts give 10,000 Mbit/s or more.
            facts = kpi.get("computed") == "school_facts"
            measure = Target.Measure.FACTS if facts else Target.Measure.REPORTED
            lead = departments.get(kpi["lead"]) if kpi.get("lead") else None
            target = ps.target_add(
                by=by, plan=plan, project=project["name"], text=kpi["text"], kind=Target.Kind.KPI, measure=measure,
                year=year + 1, due=dt.date(year + 1, 12, 31),
                value=Decimal(str(kpi["target"])) if kpi.get("target") is not None else None,
                unit="%" if percent else (kpi.get("unit") or ""), milestone=kpi.get("milestone") or "",
                lead=lead, co=[departments[c] for c in kpi.get("co") or [] if c in departments],
                all_districts=bool(kpi.get("all_districts")), order=order,
                report_by=None if facts else _report_by(order, kpi, today),
                fact_expr="internet_bandwidth_mbps" if facts else "", fact_min=Decimal(10000) if facts else None,
                scope=Target.Scope.SCHOOLS if facts else Target.Scope.ALL,
            )
            targets.append(target)
    ps.plan_publish(by=by, plan=plan)
    _reports(plan, targets, by, rng, today)
    return _summary(plan)


DEPARTMENT_USER = "dept-zbxx"  # 装备信息中心's user in the demo


def _department_user(city: Region, password_hash: str) -> User | None:
    """装备信息中心 gets a 处室用户 who reports its KPIs."""
    department = Department.objects.filter(region=city, name="装备信息中心").first()
    if department is None:
        return None
    user = User.objects.create(
        username=DEPARTMENT_USER, full_name="装备信息中心填报员", password=password_hash, must_change_password=False
    )
    RoleAssignment.objects.create(user=user, role=Role.DEPARTMENT_USER, department=department)
    return user


def _county_plan(city_plan: Plan, county: Region, by: User, today: dt.date) -> None:
    """A county's plan answering the city's coverage plan, due a few days from now (Weifang's
    附件2: every county's plan by a date)."""
    ps.plan_create(
        by=by, region=county, title=f"{county.name}智慧校园建设年度计划（{today.year}年）", start_year=today.year,
        end_year=today.year, answers=city_plan, submit_by=today + dt.timedelta(days=5),
        source=f"响应{city_plan.title}",
    )


def _quarter_end(today: dt.date) -> dt.date:
    """The end of the current quarter: when the KPIs' next reports are due."""
    month = (today.month - 1) // 3 * 3 + 3
    ends = {3: 31, 6: 30, 9: 30, 12: 31}
    return dt.date(today.year, month, ends[month])


def _reports(plan: Plan, targets: list[Target], by: User, rng: random.Random, today: dt.date) -> None:
    """Half the KPIs reported: accepted (on track or behind), one returned, some waiting."""
    start = dt.date(plan.start_year, 1, 1)
    elapsed = (today - start).days / (dt.date(plan.end_year, 12, 31) - start).days
    for n, target in enumerate(targets):
        if n % 2 or target.measure != Target.Measure.REPORTED:
            continue
        as_of = today - dt.timedelta(days=10 + n)
        if target.value is None:
            if n % 4:
                continue  # a milestone not reached yet has nothing to report
            report = ps.report_submit(by=by, target=target, as_of=as_of, achieved=True, note="已印发（演示）")
        else:
            pace = Decimal(str(round(elapsed * rng.uniform(0.6, 1.3), 2)))
            value = min(target.value, (target.value * pace).quantize(Decimal("1")))
            report = ps.report_submit(by=by, target=target, as_of=as_of, value=value, note="按季度汇总（演示）")
        if n % 6 == 4:
            continue  # waiting for the plan's owner
        if n % 10 == 8:
            ps.report_decide(by=by, report=report, accept=False, reason="请附佐证材料并按区市分列（演示）")
        else:
            ps.report_decide(by=by, report=report, accept=True)
