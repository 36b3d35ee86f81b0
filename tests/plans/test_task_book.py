"""Qingdao's 工作推进任务书 (issue 9): one row per target with its project, KPI, target,
departments, deadline, latest progress and status, on a page and as .xlsx and .docx."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn
from openpyxl import load_workbook

from campuseval.accounts.gates import GATES
from campuseval.plans import services as ps
from campuseval.plans.exports import BOOK_HEADERS, BookRow, task_book_docx, task_book_xlsx
from campuseval.plans.models import Target
from campuseval.plans.presenters import task_book_rows
from campuseval.regions.models import Department

YEAR = timezone.localdate().year


@pytest.fixture
def plan(cast):
    return ps.plan_create(
        by=cast.city_admin, region=cast.city, title="滁州市智慧教育示范区创建行动计划", start_year=YEAR, end_year=YEAR + 2
    )


@pytest.fixture
def departments(cast):
    return {name: Department.objects.create(region=cast.city, name=name) for name in ("装备信息中心", "教师工作处", "教科院", "安全处")}


@pytest.fixture
def kpis(cast, plan, departments):
    due = dt.date(YEAR + 2, 12, 31)
    officers = ps.target_add(
        by=cast.city_admin, plan=plan, project="师生信息素养提升工程", text="培养首席信息官", kind=Target.Kind.KPI,
        measure=Target.Measure.REPORTED, year=YEAR + 2, due=due, value=Decimal(100), unit="名",
        lead=departments["装备信息中心"], co=[departments["教师工作处"], departments["教科院"]], order=1,
    )
    security = ps.target_add(
        by=cast.city_admin, plan=plan, project="网络安全保障工程", text="网络安全监测覆盖率", kind=Target.Kind.KPI,
        measure=Target.Measure.REPORTED, year=YEAR + 2, due=due, value=Decimal(100), unit="%",
        lead=departments["装备信息中心"], co=[departments["安全处"]], all_districts=True, order=2,
    )
    rules = ps.target_add(
        by=cast.city_admin, plan=plan, project="网络安全保障工程", text="=出台网络安全责任制考核办法", kind=Target.Kind.KPI,
        measure=Target.Measure.REPORTED, year=YEAR + 2, due=due, milestone="出台网络安全责任制考核办法",
        lead=departments["安全处"], order=3,
    )
    ps.plan_publish(by=cast.city_admin, plan=plan)
    first = ps.report_submit(
        by=cast.city_admin, target=officers, as_of=dt.date(YEAR, 1, 1), value=Decimal(40), note="首批 40 名已结业"
    )
    ps.report_decide(by=cast.city_admin, report=first, accept=True)
    # Submitted but not accepted: not the latest progress.
    ps.report_submit(by=cast.city_admin, target=officers, as_of=dt.date(YEAR, 1, 1), value=Decimal(60))
    return {"officers": officers, "security": security, "rules": rules}


def _book(plan):
    return reverse("plans:task_book", args=[plan.pk])


def test_the_rows_carry_project_kpi_target_departments_deadline_latest_progress_and_status(plan, kpis):
    today = timezone.localdate()
    rows = task_book_rows(plan, today)

    assert [r.number for r in rows] == [1, 2, 3]
    officers, security, rules = rows
    assert (officers.project, officers.text, officers.goal) == ("师生信息素养提升工程", "培养首席信息官", "100 名")
    assert (officers.lead, officers.co) == ("装备信息中心", "教师工作处、教科院")
    assert officers.deadline == f"{YEAR + 2}年12月31日"
    assert officers.latest == f"截至 {YEAR}-01-01：40 名。首批 40 名已结业"
    assert officers.status in ("正常", "滞后", "预警")
    assert (security.co, security.goal, security.latest, security.status) == ("安全处、各区市", "100%", "尚无已采纳的进度填报", "未填报")
    assert (rules.goal, rules.lead, rules.co) == ("出台网络安全责任制考核办法", "安全处", "")


def test_a_computed_target_shows_its_value_as_the_platform_computes_it(cast, plan):
    ps.target_add(
        by=cast.city_admin, plan=plan, text="建成率不低于50%", kind=Target.Kind.COVERAGE, measure=Target.Measure.CERTIFIED,
        year=YEAR + 1, due=dt.date(YEAR + 1, 12, 31), value=Decimal(50), unit="%",
    )
    today = timezone.localdate()
    (row,) = task_book_rows(plan, today)
    assert row.latest == f"截至 {today:%Y-%m-%d}：0%（0/3 所）（平台计算）"


def test_the_page_shows_the_rows_and_links_both_files(client, cast, plan, kpis):
    client.force_login(cast.observer)
    response = client.get(_book(plan))
    page = response.content.decode()

    assert response.status_code == 200
    assert "滁州市智慧教育示范区创建行动计划工作推进任务书" in page
    for text in ("师生信息素养提升工程", "培养首席信息官", "教师工作处、教科院", "安全处、各区市", "首批 40 名已结业", "未填报", f"{YEAR + 2}年12月31日"):
        assert text in page, text
    assert reverse("plans:task_book_xlsx", args=[plan.pk]) in page
    assert reverse("plans:task_book_docx", args=[plan.pk]) in page


def test_the_plan_page_links_the_book_only_when_the_plan_has_kpis(client, cast, plan):
    client.force_login(cast.city_admin)
    detail = reverse("plans:detail", args=[plan.pk])
    ps.target_add(
        by=cast.city_admin, plan=plan, text="教学点智慧课堂", kind=Target.Kind.COUNT, measure=Target.Measure.TASKS,
        category="教学点智慧课堂", year=YEAR, due=dt.date(YEAR, 12, 31), value=Decimal(1), unit="个",
    )
    assert _book(plan) not in client.get(detail).content.decode()
    ps.target_add(
        by=cast.city_admin, plan=plan, text="培养首席信息官", kind=Target.Kind.KPI, measure=Target.Measure.REPORTED,
        year=YEAR + 2, due=dt.date(YEAR + 2, 12, 31), value=Decimal(100), unit="名",
    )
    page = client.get(detail).content.decode()
    assert _book(plan) in page and "工作推进任务书" in page


def test_the_xlsx_has_the_headers_prints_landscape_with_the_header_on_every_page(client, cast, plan, kpis):
    client.force_login(cast.city_admin)
    response = client.get(reverse("plans:task_book_xlsx", args=[plan.pk]))

    assert response.status_code == 200
    assert "filename*=UTF-8''" in response["Content-Disposition"] and f"plan-{plan.pk}-task-book.xlsx" in response["Content-Disposition"]
    ws = load_workbook(BytesIO(response.content)).active
    assert ws.title == "工作推进任务书"
    assert ws["A1"].value == "滁州市智慧教育示范区创建行动计划工作推进任务书"
    assert tuple(c.value for c in ws[2]) == BOOK_HEADERS
    assert [c.value for c in ws[3]][:4] == [1, "师生信息素养提升工程", "培养首席信息官", "100 名"]
    assert ws["C5"].value == "'=出台网络安全责任制考核办法"  # the formula guard
    assert ws.max_row == 5
    assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == int(ws.PAPERSIZE_A4)
    assert ws.print_title_rows == "$2:$2"
    assert ws.freeze_panes == "A3"
    assert ws["B3"].border.left.style == "thin"


def test_the_docx_is_a_landscape_a4_with_the_bordered_table(client, cast, plan, kpis):
    client.force_login(cast.city_admin)
    response = client.get(reverse("plans:task_book_docx", args=[plan.pk]))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.wordprocessingml")
    doc = Document(BytesIO(response.content))
    section = doc.sections[0]
    assert section.orientation == WD_ORIENT.LANDSCAPE and section.page_width > section.page_height
    assert doc.paragraphs[0].text == "滁州市智慧教育示范区创建行动计划工作推进任务书"
    (table,) = doc.tables
    assert table.style.name == "Table Grid"
    assert [c.text for c in table.rows[0].cells] == list(BOOK_HEADERS)
    assert len(table.rows) == 4
    assert [c.text for c in table.rows[1].cells][:3] == ["1", "师生信息素养提升工程", "培养首席信息官"]
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None  # the header on every page
    fonts = doc.styles["Normal"].element.rPr.rFonts
    assert fonts.get(qn("w:eastAsia")) == "宋体"


def test_the_files_are_made_from_rows_alone():
    rows = [BookRow(1, "工程", "+1 指标", "10 个", "装备信息中心", "", "2024年12月31日", "尚无已采纳的进度填报", "未填报")]
    ws = load_workbook(BytesIO(task_book_xlsx(rows, "任务书"))).active
    assert ws["C3"].value == "'+1 指标"
    doc = Document(BytesIO(task_book_docx(rows, "任务书")))
    assert doc.tables[0].rows[1].cells[2].text == "+1 指标"
    empty = load_workbook(BytesIO(task_book_xlsx([], "任务书"))).active
    assert empty.max_row == 2


def test_the_book_is_behind_the_plans_door(client, cast, plan, kpis):
    other = ps.plan_create(by=cast.platform_admin, region=cast.other_city, title="合肥市规划", start_year=YEAR, end_year=YEAR + 1)
    client.force_login(cast.school_user_a)
    refused = client.get(_book(plan))
    assert refused.status_code == 403 and GATES["plans"].message in refused.content.decode()
    client.force_login(cast.city_admin)
    for name in ("plans:task_book", "plans:task_book_xlsx", "plans:task_book_docx"):
        assert client.get(reverse(name, args=[other.pk])).status_code == 404
