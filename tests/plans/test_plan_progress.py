"""Plans and their targets' progress, computed from the platform's own data (issue 9): coverage
and tier shares from published decisions as of a date, counts from construction tasks, reported
KPIs from their latest accepted report; each target's status, reason and the gap as action;
county parts that do not add up; tasks that close themselves on certification; the doors."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from campuseval.campaigns.models import Application, Campaign, Status
from campuseval.plans import outlook
from campuseval.plans import services as ps
from campuseval.plans.models import ConstructionTask, Plan, ProgressReport, Target
from campuseval.plans.progress import plan_progress, target_progress
from campuseval.plans.rules import PlanError
from campuseval.regions.models import School
from tests.campaigns.conftest import make_campaign
from tests.campaigns.conftest import rubrics as rubrics  # the fixture

TODAY = dt.date(2022, 9, 1)


@pytest.fixture
def more_schools(cast):
    """Ten schools in each county of the cast's city (22 with the cast's own and its point)."""
    made = []
    for county, prefix in ((cast.county_a, "21340101"), (cast.county_b, "21340102")):
        for n in range(10):
            made.append(School.objects.create(code=f"{prefix}{n:02d}", name=f"{county.name}第{n + 2}小学", stage="小学", location="urban", county=county))
    return made


@pytest.fixture
def plan(cast):
    return ps.plan_create(by=cast.city_admin, region=cast.city, title="滁州市智慧校园建设规划", start_year=2022, end_year=2023)


def published(cast, rubric, schools, tier, on: dt.datetime):
    """A published campaign in which ``schools`` were certified ``tier`` (set up directly)."""
    campaign = make_campaign(
        cast, rubric, name=f"认定 {on:%Y%m%d}{tier}", opens_at=on - dt.timedelta(days=60),
        application_deadline=on - dt.timedelta(days=40), county_review_deadline=on - dt.timedelta(days=30),
        city_review_deadline=on - dt.timedelta(days=10), publication_deadline=on + dt.timedelta(days=5),
    )
    Campaign.objects.filter(pk=campaign.pk).update(published_at=on)
    for school in schools:
        Application.objects.create(campaign=campaign, school=school, status=Status.PUBLISHED, decided_tier=tier)
    return campaign


def coverage(cast, plan, value, *, year=2022, tier="", scope=Target.Scope.ALL):
    return ps.target_add(
        by=cast.city_admin, plan=plan, text=f"{year}年建成率不低于{value}%", kind=Target.Kind.COVERAGE,
        measure=Target.Measure.CERTIFIED, year=year, due=dt.date(year, 12, 31), value=Decimal(value), unit="%",
        tier=tier, scope=scope,
    )


def test_coverage_counts_decisions_from_the_day_they_are_published(cast, plan, more_schools, rubrics):
    at = dt.datetime(2022, 8, 15, 10, tzinfo=dt.UTC)
    published(cast, rubrics["taizhou-2022"], more_schools[:4], "合格型", at)
    target = coverage(cast, plan, 10, scope=Target.Scope.SCHOOLS)
    before = target_progress(target, dt.date(2022, 8, 14))
    after = target_progress(target, dt.date(2022, 8, 15))
    assert (before.numerator, before.denominator, before.current) == (0, 23 - 1, 0)
    # 4 of 22 schools (the teaching point left out) is 18.18…%, shown as 18% (half up).
    assert (after.numerator, after.denominator, after.current) == (4, 22, 18)
    assert after.status == outlook.Status.DONE


def test_a_tier_share_counts_only_that_tier_and_above(cast, plan, more_schools, rubrics):
    at = dt.datetime(2022, 8, 15, 10, tzinfo=dt.UTC)
    published(cast, rubrics["taizhou-2022"], more_schools[:2], "示范型", at)
    published(cast, rubrics["taizhou-2022"], more_schools[2:5], "合格型", at + dt.timedelta(days=1))
    good = coverage(cast, plan, 10, tier="优秀型", scope=Target.Scope.SCHOOLS)
    any_tier = coverage(cast, plan, 10, tier="合格型", scope=Target.Scope.SCHOOLS)
    assert target_progress(good, TODAY).numerator == 2
    assert target_progress(any_tier, TODAY).numerator == 5


def test_a_target_behind_its_expected_progress_says_how_many_schools_by_when(cast, plan, more_schools, rubrics):
    published(cast, rubrics["taizhou-2022"], more_schools[:2], "合格型", dt.datetime(2022, 6, 1, tzinfo=dt.UTC))
    target = coverage(cast, plan, 30, scope=Target.Scope.SCHOOLS)  # 7 of 22 rounds to 32%; 6 to 27%
    progress = target_progress(target, TODAY)
    assert progress.status in (outlook.Status.BEHIND, outlook.Status.WARNING)
    assert "按序时进度应达" in progress.view.reason or "达不到目标" in progress.view.reason
    assert progress.gap == "滁州市还需 5 所学校在 12 月 31 日前被推荐并通过认定"


def test_a_target_that_cannot_be_reached_on_the_pipeline_is_a_warning(cast, plan, more_schools, rubrics):
    # Last year: 2 of 4 submitted schools certified; now two schools are in the pipeline.
    last = published(cast, rubrics["taizhou-2022"], more_schools[:2], "合格型", dt.datetime(2022, 3, 1, tzinfo=dt.UTC))
    for school in more_schools[2:4]:
        Application.objects.create(campaign=last, school=school, status=Status.NOT_RECOMMENDED)
    running = make_campaign(cast, rubrics["taizhou-2022"], name="本年认定")
    for school in more_schools[4:6]:
        Application.objects.create(campaign=running, school=school, status=Status.SUBMITTED)
    target = coverage(cast, plan, 80, scope=Target.Scope.SCHOOLS)
    progress = target_progress(target, TODAY)
    assert progress.status == outlook.Status.WARNING
    assert "预测" in progress.view.reason


def test_a_target_past_due_and_not_reached_is_overdue(cast, plan, more_schools):
    target = coverage(cast, plan, 10, year=2022)
    assert target_progress(target, dt.date(2023, 1, 2)).status == outlook.Status.OVERDUE


def test_county_parts_that_do_not_add_up_are_named(cast, plan):
    whole = ps.target_add(
        by=cast.city_admin, plan=plan, text="示范校 5 所", kind=Target.Kind.COUNT, measure=Target.Measure.CERTIFIED,
        year=2023, due=dt.date(2023, 12, 31), value=Decimal(5), tier="示范型",
    )
    for county, n in ((cast.county_a, 2), (cast.county_b, 2)):
        ps.target_add(
            by=cast.city_admin, plan=plan, parent=whole, region=county, text=f"{county.name}示范校",
            kind=Target.Kind.COUNT, measure=Target.Measure.CERTIFIED, year=2023, due=whole.due, value=Decimal(n),
            tier="示范型",
        )
    assert target_progress(whole, TODAY).parts_problem == "各县目标合计 4所，比全市目标 5所少 1所"


def test_tasks_count_when_built_and_close_themselves_on_certification(cast, plan, more_schools, rubrics):
    target = ps.target_add(
        by=cast.city_admin, plan=plan, text="乡村智慧学校", kind=Target.Kind.COUNT, measure=Target.Measure.TASKS,
        category="乡村中小学智慧学校", year=2022, due=dt.date(2022, 12, 31), value=Decimal(3), unit="所",
    )
    tasks = [ps.task_add(by=cast.city_admin, plan=plan, school=s, category="乡村中小学智慧学校", year=2022) for s in more_schools[:3]]
    ps.task_update(by=cast.city_admin, task=tasks[0], status=ConstructionTask.Status.BUILT, built_on=dt.date(2022, 5, 1))
    assert target_progress(target, TODAY).current == 1
    assert target_progress(target, TODAY).gap == "滁州市乡村中小学智慧学校：2022 年还差 2 所" or target_progress(target, TODAY).status == outlook.Status.ON_TRACK
    published(cast, rubrics["taizhou-2022"], [more_schools[1]], "合格型", dt.datetime(2022, 7, 1, tzinfo=dt.UTC))
    assert ps.tasks_close_certified(by=cast.city_admin, plan=plan) == 1
    tasks[1].refresh_from_db()
    assert tasks[1].status == ConstructionTask.Status.ACCEPTED and "认定为合格型" in tasks[1].evidence
    assert target_progress(target, TODAY).current == 2


def test_a_reported_kpi_takes_its_latest_accepted_report(cast, plan):
    kpi = ps.target_add(
        by=cast.city_admin, plan=plan, text="培养首席信息官", kind=Target.Kind.KPI, measure=Target.Measure.REPORTED,
        year=2023, due=dt.date(2023, 12, 31), value=Decimal(100), unit="名",
    )
    assert target_progress(kpi, TODAY).view is None  # nothing reported yet
    with pytest.raises(PlanError, match="规划发布后才能填报进度"):
        ps.report_submit(by=cast.city_admin, target=kpi, as_of=TODAY, value=Decimal(10))
    ps.plan_publish(by=cast.city_admin, plan=plan)
    first = ps.report_submit(by=cast.city_admin, target=kpi, as_of=dt.date(2022, 6, 30), value=Decimal(40))
    ps.report_decide(by=cast.city_admin, report=first, accept=True)
    second = ps.report_submit(by=cast.city_admin, target=kpi, as_of=dt.date(2022, 8, 31), value=Decimal(55))
    assert target_progress(kpi, TODAY).current == 40  # the second is not accepted yet
    with pytest.raises(PlanError, match="退回须填写理由"):
        ps.report_decide(by=cast.city_admin, report=second, accept=False)
    ps.report_decide(by=cast.city_admin, report=second, accept=False, reason="请附名单")
    assert target_progress(kpi, TODAY).current == 40
    assert ProgressReport.objects.get(pk=second.pk).status == ProgressReport.Status.RETURNED


def test_a_county_plan_answering_the_city_is_submitted_returned_and_accepted(cast, plan):
    county_plan = ps.plan_create(
        by=cast.county_admin_a, region=cast.county_a, title="琅琊区智慧校园建设计划", start_year=2022, end_year=2023,
        answers=plan,
    )
    with pytest.raises(PlanError, match="须先提交"):
        ps.plan_publish(by=cast.city_admin, plan=county_plan)
    ps.plan_submit(by=cast.county_admin_a, plan=county_plan)
    with pytest.raises(PlanError, match="退回须填写理由"):
        ps.plan_return(by=cast.city_admin, plan=county_plan, reason=" ")
    ps.plan_return(by=cast.city_admin, plan=county_plan, reason="请按年度分解到学校")
    assert Plan.objects.get(pk=county_plan.pk).status == Plan.Status.RETURNED
    ps.plan_submit(by=cast.county_admin_a, plan=county_plan)
    ps.plan_publish(by=cast.city_admin, plan=county_plan)
    assert Plan.objects.get(pk=county_plan.pk).status == Plan.Status.PUBLISHED


def test_the_status_board_shows_status_reason_and_gap(client, cast, plan, more_schools):
    year = timezone.localdate().year
    plan.start_year, plan.end_year = year, year + 1
    plan.save()
    coverage(cast, plan, 50, year=year + 1)
    client.force_login(cast.city_admin)
    page = client.get(reverse("plans:detail", args=[plan.pk])).content.decode()
    assert f"{year + 1}年建成率不低于50%" in page
    assert "0%（0/23 所）" in page
    assert "滁州市还需 12 所学校在" in page


def test_plans_are_behind_the_door(client, cast, plan):
    url = reverse("plans:detail", args=[plan.pk])
    client.force_login(cast.school_user_a)
    response = client.get(url)
    assert response.status_code == 403 and "规划与目标仅供教育局" in response.content.decode()
    client.force_login(cast.county_admin_a)
    assert client.get(url).status_code == 404  # a city draft is not the county's
    ps.plan_publish(by=cast.city_admin, plan=plan)
    assert client.get(url).status_code == 200  # the published city plan it answers
    client.force_login(cast.observer)
    assert client.get(url).status_code == 200
    assert plan_progress(plan, TODAY) == []


def test_a_facts_target_counts_schools_whose_latest_facts_meet_the_condition(cast, plan, more_schools):
    from campuseval.regions.models import SchoolFacts

    for n, school in enumerate(more_schools[:10]):
        SchoolFacts.objects.create(school=school, year=2021, internet_bandwidth_mbps=100)
        SchoolFacts.objects.create(school=school, year=2022, internet_bandwidth_mbps=200 if n < 6 else 100)
    target = ps.target_add(
        by=cast.city_admin, plan=plan, text="所有中小学网络带宽提速至200M", kind=Target.Kind.COVERAGE,
        measure=Target.Measure.FACTS, scope=Target.Scope.SCHOOLS, year=2022, due=dt.date(2022, 12, 31),
        value=Decimal(100), unit="%", fact_expr="internet_bandwidth_mbps", fact_min=Decimal(200),
    )
    in_2021 = target_progress(target, dt.date(2021, 12, 31))
    now = target_progress(target, TODAY)
    assert (in_2021.numerator, in_2021.denominator) == (0, 22)
    assert (now.numerator, now.denominator, now.current) == (6, 22, 27)
    assert now.gap == "滁州市还需 16 所学校在 12 月 31 日前将互联网（教育城域网）接入带宽（Mbit/s）提高到 200 及以上"


def test_a_facts_target_names_only_known_numeric_facts(cast, plan):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="未知的数值型学校数据"):
        ps.target_add(
            by=cast.city_admin, plan=plan, text="带宽", kind=Target.Kind.COVERAGE, measure=Target.Measure.FACTS,
            year=2022, due=dt.date(2022, 12, 31), value=Decimal(100), unit="%", fact_expr="bandwidth", fact_min=Decimal(1),
        )


def test_the_daily_job_closes_the_tasks_of_certified_schools(cast, plan, more_schools, rubrics):
    import io

    from django.core.management import call_command

    from campuseval.audit.models import AuditRecord

    ps.target_add(
        by=cast.city_admin, plan=plan, text="乡村智慧学校", kind=Target.Kind.COUNT, measure=Target.Measure.TASKS,
        category="乡村中小学智慧学校", year=2022, due=dt.date(2022, 12, 31), value=Decimal(2), unit="所",
    )
    tasks = [ps.task_add(by=cast.city_admin, plan=plan, school=s, category="乡村中小学智慧学校", year=2022) for s in more_schools[:2]]
    ps.plan_publish(by=cast.city_admin, plan=plan)
    published(cast, rubrics["taizhou-2022"], [more_schools[0]], "优秀型", dt.datetime(2022, 7, 1, tzinfo=dt.UTC))
    out = io.StringIO()
    call_command("remind_deadlines", stdout=out)
    assert "1 项建设任务因学校已获认定而验收通过；" in out.getvalue().splitlines()[-1]
    tasks[0].refresh_from_db()
    tasks[1].refresh_from_db()
    assert tasks[0].status == ConstructionTask.Status.ACCEPTED and "认定为优秀型" in tasks[0].evidence
    assert tasks[1].status == ConstructionTask.Status.PLANNED
    record = AuditRecord.objects.filter(object_type="plans.constructiontask", object_id=str(tasks[0].pk)).order_by("-seq").first()
    assert record is not None and record.actor_name == "系统"
