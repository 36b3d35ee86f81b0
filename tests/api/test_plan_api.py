"""The plans of the REST API (issue 9): the plans a user may see and one plan with every
target's progress (as of a date), the plan's workflow, progress reports and construction tasks,
through the same doors, rulebook and services as the pages."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from campuseval.accounts.gates import GATES
from campuseval.plans import services as ps
from campuseval.plans.models import ConstructionTask, Plan, ProgressReport, Target
from campuseval.plans.presenters import target_rows
from campuseval.plans.progress import plan_progress

from .conftest import client_for

AS_OF = dt.date(2022, 9, 1)


@pytest.fixture
def plan(cast):
    return ps.plan_create(by=cast.city_admin, region=cast.city, title="滁州市智慧校园建设规划", start_year=2022, end_year=2023)


@pytest.fixture
def targets(cast, plan):
    """A coverage target, a reported KPI, a count of tasks, and a count split into county parts
    that do not add up."""
    coverage = ps.target_add(
        by=cast.city_admin, plan=plan, text="2022年建成率不低于50%", kind=Target.Kind.COVERAGE,
        measure=Target.Measure.CERTIFIED, year=2022, due=dt.date(2022, 12, 31), value=Decimal(50), unit="%",
    )
    kpi = ps.target_add(
        by=cast.city_admin, plan=plan, project="师生信息素养提升工程", text="培养首席信息官", kind=Target.Kind.KPI,
        measure=Target.Measure.REPORTED, year=2023, due=dt.date(2023, 12, 31), value=Decimal(100), unit="名",
    )
    tasks = ps.target_add(
        by=cast.city_admin, plan=plan, text="教学点智慧课堂", kind=Target.Kind.COUNT, measure=Target.Measure.TASKS,
        category="教学点智慧课堂", year=2022, due=dt.date(2022, 12, 31), value=Decimal(1), unit="个",
    )
    whole = ps.target_add(
        by=cast.city_admin, plan=plan, text="示范校 5 所", kind=Target.Kind.COUNT, measure=Target.Measure.CERTIFIED,
        year=2023, due=dt.date(2023, 12, 31), value=Decimal(5), tier="示范型",
    )
    for county in (cast.county_a, cast.county_b):
        ps.target_add(
            by=cast.city_admin, plan=plan, parent=whole, region=county, text=f"{county.name}示范校",
            kind=Target.Kind.COUNT, measure=Target.Measure.CERTIFIED, year=2023, due=whole.due, value=Decimal(2),
            tier="示范型",
        )
    return {"coverage": coverage, "kpi": kpi, "tasks": tasks, "whole": whole}


@pytest.fixture
def published(cast, plan, targets):
    return ps.plan_publish(by=cast.city_admin, plan=plan)


@pytest.fixture
def county_plan(cast, plan):
    """琅琊区's plan answering the city's."""
    return ps.plan_create(
        by=cast.county_admin_a, region=cast.county_a, title="琅琊区智慧校园建设计划", start_year=2022, end_year=2023,
        answers=plan,
    )


def _by_text(data):
    return {t["text"]: t for t in data["targets"]}


# --- reads ------------------------------------------------------------------------------------


def test_the_plan_list_shows_the_plans_the_user_may_see(cast, plan):
    other = ps.plan_create(by=cast.platform_admin, region=cast.other_city, title="合肥市规划", start_year=2022, end_year=2023)

    mine = client_for(cast.city_admin).get("/api/plans/")
    assert mine.status_code == 200
    assert [p["title"] for p in mine.json()["results"]] == ["滁州市智慧校园建设规划"]
    assert mine.json()["results"][0]["status"] == "draft" and mine.json()["results"][0]["status_label"] == "草稿"
    everyone = client_for(cast.platform_admin).get("/api/plans/").json()["results"]
    assert {p["id"] for p in everyone} == {plan.pk, other.pk}
    # A city draft is not the county's; once published, the county reads the plan it answers.
    assert client_for(cast.county_admin_a).get("/api/plans/").json()["results"] == []
    ps.plan_publish(by=cast.city_admin, plan=plan)
    assert [p["id"] for p in client_for(cast.county_admin_a).get("/api/plans/").json()["results"]] == [plan.pk]


def test_the_gate_refuses_schools_and_experts_with_its_message_and_anonymous_with_401(cast, plan):
    for user in (cast.school_user_a, cast.expert, cast.outsider):
        response = client_for(user).get("/api/plans/")
        assert response.status_code == 403
        assert response.json()["detail"] == GATES["plans"].message
    assert client_for(cast.school_user_a).get(f"/api/plans/{plan.pk}/").status_code == 403
    assert client_for().get("/api/plans/").status_code == 401


def test_a_plan_reads_with_every_target_progress_as_of_a_date(cast, published, targets):
    kpi = targets["kpi"]
    report = ps.report_submit(by=cast.city_admin, target=kpi, as_of=dt.date(2022, 6, 30), value=Decimal(40), note="首批 40 名")
    ps.report_decide(by=cast.city_admin, report=report, accept=True)

    response = client_for(cast.city_admin).get(f"/api/plans/{published.pk}/", {"as_of": "2022-09-01"})

    assert response.status_code == 200
    data = response.json()
    assert data["status"] == "published" and data["as_of"] == "2022-09-01"
    assert [t["text"] for t in data["targets"]] == ["2022年建成率不低于50%", "教学点智慧课堂", "培养首席信息官", "示范校 5 所"]  # order, year
    by_text = _by_text(data)
    coverage = by_text["2022年建成率不低于50%"]
    # The city's three schools (the teaching point included), none certified yet.
    assert (coverage["current"], coverage["numerator"], coverage["denominator"]) == (0, 0, 3)
    assert coverage["current_text"] == "0%（0/3 所）"
    assert coverage["status"] in ("behind", "warning") and coverage["status_label"] in ("滞后", "预警")
    assert coverage["expected"] is not None and coverage["growth_ratio"] is not None
    assert coverage["gap"] == "滁州市还需 2 所学校在 12 月 31 日前被推荐并通过认定"
    reported = by_text["培养首席信息官"]
    assert (reported["current"], reported["reported_on"], reported["project"]) == (40, "2022-06-30", "师生信息素养提升工程")
    assert reported["goal"] == "100 名" and reported["measure"] == "reported"
    whole = by_text["示范校 5 所"]
    assert whole["parts_problem"] == "各县目标合计 4所，比全市目标 5所少 1所"
    assert [(p["region"]["name"], p["value"]) for p in whole["parts"]] == [("琅琊区", 2), ("南谯区", 2)]
    assert all(p["status"] for p in whole["parts"])
    # The page's rows, the same words.
    rows = {r.target.text: r for r in target_rows(plan_progress(published, AS_OF))}
    for text, target in by_text.items():
        assert (target["status_label"], target["reason"], target["gap"]) == (
            rows[text].status_label, rows[text].reason, rows[text].progress.gap,
        )


def test_a_kpi_without_an_accepted_report_reads_as_not_reported(cast, published, targets):
    data = client_for(cast.observer).get(f"/api/plans/{published.pk}/", {"as_of": "2022-09-01"}).json()
    kpi = _by_text(data)["培养首席信息官"]
    assert (kpi["current"], kpi["status"], kpi["status_label"]) == (None, None, "未填报")
    assert kpi["reason"] == "尚无已采纳的进度填报" and kpi["projection"] is None


def test_without_as_of_the_progress_is_today_and_a_bad_date_is_a_400_in_chinese(cast, plan):
    ok = client_for(cast.city_admin).get(f"/api/plans/{plan.pk}/")
    assert ok.status_code == 200 and ok.json()["as_of"] == timezone.localdate().isoformat()
    for bad in ("2022-13-01", "yesterday", "2022/09/01"):
        response = client_for(cast.city_admin).get(f"/api/plans/{plan.pk}/", {"as_of": bad})
        assert response.status_code == 400
        assert "不是有效的日期" in response.json()["errors"]["as_of"][0]


def test_plans_out_of_scope_are_404(cast, plan):
    other = ps.plan_create(by=cast.platform_admin, region=cast.other_city, title="合肥市规划", start_year=2022, end_year=2023)
    assert client_for(cast.city_admin).get(f"/api/plans/{other.pk}/").status_code == 404
    assert client_for(cast.county_admin_a).get(f"/api/plans/{plan.pk}/").status_code == 404  # a city draft
    assert client_for(cast.platform_admin).get(f"/api/plans/{other.pk}/").status_code == 200


# --- the plan's workflow ----------------------------------------------------------------------


def test_a_county_plan_is_submitted_returned_and_accepted_through_the_api(cast, county_plan):
    county, city = client_for(cast.county_admin_a), client_for(cast.city_admin)
    url = f"/api/plans/{county_plan.pk}"

    early = city.post(f"{url}/publish/")
    assert early.status_code == 400
    assert early.json() == {"detail": "响应上级规划的县级规划须先提交，由市级采纳后发布", "code": "workflow"}
    submitted = county.post(f"{url}/submit/")
    assert submitted.status_code == 200 and submitted.json()["status"] == "submitted"
    blank = city.post(f"{url}/return/", {"reason": " "})
    assert blank.status_code == 400 and blank.json()["detail"] == "退回须填写理由"
    assert city.post(f"{url}/return/", {}).status_code == 400  # the reason is asked for
    returned = city.post(f"{url}/return/", {"reason": "请按年度分解到学校"})
    assert returned.status_code == 200
    assert (returned.json()["status"], returned.json()["note"]) == ("returned", "请按年度分解到学校")
    assert county.post(f"{url}/submit/").status_code == 200
    accepted = city.post(f"{url}/publish/")
    assert accepted.status_code == 200 and accepted.json()["status_label"] == "已发布"
    assert Plan.objects.get(pk=county_plan.pk).status == Plan.Status.PUBLISHED
    again = city.post(f"{url}/publish/")
    assert again.status_code == 400 and again.json()["code"] == "workflow"


def test_the_workflow_is_refused_outside_the_plans_runners(cast, plan, county_plan):
    # The city's own plan is not submitted: the rulebook says why.
    own = client_for(cast.city_admin).post(f"/api/plans/{plan.pk}/submit/")
    assert own.status_code == 400 and own.json()["detail"] == "只有响应上级规划的县级规划需要提交和审核"
    # The county does not run the city's plan; the observer runs none; a school may never.
    assert client_for(cast.county_admin_a).post(f"/api/plans/{plan.pk}/publish/").status_code == 404
    assert client_for(cast.observer).post(f"/api/plans/{county_plan.pk}/submit/").status_code == 404
    refused = client_for(cast.school_user_a).post(f"/api/plans/{plan.pk}/publish/")
    assert refused.status_code == 403 and refused.json()["detail"] == GATES["plans"].message
    assert Plan.objects.get(pk=plan.pk).status == Plan.Status.DRAFT


def test_a_published_city_plan_is_publishable_by_its_city_only_once(cast, plan):
    response = client_for(cast.city_admin).post(f"/api/plans/{plan.pk}/publish/")
    assert response.status_code == 200 and response.json()["status"] == "published"
    assert client_for(cast.city_admin).post(f"/api/plans/{plan.pk}/publish/").json()["detail"] == "规划状态为“已发布”，不能发布"


# --- progress reports ---------------------------------------------------------------------------


def test_a_kpi_is_reported_and_the_report_accepted_then_it_is_the_current_value(cast, published, targets):
    city = client_for(cast.city_admin)
    kpi = targets["kpi"]

    created = city.post(
        f"/api/targets/{kpi.pk}/reports/", {"as_of": "2022-06-30", "value": "40", "note": "首批", "evidence": "名单.pdf"}
    )
    assert created.status_code == 201
    report = created.json()
    assert (report["status"], report["value"], report["target"], report["plan"]) == ("submitted", 40, kpi.pk, published.pk)
    assert report["reported_by"] == "cityadmin" and report["decided_by"] is None

    accepted = city.post(f"/api/reports/{report['id']}/decide/", {"accept": True})
    assert accepted.status_code == 200
    assert (accepted.json()["status"], accepted.json()["decided_by"]) == ("accepted", "cityadmin")
    detail = city.get(f"/api/plans/{published.pk}/", {"as_of": "2022-09-01"}).json()
    assert _by_text(detail)["培养首席信息官"]["current"] == 40

    twice = city.post(f"/api/reports/{report['id']}/decide/", {"accept": False, "reason": "重复"})
    assert twice.status_code == 400
    assert twice.json() == {"detail": "填报状态为“已采纳”，不能再采纳或退回", "code": "workflow"}


def test_a_report_is_returned_only_with_a_reason(cast, published, targets):
    report = ps.report_submit(by=cast.city_admin, target=targets["kpi"], as_of=dt.date(2022, 6, 30), value=Decimal(40))
    city = client_for(cast.city_admin)
    blank = city.post(f"/api/reports/{report.pk}/decide/", {"accept": False})
    assert blank.status_code == 400 and blank.json()["detail"] == "退回须填写理由"
    assert city.post(f"/api/reports/{report.pk}/decide/", {}).status_code == 400  # accept is asked for
    returned = city.post(f"/api/reports/{report.pk}/decide/", {"accept": False, "reason": "请附名单"})
    assert returned.status_code == 200 and returned.json()["reason"] == "请附名单"
    assert ProgressReport.objects.get(pk=report.pk).status == ProgressReport.Status.RETURNED


def test_a_report_is_refused_by_the_rules_and_the_doors(cast, plan, targets):
    city = client_for(cast.city_admin)
    kpi = targets["kpi"]
    # A draft's KPI is not open for reports (the door: published plans only).
    assert city.post(f"/api/targets/{kpi.pk}/reports/", {"as_of": "2022-06-30", "value": "1"}).status_code == 404
    ps.plan_publish(by=cast.city_admin, plan=plan)
    nothing = city.post(f"/api/targets/{kpi.pk}/reports/", {"as_of": "2022-06-30"})
    assert nothing.status_code == 400 and nothing.json()["detail"] == "请填写进度值，或勾选里程碑已完成"
    bad = city.post(f"/api/targets/{kpi.pk}/reports/", {"as_of": "30/06/2022", "value": "-1"})
    assert bad.status_code == 400 and set(bad.json()["errors"]) == {"as_of", "value"}
    # A computed target is never reported; the county and the observer report on no city KPI.
    assert city.post(f"/api/targets/{targets['coverage'].pk}/reports/", {"as_of": "2022-06-30", "value": "1"}).status_code == 404
    for user in (cast.county_admin_a, cast.observer):
        assert client_for(user).post(f"/api/targets/{kpi.pk}/reports/", {"as_of": "2022-06-30", "value": "1"}).status_code == 404
    report = ps.report_submit(by=cast.city_admin, target=kpi, as_of=dt.date(2022, 6, 30), value=Decimal(40))
    assert client_for(cast.county_admin_a).post(f"/api/reports/{report.pk}/decide/", {"accept": True}).status_code == 404
    assert client_for(cast.school_user_a).post(f"/api/reports/{report.pk}/decide/", {"accept": True}).status_code == 403
    assert ProgressReport.objects.filter(target=kpi).count() == 1


# --- construction tasks ------------------------------------------------------------------------


@pytest.fixture
def task(cast, plan, targets):
    """A named school's task of the plan, made while a draft; the plan is then published."""
    made = ps.task_add(by=cast.city_admin, plan=plan, school=cast.teaching_point_a, category="教学点智慧课堂", year=2022)
    ps.plan_publish(by=cast.city_admin, plan=plan)
    return made


