"""The 任务分解表 in the seed's layout (task_table) and as a printable workbook (task_table_xlsx)."""

from __future__ import annotations

import io

import openpyxl
import pytest

from campuseval.plans.decomposition import (
    CITY_TOTAL_LABEL,
    Disagreement,
    PlanRow,
    read_groups_csv,
    read_plan_csv,
    read_stated_csv,
    task_table,
)
from campuseval.plans.exports import task_table_xlsx

from .chuzhou_seed import (
    GROUPS_CSV,
    OTHER,
    OTHER_SUBTOTAL,
    PLAN_CSV,
    POINTS,
    POOR,
    POOR_SUBTOTAL,
    RURAL,
    RURAL_ROWS,
    RURAL_TOTAL,
    STATED_CSV,
    YEARS,
)


@pytest.fixture(scope="module")
def plan():
    return read_plan_csv(PLAN_CSV.read_bytes(), PLAN_CSV.name)


@pytest.fixture(scope="module")
def stated():
    return read_stated_csv(STATED_CSV.read_bytes(), STATED_CSV.name)


@pytest.fixture(scope="module")
def points(plan, stated):
    groups = read_groups_csv(GROUPS_CSV.read_bytes(), GROUPS_CSV.name)[POINTS]
    return task_table(plan, POINTS, groups, stated[POINTS], total_label="教学点合计数")


@pytest.fixture(scope="module")
def rural(plan, stated):
    return task_table(plan, RURAL, None, stated[RURAL])


def printed(row):
    """A TaskRow as the seed prints it: (label, 合计数, ((建设数, 完成率) or None for ——))."""
    cells = tuple(
        (None, None) if c.dash else (c.planned, c.stated if c.stated is not None else c.rate)
        for c in row.cells
    )
    return (row.label, row.total, cells)


def test_the_teaching_point_table_has_the_seeds_groups_and_subtotals(points):
    assert points.years == YEARS
    assert points.grouped
    assert [g.name for g in points.groups] == ["贫困地区", "其他地区"]
    poor, other = points.groups
    assert [printed(r) for r in poor.rows] == POOR
    assert printed(poor.subtotal) == POOR_SUBTOTAL
    assert [printed(r) for r in other.rows] == OTHER
    assert printed(other.subtotal) == OTHER_SUBTOTAL
    assert other.subtotal.key == "其他地区小计"
    total = points.total
    assert (total.kind, total.label, total.total) == ("total", CITY_TOTAL_LABEL, 67)
    assert [c.planned for c in total.cells] == [20, 8, 11, 28]
    assert [c.rate for c in total.cells] == [30, 42, 58, 100]
    assert [r.label for r in points.rows()][-3:] == ["明光市", "小计", "全市合计"]


def test_a_stated_rate_that_differs_is_kept_beside_the_computed_one(points, rural):
    tianchang = next(r for r in points.groups[1].rows if r.label == "天长市")
    cell = tianchang.cells[1]
    assert (cell.year, cell.cumulative, cell.rate, cell.stated) == (2020, 2, 67, 66)
    assert cell.disagrees
    assert not tianchang.cells[0].disagrees and tianchang.cells[0].stated == 33
    assert points.disagreements() == [Disagreement("天长市", 2020, 67, 66)]
    assert rural.disagreements() == []


def test_the_rural_table_has_no_groups_and_the_seeds_city_total(rural):
    assert not rural.grouped
    assert (
        len(rural.groups) == 1 and rural.groups[0].name is None and rural.groups[0].subtotal is None
    )
    assert [printed(r) for r in rural.groups[0].rows] == RURAL_ROWS
    assert printed(rural.total) == RURAL_TOTAL


def test_a_county_the_groups_leave_out_is_listed_as_ungrouped():
    rows = [PlanRow("甲", "A", 2, 2019, 1), PlanRow("乙", "A", 2, 2019, 2)]
    table = task_table(rows, "A", {"甲": "贫困地区"})
    assert [(g.name, [r.label for r in g.rows]) for g in table.groups] == [
        ("贫困地区", ["甲"]),
        ("未分组", ["乙"]),
    ]
    first, second = (c for g in table.groups for c in g.rows[0].cells)
    assert (first.dash, second.dash) == (False, False)  # a year's count, not ——
    assert task_table(rows, "B").rows()[-1].total == 0


