"""What bureau staff do on the plan pages: publish a plan, a county submits its plan and the city
returns or accepts it, a KPI's progress is reported and accepted, a construction task moves on,
and the board shows progress as of a chosen date."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from campuseval.audit.models import AuditRecord
from campuseval.plans import services as ps
from campuseval.plans.models import ConstructionTask, Plan, ProgressReport, Target


@pytest.fixture
def plan(cast):
    return ps.plan_create(by=cast.city_admin, region=cast.city, title="滁州市智慧教育行动计划", start_year=2025, end_year=2027)


@pytest.fixture
def kpi(cast, plan):
    return ps.target_add(
        by=cast.city_admin, plan=plan, project="师生信息素养提升工程", text="培养首席信息官", kind=Target.Kind.KPI,
        measure=Target.Measure.REPORTED, year=2027, due=dt.date(2027, 12, 31), value=Decimal(100), unit="名",
    )


def detail(plan):
    return reverse("plans:detail", args=[plan.pk])


def action(plan, name):
    return reverse("plans:plan_action", args=[plan.pk, name])


def test_the_city_publishes_its_plan_from_the_plan_page(client, cast, plan, kpi):
    client.force_login(cast.city_admin)
    page = client.get(detail(plan)).content.decode()
    assert "发布规划" in page and "提交市级审核" not in page
    response = client.post(action(plan, "publish"), follow=True)
    assert "已发布滁州市智慧教育行动计划" in response.content.decode()
    assert Plan.objects.get(pk=plan.pk).status == Plan.Status.PUBLISHED
    assert AuditRecord.objects.filter(object_type="plans.plan", object_id=str(plan.pk), action="update").exists()
    again = client.post(action(plan, "publish"), follow=True).content.decode()
    assert "规划状态为“已发布”，不能发布" in again


def test_a_county_submits_its_plan_and_the_city_returns_it_with_a_reason_then_accepts(client, cast, plan):
    ps.plan_publish(by=cast.city_admin, plan=plan)
    county_plan = ps.plan_create(
        by=cast.county_admin_a, region=cast.county_a, title="琅琊区智慧校园建设年度计划", start_year=2025,
        end_year=2026, answers=plan,
    )
    client.force_login(cast.county_admin_a)
    assert "提交市级审核" in client.get(detail(county_plan)).content.decode()
    client.post(action(county_plan, "submit"))
    assert Plan.objects.get(pk=county_plan.pk).status == Plan.Status.SUBMITTED
    client.force_login(cast.city_admin)
    page = client.get(detail(county_plan)).content.decode()
    assert "退回修改" in page and "采纳并发布" in page
    refused = client.post(action(county_plan, "return"), {"reason": ""}, follow=True).content.decode()
    assert "请填写理由" in refused
    client.post(action(county_plan, "return"), {"reason": "请把 2026 年的任务分解到学校"})
    client.force_login(cast.county_admin_a)
    page = client.get(detail(county_plan)).content.decode()
    assert "退回意见：请把 2026 年的任务分解到学校" in page
    client.post(action(county_plan, "submit"))
    client.force_login(cast.city_admin)
    client.post(action(county_plan, "publish"))
    assert Plan.objects.get(pk=county_plan.pk).status == Plan.Status.PUBLISHED


def test_a_kpi_is_reported_and_the_owner_accepts_it_on_the_plan_page(client, cast, plan, kpi):
    ps.plan_publish(by=cast.city_admin, plan=plan)
    client.force_login(cast.city_admin)
    url = reverse("plans:report_new", args=[kpi.pk])
    assert "填报进度" in client.get(detail(plan)).content.decode()
    empty = client.post(url, {"as_of": "2026-06-30"})
    assert empty.status_code == 400 and "请填写进度值，或勾选里程碑已完成" in empty.content.decode()
    bad = client.post(url, {"as_of": "2026-13-01", "value": "-3"})
    assert "截至日期不是有效的日期" in bad.content.decode() and "进度值不能为负数" in bad.content.decode()
    client.post(url, {"as_of": "2026-06-30", "value": "42", "note": "第一批培训结业"})
    report = ProgressReport.objects.get(target=kpi)
    page = client.get(detail(plan)).content.decode()
    assert "待采纳的进度填报" in page and "第一批培训结业" in page
    client.post(reverse("plans:report_decide", args=[report.pk]), {"decision": "accept"})
    assert ProgressReport.objects.get(pk=report.pk).status == ProgressReport.Status.ACCEPTED
    assert "42 名" in client.get(detail(plan)).content.decode()


def test_a_construction_task_moves_on_from_the_task_table(client, cast, plan):
    ps.target_add(
        by=cast.city_admin, plan=plan, text="教学点智慧课堂", kind=Target.Kind.COUNT, measure=Target.Measure.TASKS,
        category="教学点智慧课堂", year=2026, due=dt.date(2026, 12, 31), value=Decimal(1), unit="个",
    )
    task = ps.task_add(by=cast.city_admin, plan=plan, school=cast.teaching_point_a, category="教学点智慧课堂", year=2026)
    client.force_login(cast.city_admin)
    url = reverse("plans:task_edit", args=[task.pk])
    refused = client.post(url, {"status": "built"}, follow=True).content.decode()
    assert "建成或验收通过的任务须填写建成日期" in refused
    client.post(url, {"status": "built", "built_on": "2026-05-20"})
    task.refresh_from_db()
    assert (task.status, task.built_on) == (ConstructionTask.Status.BUILT, dt.date(2026, 5, 20))
    client.force_login(cast.observer)
    assert client.post(url, {"status": "planned"}).status_code == 404  # observers only read


def test_the_board_shows_progress_as_of_a_chosen_date(client, cast, plan, kpi):
    ps.plan_publish(by=cast.city_admin, plan=plan)
    early = ps.report_submit(by=cast.city_admin, target=kpi, as_of=dt.date(2026, 3, 31), value=Decimal(20))
    ps.report_decide(by=cast.city_admin, report=early, accept=True)
    late = ps.report_submit(by=cast.city_admin, target=kpi, as_of=dt.date(2026, 9, 30), value=Decimal(60))
    ps.report_decide(by=cast.city_admin, report=late, accept=True)
    client.force_login(cast.city_admin)
    assert "20 名" in client.get(detail(plan), {"as_of": "2026-06-30"}).content.decode()
    assert "60 名" in client.get(detail(plan), {"as_of": "2026-10-01"}).content.decode()
    bad = client.get(detail(plan), {"as_of": "昨天"})
    assert bad.status_code == 400 and "进度截至不是有效的日期" in bad.content.decode()


def test_a_task_accepted_before_it_was_built_is_refused_by_page_service_and_api(client, cast, plan):
    from django.core.exceptions import ValidationError

    from tests.api.conftest import client_for

    task = ps.task_add(by=cast.city_admin, plan=plan, school=cast.teaching_point_a, category="教学点智慧课堂", year=2026)
    client.force_login(cast.city_admin)
    dates = {"status": "accepted", "built_on": "2026-05-20", "accepted_on": "2026-05-01"}
    page = client.post(reverse("plans:task_edit", args=[task.pk]), dates, follow=True).content.decode()
    assert "验收日期 2026-05-01 早于建成日期 2026-05-20" in page
    with pytest.raises(ValidationError, match="早于建成日期"):
        ps.task_update(
            by=cast.city_admin, task=task, status="accepted", built_on=dt.date(2026, 5, 20), accepted_on=dt.date(2026, 5, 1)
        )
    answer = client_for(cast.city_admin).patch(f"/api/tasks/{task.pk}/", dates)
    assert answer.status_code == 400 and "早于建成日期" in str(answer.json())
    task.refresh_from_db()
    assert task.status == ConstructionTask.Status.PLANNED


def test_a_too_long_return_reason_is_refused_and_the_report_stays_waiting(client, cast, plan, kpi):
    ps.plan_publish(by=cast.city_admin, plan=plan)
    report = ps.report_submit(by=cast.city_admin, target=kpi, as_of=dt.date(2026, 6, 30), value=Decimal(5))
    client.force_login(cast.city_admin)
    page = client.post(
        reverse("plans:report_decide", args=[report.pk]), {"decision": "return", "reason": "补" * 2001}, follow=True
    ).content.decode()
    assert "理由最多 2000 字，现在 2001 字，未保存" in page
    assert ProgressReport.objects.get(pk=report.pk).status == ProgressReport.Status.SUBMITTED