def test_a_task_moves_on_and_counts_in_its_target(cast, task):
    city = client_for(cast.city_admin)
    built = city.patch(f"/api/tasks/{task.pk}/", {"status": "built", "built_on": "2022-05-01", "evidence": "验收单"})
    assert built.status_code == 200
    body = built.json()
    assert (body["status"], body["status_label"], body["built_on"]) == ("built", "建成", "2022-05-01")
    assert body["school"]["name"] == "琅琊区示例教学点" and body["evidence"] == "验收单"
    # Fields left out keep their value.
    started = city.patch(f"/api/tasks/{task.pk}/", {"started_on": "2022-03-01"})
    assert started.status_code == 200 and started.json()["built_on"] == "2022-05-01"
    detail = city.get(f"/api/plans/{task.plan_id}/", {"as_of": "2022-09-01"}).json()
    assert _by_text(detail)["教学点智慧课堂"]["current"] == 1
    task.refresh_from_db()
    assert (task.status, task.started_on) == (ConstructionTask.Status.BUILT, dt.date(2022, 3, 1))


def test_a_task_is_refused_without_its_dates_or_outside_the_plans_runners(cast, task):
    city = client_for(cast.city_admin)
    no_date = city.patch(f"/api/tasks/{task.pk}/", {"status": "accepted", "built_on": "2022-05-01"})
    assert no_date.status_code == 400 and no_date.json()["errors"] == {"accepted_on": ["验收通过的任务须填写验收日期"]}
    assert city.patch(f"/api/tasks/{task.pk}/", {"status": "built"}).json()["errors"] == {"built_on": ["建成或验收通过的任务须填写建成日期"]}
    assert "没有“done”这个状态" in city.patch(f"/api/tasks/{task.pk}/", {"status": "done"}).json()["errors"]["status"][0]
    assert client_for(cast.county_admin_a).patch(f"/api/tasks/{task.pk}/", {"status": "building"}).status_code == 404
    assert client_for(cast.observer).patch(f"/api/tasks/{task.pk}/", {"status": "building"}).status_code == 404
    assert client_for(cast.school_user_a).patch(f"/api/tasks/{task.pk}/", {"status": "building"}).status_code == 403
    task.refresh_from_db()
    assert task.status == ConstructionTask.Status.PLANNED