def _sheet(table, title):
    book = openpyxl.load_workbook(io.BytesIO(task_table_xlsx(table, title)))
    return book.active


def _merged(ws):
    return {str(r) for r in ws.merged_cells.ranges}


def test_the_teaching_point_workbook_is_printed_as_the_seed(points):
    ws = _sheet(points, "滁州市教学点智慧课堂建设任务分解表")
    # 地区类别 | 县市区 | 教学点合计数 | 2019年 (建设数, 完成率) ... 2022年: columns A..K.
    assert ws["A1"].value == "滁州市教学点智慧课堂建设任务分解表"
    merged = _merged(ws)
    assert {"A1:K1", "A2:A3", "B2:B3", "C2:C3", "D2:E2", "F2:G2", "H2:I2", "J2:K2"} <= merged
    assert [ws.cell(2, c).value for c in (1, 2, 3, 4, 6, 8, 10)] == [
        "地区类别", "县市区", "教学点合计数", "2019年", "2020年", "2021年", "2022年",
    ]  # fmt: skip
    assert [ws.cell(3, c).value for c in range(4, 12)] == ["建设数", "完成率"] * 4
    # 贫困地区: 定远县 and 小计 (rows 4-5); 其他地区: 7 counties and 小计 (rows 6-13); 全市合计.
    assert {"A4:A5", "A6:A13", "A14:B14"} <= merged
    assert ws["A4"].value == "贫困地区" and ws["A6"].value == "其他地区"
    assert [ws.cell(r, 2).value for r in range(4, 14)] == [
        "定远县", "小计", "琅琊区", "南谯区", "来安县", "全椒县", "凤阳县", "天长市", "明光市", "小计",
    ]  # fmt: skip
    assert ws["A14"].value == "全市合计"
    dingyuan = [ws.cell(4, c).value for c in range(3, 12)]
    assert dingyuan == [11, 11, 1.0, "——", "——", "——", "——", "——", "——"]
    assert ws["E4"].number_format == "0%"
    fengyang = [ws.cell(10, c).value for c in range(3, 12)]
    assert fengyang == [33, 3, 0.09, 3, 0.18, 7, 0.39, 20, 1.0]
    assert [ws.cell(6, c).value for c in range(3, 6)] == [0, "——", "——"]  # 琅琊区: no 教学点
    assert ws["G11"].value == "67%（原表 66%）"  # 天长市 2020
    assert ws["G11"].fill.fgColor.rgb.endswith("FFF2CC")
    assert "原表" in ws["A15"].value and "A15:K15" in merged
    assert ws.cell(4, 2).font.name == "宋体"


def test_the_workbook_prints_on_a4_landscape_with_repeated_headers(points, rural):
    for table in (points, rural):
        ws = _sheet(table, "任务分解表")
        assert ws.page_setup.orientation == "landscape"
        assert int(ws.page_setup.paperSize) == int(ws.PAPERSIZE_A4) == 9
        assert ws.print_title_rows == "$1:$3"
        assert ws.sheet_properties.pageSetUpPr.fitToPage
        assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0


def test_the_rural_workbook_has_no_group_column(rural):
    ws = _sheet(rural, "滁州市乡村中小学智慧学校建设任务分解表")
    assert {"A1:J1", "A2:A3", "B2:B3", "C2:D2", "I2:J2"} <= _merged(ws)
    assert [ws.cell(r, 1).value for r in range(4, 13)] == [
        "琅琊区", "南谯区", "来安县", "全椒县", "定远县", "凤阳县", "天长市", "明光市", "全市合计",
    ]  # fmt: skip
    city = [ws.cell(12, c).value for c in range(2, 11)]
    assert city == [175, 30, 0.17, 53, 0.47, 45, 0.73, 47, 1.0]
    assert ws.max_row == 12  # no note: the table agrees with its printed rates


def test_text_cells_cannot_run_as_formulas():
    table = task_table([PlanRow("=HYPERLINK(1)", "A", 1, 2019, 1)], "A", {"=HYPERLINK(1)": "@g"})
    ws = _sheet(table, "=1+1")
    assert ws["A1"].value == "'=1+1"
    assert ws["A4"].value == "'@g"
    assert ws["B4"].value == "'=HYPERLINK(1)"
    assert ws["B4"].data_type == "s"