def test_the_writes_leave_audit_records_with_the_api_user_as_actor(cast, task):
    from campuseval.audit.models import AuditRecord

    client_for(cast.city_admin).patch(f"/api/tasks/{task.pk}/", {"status": "building"})
    record = AuditRecord.objects.filter(action="update").order_by("-seq").first()
    assert record is not None and record.after == {"status": "building"}
    assert record.actor_id == cast.city_admin.pk


# --- the schema -----------------------------------------------------------------------------------


def test_the_schema_lists_every_plan_operation_under_its_chinese_tag(db):
    schema = client_for().get("/api/schema/", {"format": "json"}).json()
    operations = {
        ("/api/plans/", "get"), ("/api/plans/{id}/", "get"), ("/api/plans/{id}/submit/", "post"),
        ("/api/plans/{id}/return/", "post"), ("/api/plans/{id}/publish/", "post"),
        ("/api/targets/{id}/reports/", "post"), ("/api/reports/{id}/decide/", "post"), ("/api/tasks/{id}/", "patch"),
    }
    for path, method in operations:
        operation = schema["paths"][path][method]
        assert operation["tags"] == ["规划与目标"], path
        assert operation["summary"], path
    detail = schema["paths"]["/api/plans/{id}/"]["get"]
    assert [p["name"] for p in detail["parameters"] if p["in"] == "query"] == ["as_of"]
    assert set(detail["responses"]) == {"200", "400", "401", "403", "404", "429", "503"}


# --- making plans and targets -------------------------------------------------------------------


def test_a_city_administrator_makes_a_plan_and_its_targets_through_the_api(cast):
    from campuseval.audit.models import AuditRecord
    from campuseval.regions.models import Department

    api = client_for(cast.city_admin)
    made = api.post("/api/plans/", {
        "region": cast.city.code, "title": "滁州市智慧校园三年行动计划", "start_year": 2026, "end_year": 2028,
        "source": "滁州市教育局《关于……的通知》",
    })
    assert made.status_code == 201, made.json()
    plan = Plan.objects.get(pk=made.json()["id"])
    assert (made.json()["status"], plan.region, plan.created_by) == ("draft", cast.city, cast.city_admin)
    coverage = api.post(f"/api/plans/{plan.pk}/targets/", {
        "text": "2027年建成率不低于30%", "kind": "coverage", "measure": "certified", "year": 2027,
        "due": "2027-12-31", "value": "30",
    })
    assert coverage.status_code == 201, coverage.json()
    assert (coverage.json()["unit"], coverage.json()["region"], coverage.json()["cumulative"]) == ("%", cast.city.code, True)
    lead = Department.objects.create(region=cast.city, name="装备信息中心")
    co = Department.objects.create(region=cast.city, name="基础教育处")
    kpi = api.post(f"/api/plans/{plan.pk}/targets/", {
        "text": "培养首席信息官", "kind": "kpi", "measure": "reported", "year": 2028, "due": "2028-12-31",
        "value": "100", "unit": "名", "lead": lead.pk, "co": [co.pk], "report_by": "2027-06-30",
    })
    assert kpi.status_code == 201, kpi.json()
    assert (kpi.json()["lead"], kpi.json()["co"], kpi.json()["report_by"]) == ("装备信息中心", ["基础教育处"], "2027-06-30")
    assert [t["text"] for t in api.get(f"/api/plans/{plan.pk}/").json()["targets"]] == ["2027年建成率不低于30%", "培养首席信息官"]
    assert AuditRecord.objects.filter(object_type="plans.target", action="create").count() == 2
    assert AuditRecord.objects.filter(object_type="plans.plan", object_id=str(plan.pk), action="create").exists()


def test_bad_plans_and_targets_are_named_field_by_field_and_nothing_is_saved(cast, plan):
    from campuseval.regions.models import Department

    api = client_for(cast.city_admin)
    backwards = api.post("/api/plans/", {"region": cast.city.code, "title": "倒置", "start_year": 2028, "end_year": 2026})
    assert backwards.status_code == 400 and "截止年度不能早于起始年度" in str(backwards.json())
    elsewhere = api.post("/api/plans/", {"region": cast.other_city.code, "title": "别市", "start_year": 2026, "end_year": 2027})
    assert elsewhere.status_code == 400 and "不能以区域" in str(elsewhere.json()["errors"]["region"])
    stray = api.post("/api/plans/", {"region": cast.city.code, "title": "无上级", "start_year": 2026, "end_year": 2027, "submit_by": "2026-05-15"})
    assert stray.status_code == 400 and "只有响应上级规划的县级规划有提交截止" in str(stray.json())
    assert list(Plan.objects.all()) == [plan]

    url = f"/api/plans/{plan.pk}/targets/"
    base = {"text": "覆盖率", "kind": "coverage", "measure": "certified", "year": 2023, "due": "2023-12-31"}
    too_high = api.post(url, {**base, "value": "130"})
    assert too_high.status_code == 400 and "覆盖率不能超过 100%" in str(too_high.json())
    assert "须填写目标值或里程碑" in str(api.post(url, base).json())
    unknown_kind = api.post(url, {**base, "kind": "wish", "value": "30"})
    assert unknown_kind.status_code == 400 and "kind" in unknown_kind.json()["errors"]
    foreign = Department.objects.create(region=cast.other_city, name="别市处室")
    not_ours = api.post(url, {**base, "kind": "kpi", "measure": "reported", "value": "10", "lead": foreign.pk})
    assert not_ours.status_code == 400 and "不是滁州市的处室" in str(not_ours.json()["errors"]["lead"])
    early = api.post(url, {**base, "value": "30", "report_by": "2023-06-30"})
    assert early.status_code == 400 and "只有填报类目标有填报截止" in str(early.json())
    assert not plan.targets.exists()


def test_a_county_plan_answers_a_published_city_plan_and_no_one_adds_to_a_published_plan(cast, plan):
    county = client_for(cast.county_admin_a)
    draft_answer = {"region": cast.county_a.code, "title": "琅琊区计划", "start_year": 2022, "end_year": 2023, "answers": plan.pk}
    refused = county.post("/api/plans/", draft_answer)
    assert refused.status_code == 400 and "只能响应本市已发布的规划" in str(refused.json()["errors"]["answers"])
    ps.plan_publish(by=cast.city_admin, plan=plan)
    made = county.post("/api/plans/", {**draft_answer, "submit_by": "2022-05-15"})
    assert made.status_code == 201 and made.json()["answers"] == plan.pk
    assert county.post("/api/plans/", {**draft_answer, "region": cast.city.code}).status_code == 400

    late = client_for(cast.city_admin).post(f"/api/plans/{plan.pk}/targets/", {
        "text": "x", "kind": "count", "measure": "certified", "year": 2023, "due": "2023-12-31", "value": "1",
    })
    assert late.status_code == 400 and late.json()["code"] == "workflow" and "已发布" in late.json()["detail"]


def test_observers_and_departments_make_no_plans_and_other_bureaus_reach_no_plan(cast, plan):
    body = {"region": cast.city.code, "title": "观察员的规划", "start_year": 2026, "end_year": 2027}
    refused = client_for(cast.observer).post("/api/plans/", body)
    assert refused.status_code == 403 and refused.json()["detail"] == GATES["plan_makers"].message
    target = {"text": "x", "kind": "count", "measure": "certified", "year": 2023, "due": "2023-12-31", "value": "1"}
    assert client_for(cast.observer).post(f"/api/plans/{plan.pk}/targets/", target).status_code == 403
    assert client_for(cast.county_admin_a).post(f"/api/plans/{plan.pk}/targets/", target).status_code == 404
    assert not plan.targets.exists() and Plan.objects.count() == 1
