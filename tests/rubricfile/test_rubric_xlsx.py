"""Rubric files as .xlsx workbooks: export in the bureaus' layout, import back equal.

Runs without Django: ``pytest -p no:django tests/test_rubric_xlsx.py``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from campuseval.rubricfile.load import load_rubric_file
from campuseval.rubricfile.schema import RubricFile
from campuseval.rubricfile.xlsx import XlsxImportError, export_rubric, import_rubric

RUBRICS = Path(__file__).resolve().parents[2] / "rubrics"  # the shipped rubric files

POSITIONAL: dict[str, Any] = {
    "id": "test-positional",
    "name": "测试市中小学智慧校园建设评估细则（2022版）",
    "city": "测试市",
    "year": 2022,
    "version": 2,
    "kind": "points",
    "source": "seeds/test.txt 附件1",
    "total": 12,
    "basic_share": 0.5,
    "tiers": [
        {"name": "示范型", "min_total": 10, "basic": "all", "demo": "all", "note": "原文：10分"},
        {"name": "合格型", "min_total": 6.5, "basic": 2, "demo": "none", "assumed": True},
    ],
    "notes": ["注：标记★的指标为基本要求，标记▲的指标为示范要求。", "注二"],
    "assumptions": [
        {"text": "★指标得满分才算达到基本要求", "source": "GLOSSARY 评分规则 3"},
        {"text": "没有来源的假定"},
    ],
    "areas": [
        {"code": "1", "title": "基础环境", "points": 8, "subareas": [
            {"code": "1.1", "title": "校园网络", "points": 6, "indicators": [
                {"code": "1.1.1", "requirement": "basic", "points": 2,
                 "text": "有线网络校园全覆盖，千兆及以上接入教育城域网。",
                 "checks": [
                     {"name": "城域网接入带宽", "expr": "internet_bandwidth_mbps",
                      "op": ">=", "limit": 1000, "text": "千兆及以上接入教育城域网"},
                     {"name": "生机比", "expr": "students / student_computers", "op": "<=",
                      "limit_by": {"fact": "stage", "values": {"小学": 10, "初中": 8.5}},
                      "assumed": True, "note": "按学段"},
                 ]},
                {"code": "1.1.2", "points": 1.5, "numbered": False, "text": "智能安防，不编号。"},
            ]},
            {"code": "1.2", "title": "录播教室", "indicators": [
                {"code": "1.2.1", "requirement": "basic", "points": 1,
                 "text": "建有自动录播教室（▲支持“三个课堂”活动）。",
                 "clause": {"requirement": "demo", "text": "支持“三个课堂”活动"},
                 "checks": [{"name": "相等", "expr": "classes", "op": "==", "limit": 0}]},
            ]},
        ]},
        {"code": "2", "title": "应用服务", "subareas": [
            {"code": "2.1", "title": "教学应用", "points": 4, "indicators": [
                {"code": "2.1.1", "requirement": "demo", "points": 2, "text": "开展智慧课堂。"},
                {"code": "2.1.2", "points": 2, "text": "1.5倍于上年的资源建设。"},
            ]},
        ]},
    ],
}  # fmt: skip

CODED: dict[str, Any] = {
    "id": "test-coded",
    "name": "测试市智慧校园暨示范校建设标准（试行）",
    "city": "测试市",
    "kind": "criteria",
    "numbering": "coded",
    "labels": {"area": "A 级指标", "subarea": "B 级指标", "indicator": "标准"},
    "tiers": [
        {"name": "智慧校园示范校", "basic": "all", "demo": "all", "assumed": True},
        {"name": "智慧校园", "basic": "all", "demo": "none", "assumed": True, "note": "假定"},
    ],
    "areas": [
        {"code": "A1", "title": "智慧管理", "subareas": [
            {"code": "B1", "title": "信息平台", "indicators": [
                {"code": "C1", "requirement": "basic", "points": 1, "text": "统一身份认证。"},
                {"code": "D1", "requirement": "demo", "points": 1, "text": "人脸识别或一卡通。",
                 "checks": [{"name": "覆盖", "expr": "wireless_coverage_pct", "op": ">=",
                             "limit": 100, "text": "全覆盖"}]},
            ]},
            {"code": "B2", "title": "数据融合", "points": 2, "indicators": [
                {"code": "C2", "requirement": "basic", "points": 1,
                 "text": "实现数据共享（▲形成数据闭环）。",
                 "clause": {"requirement": "demo", "text": "形成数据闭环"}},
            ]},
        ]},
    ],
}  # fmt: skip


@pytest.fixture
def positional() -> RubricFile:
    return RubricFile.model_validate(POSITIONAL)


@pytest.fixture
def coded() -> RubricFile:
    return RubricFile.model_validate(CODED)


def table(data: bytes) -> Worksheet:
    ws = load_workbook(BytesIO(data))["评估标准"]
    assert isinstance(ws, Worksheet)
    return ws


def edit(data: bytes, change: Callable[[Workbook], None]) -> bytes:
    """The workbook after a user's edit, saved as Excel would."""
    wb = load_workbook(BytesIO(data))
    change(wb)
    out = BytesIO()
    wb.save(out)
    return out.getvalue()


def problems(data: bytes) -> list[str]:
    with pytest.raises(XlsxImportError) as exc:
        import_rubric(data)
    return exc.value.problems


def unmerge(ws: Any, repeat: bool = False) -> None:
    """Un-merge every block, as a bureau does before sorting or filling down."""
    for rng in list(ws.merged_cells.ranges):
        value = ws.cell(rng.min_row, rng.min_col).value
        ws.unmerge_cells(str(rng))
        if repeat and rng.min_row > 1:
            for r in range(rng.min_row, rng.max_row + 1):
                ws.cell(r, rng.min_col).value = value


def put(sheet: str, cell: str, value: Any) -> Callable[[Workbook], None]:
    def change(wb: Workbook) -> None:
        ws = wb[sheet]
        unmerge(ws)
        ws[cell] = value

    return change


# ---------------------------------------------------------------- round trips


def test_a_positional_rubric_round_trips_equal(positional: RubricFile) -> None:
    assert import_rubric(export_rubric(positional)) == positional


def test_a_coded_rubric_round_trips_equal(coded: RubricFile) -> None:
    assert import_rubric(export_rubric(coded)) == coded


@pytest.mark.parametrize("path", sorted(RUBRICS.glob("*.yaml")), ids=lambda p: p.name)
def test_every_shipped_rubric_round_trips_equal(path: Path) -> None:
    rubric = load_rubric_file(path)
    assert import_rubric(export_rubric(rubric)) == rubric


# ---------------------------------------------------------------- the printed sheet


def test_the_printed_sheet_merges_areas_and_subareas(positional: RubricFile) -> None:
    merged = {str(r) for r in table(export_rubric(positional)).merged_cells.ranges}
    # title; area 一 over rows 3-5, its sub-area (一) over 3-4; area 二 and its sub-area 6-7
    assert merged == {"A1:D1", "A3:A5", "B3:B4", "A6:A7", "B6:B7"}


def test_the_printed_sheet_reads_like_the_bureaus_table(positional: RubricFile) -> None:
    ws = table(export_rubric(positional))
    assert ws["A1"].value == positional.name
    assert [c.value for c in ws[2]] == ["一级指标", "二级指标", "评估内容", "分值", "编码", "要求"]
    assert ws["A3"].value == "一、基础环境（8分）"
    assert ws["B3"].value == "（一）校园网络（6分）"
    assert ws["B5"].value == "（二）录播教室"
    assert ws["A6"].value == "二、应用服务"
    assert str(ws["C3"].value).startswith("★1.有线网络")
    assert ws["C4"].value == "智能安防，不编号。"
    assert ws["C5"].value == "★1.建有自动录播教室（▲支持“三个课堂”活动）。"
    assert ws["C6"].value == "▲1.开展智慧课堂。"
    assert ws["C7"].value == "2.1.5倍于上年的资源建设。"
    assert [ws[f"D{r}"].value for r in range(3, 8)] == [2, 1.5, 1, 2, 2]
    assert type(ws["D3"].value) is int
    assert [ws[f"E{r}"].value for r in range(3, 8)] == ["1.1.1", "1.1.2", "1.2.1", "2.1.1", "2.1.2"]
    assert [ws[f"F{r}"].value for r in range(3, 8)] == ["★", None, "★", "▲", None]


def test_a_coded_sheet_shows_codes_and_markers_without_numbers(coded: RubricFile) -> None:
    ws = table(export_rubric(coded))
    assert [c.value for c in ws[2]][:3] == ["A 级指标", "B 级指标", "标准"]
    assert ws["A3"].value == "A1 智慧管理"
    assert ws["B3"].value == "B1 信息平台"
    assert ws["B5"].value == "B2 数据融合（2分）"
    assert ws["C3"].value == "★统一身份认证。"
    assert ws["C4"].value == "▲人脸识别或一卡通。"
    assert [ws[f"E{r}"].value for r in range(3, 6)] == ["C1", "D1", "C2"]


def test_the_printed_sheet_is_set_up_for_printing(positional: RubricFile) -> None:
    ws = table(export_rubric(positional))
    assert ws.page_setup.orientation == "landscape"
    assert ws.page_setup.fitToWidth == 1
    assert ws.sheet_properties.pageSetUpPr is not None
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.print_title_rows == "$1:$2"
    assert ws.freeze_panes == "A3"
    assert ws["A2"].font.bold
    assert ws["C3"].alignment.wrap_text
    assert ws["C3"].border.left.style == "thin"


def test_the_other_sheets_carry_tiers_clauses_and_checks(positional: RubricFile) -> None:
    wb = load_workbook(BytesIO(export_rubric(positional)))
    tiers = [tuple(r) for r in wb["等级规则"].iter_rows(values_only=True)]
    assert tiers[1] == ("示范型", 10, "全部", "全部", "否", "原文：10分")
    assert tiers[2] == ("合格型", 6.5, 2, "无", "是", None)
    extras = [tuple(r) for r in wb["条款与核查"].iter_rows(values_only=True)]
    assert extras[2][:3] + extras[2][7:10] == (
        "1.1.1", "核查", None, "stage", '{"小学": 10, "初中": 8.5}', None,
    )  # fmt: skip
    assert extras[3][:3] == ("1.2.1", "条款", "▲")
    assert extras[4][5] == "=="  # text, not a formula
    info = {r[0]: r[1] for r in wb["基本信息"].iter_rows(min_row=2, values_only=True)}
    assert info["编号（id）"] == "test-positional"
    assert info["★得分比例（basic_share）"] == 0.5


# ---------------------------------------------------------------- sheets edited by hand


def test_a_sheet_unmerged_with_names_only_on_the_first_row_still_imports(
    positional: RubricFile,
) -> None:
    data = edit(export_rubric(positional), lambda wb: unmerge(wb["评估标准"]))
    assert not table(data).merged_cells.ranges
    assert table(data)["A4"].value is None
    assert import_rubric(data) == positional


def test_a_sheet_with_names_repeated_on_every_row_still_imports(coded: RubricFile) -> None:
    data = edit(export_rubric(coded), lambda wb: unmerge(wb["评估标准"], repeat=True))
    assert table(data)["A5"].value == "A1 智慧管理"
    assert import_rubric(data) == coded


def test_a_sheet_edited_loosely_in_excel_still_imports(positional: RubricFile) -> None:
    def change(wb: Workbook) -> None:
        ws = wb["评估标准"]
        unmerge(ws)
        ws.delete_rows(1)  # the title row removed
        ws["B2"] = "（一）校园网络 (6分)"
        ws["D2"] = "2"  # a number typed as text
        ws["C3"] = "  智能安防，不编号。  "
        ws["E2"] = None  # positional codes may be left out
        wb["条款与核查"]["F2"] = "≥"

    assert import_rubric(edit(export_rubric(positional), change)) == positional


# ---------------------------------------------------------------- bad sheets


BAD_CELLS = [
    ("评估标准", "D4", "两分", "评估标准 第4行 D列（分值）：不是数字：'两分'"),
    ("评估标准", "D3", -1, "评估标准 第3行 D列（分值）：不能为负数：-1"),
    ("评估标准", "D3", None, "评估标准 第3行 D列（分值）：缺少数值"),
    ("评估标准", "A3", None, "评估标准 第3行 A列（一级指标）：上方没有一级指标"),
    ("评估标准", "B6", None, "评估标准 第6行 B列（二级指标）：上方没有二级指标"),
    ("评估标准", "C4", "", "评估标准 第4行 C列（评估内容）：评估内容为空"),
    ("评估标准", "C3", "★1.", "评估标准 第3行 C列（评估内容）：评估内容为空"),
    ("评估标准", "F3", "●", "评估标准 第3行 F列（要求）：未知的标记：'●'"),
    ("评估标准", "C4", "★智能安防", "评估标准 第4行 C列（评估内容）：评估内容标着“★”，要求列却是“空”"),
    ("评估标准", "E4", "1.1.9", "评估标准 第4行 E列（编码）：编码与位置不符：应为 1.1.2，实为 1.1.9"),
    ("评估标准", "E2", "代码", "评估标准 第2行 E列（编码）：表头应为“编码”，实为“代码”"),
    ("评估标准", "A3", "一、", "评估标准 第3行 A列（一级指标）：缺少名称"),
    ("条款与核查", "A2", "9.9.9", "条款与核查 第2行 A列（编码）：没有这个指标编码：'9.9.9'"),
    ("条款与核查", "A4", "1.2", "条款与核查 第4行 A列（编码）：没有这个指标编码：'1.2'"),
    ("条款与核查", "B2", "检查", "条款与核查 第2行 B列（类型）：类型应为 条款 或 核查：'检查'"),
    ("条款与核查", "C4", "●", "条款与核查 第4行 C列（要求）：应为 ★ 或 ▲：'●'"),
    ("条款与核查", "G2", "千兆", "条款与核查 第2行 G列（限值）：不是数字：'千兆'"),
    ("条款与核查", "I3", "{小学: 10", "条款与核查 第3行 I列（分项限值）：不是有效的 JSON：'{小学: 10'"),
    ("条款与核查", "E2", "import os", "条款与核查 第2行 E列（表达式）：表达式无法解析：import os"),
    ("条款与核查", "H3", "city", "条款与核查 第3行 H列（按学校数据）：limit_by.fact 必须是"),
    ("条款与核查", "J4", "没有的原文", "评估标准 第5行：1.2.1：条款“没有的原文”不在指标原文中"),
    ("等级规则", "C2", "一些", "等级规则 第2行 C列（★要求）：应为 全部、无 或 非负整数：'一些'"),
    ("等级规则", "D3", -2, "等级规则 第3行 D列（▲要求）：应为 全部、无 或 非负整数：'-2'"),
    ("等级规则", "B2", "九十", "等级规则 第2行 B列（最低总分）：不是数字：'九十'"),
    ("等级规则", "E3", "可能", "等级规则 第3行 E列（假定）：应为 是 或 否：'可能'"),
    ("等级规则", "A2", "", "等级规则 第2行 A列（等级）：String should have at least 1 character"),
    ("基本信息", "A3", "标题", "基本信息 第3行 A列（项目）：未知的项目：'标题'"),
    ("基本信息", "B5", "二〇二二", "基本信息 第5行 B列（内容）：不是数字：'二〇二二'"),
    ("基本信息", "B2", "Bad Id", "基本信息 第2行 B列（内容）：String should match pattern"),
    ("基本信息", "B7", "scores", "基本信息 第7行 B列（内容）：Input should be 'points' or 'criteria'"),
    ("基本信息", "B13", "[1, 2]", "基本信息 第13行 B列（内容）：列标题应为 JSON 对象"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("sheet", "cell", "value", "problem"), BAD_CELLS, ids=[p for *_, p in BAD_CELLS]
)
def test_each_bad_cell_is_named_by_sheet_row_and_column(
    positional: RubricFile, sheet: str, cell: str, value: Any, problem: str
) -> None:
    found = problems(edit(export_rubric(positional), put(sheet, cell, value)))
    assert any(p.startswith(problem) for p in found), found


def test_duplicate_codes_are_named_by_row_and_column(coded: RubricFile) -> None:
    found = problems(edit(export_rubric(coded), put("评估标准", "E4", "C1")))
    assert "评估标准 第4行 E列（编码）：编码重复：C1（第3行已用）" in found
    assert not any("整体" in p for p in found)  # the schema's own report is not repeated


def test_a_coded_heading_without_a_code_is_a_problem(coded: RubricFile) -> None:
    found = problems(edit(export_rubric(coded), put("评估标准", "B5", "数据融合")))
    assert found == ["评估标准 第5行 B列（B 级指标）：应以编码开头，如“A1 名称”：'数据融合'"]


def test_rubric_wide_rules_of_the_schema_are_reported(positional: RubricFile) -> None:
    found = problems(edit(export_rubric(positional), put("等级规则", "A3", "示范型")))
    assert found == ["整体：等级名称重复"]


def test_it_lists_every_bad_cell_by_row_and_column(positional: RubricFile) -> None:
    def change(wb: Workbook) -> None:
        for sheet, cell, value in [
            ("评估标准", "D4", "两分"),
            ("评估标准", "F3", "●"),
            ("评估标准", "C7", ""),
            ("等级规则", "C2", "一些"),
            ("条款与核查", "A2", "9.9.9"),
            ("条款与核查", "E3", "students ** 2"),
            ("基本信息", "B4", ""),
        ]:
            put(sheet, cell, value)(wb)

    found = problems(edit(export_rubric(positional), change))
    assert sorted(found) == sorted(
        [
            "评估标准 第3行 F列（要求）：未知的标记：'●'（应为 ★、▲ 或留空）",
            "评估标准 第4行 D列（分值）：不是数字：'两分'",
            "评估标准 第7行 C列（评估内容）：评估内容为空",
            "等级规则 第2行 C列（★要求）：应为 全部、无 或 非负整数：'一些'",
            "条款与核查 第2行 A列（编码）：没有这个指标编码：'9.9.9'",
            "条款与核查 第3行 E列（表达式）：表达式只允许 + - * /：students ** 2",
            "基本信息 第4行 B列（内容）：Field required",
        ]
    )


def test_a_missing_header_row_is_reported_and_nothing_more_is_guessed(
    positional: RubricFile,
) -> None:
    found = problems(edit(export_rubric(positional), put("评估标准", "D2", "得分")))
    assert found == [
        "评估标准 第2行：找不到表头行（应为 一级指标 | 二级指标 | 评估内容 | 分值 | 编码 | 要求）"
    ]


def test_missing_sheets_are_each_reported(positional: RubricFile) -> None:
    def change(wb: Workbook) -> None:
        del wb["等级规则"]
        del wb["条款与核查"]

    found = problems(edit(export_rubric(positional), change))
    assert "缺少工作表“等级规则”" in found
    assert "缺少工作表“条款与核查”" in found


def test_a_file_that_is_not_xlsx_gives_one_clear_problem() -> None:
    for data in (b"", b"id: taizhou-2022\n", b"PK\x03\x04 not really a zip"):
        assert problems(data) == ["文件不是有效的 .xlsx 工作簿"]


def test_the_import_error_is_a_value_error_listing_every_problem() -> None:
    error = XlsxImportError(["a", "b"])
    assert isinstance(error, ValueError)
    assert error.problems == ["a", "b"]
    assert str(error) == "a\nb"


# ---------------------------------------------------------------- property

CHARS = "智慧校园网络平台资源教学管理评价创新★▲，。、；：“”（）()%/-+ ab12"
POINTS_SUFFIX = re.compile(r"[（(]\s*\d+(\.\d+)?\s*分\s*[)）]$")


def words(min_size: int = 1) -> st.SearchStrategy[str]:
    return st.text(CHARS, min_size=min_size, max_size=12).map(str.strip)


def titles() -> st.SearchStrategy[str]:
    return words().filter(lambda t: bool(t) and not POINTS_SUFFIX.search(t))


halves = st.integers(0, 40).map(lambda n: n / 2)


@st.composite
def rubrics(draw: st.DrawFn) -> RubricFile:
    coded = draw(st.booleans())
    criteria = draw(st.booleans())
    counter = {"A": 0, "B": 0, "C": 0}

    def code(letter: str, position: str) -> str:
        counter[letter] += 1
        return f"{letter}{counter[letter]}" if coded else position

    def indicator(position: str) -> dict[str, Any]:
        numbered = coded or draw(st.booleans())
        text = draw(words().filter(lambda t: bool(t) and t[0] not in "★▲"))
        assume(numbered or not re.match(r"\d+\s*[.．、]", text))
        ind: dict[str, Any] = {
            "code": code("C", position),
            "text": text,
            "points": 1 if criteria else draw(halves),
            "requirement": draw(st.sampled_from([None, "basic", "demo"])),
            "numbered": numbered,
        }
        if draw(st.booleans()):
            i = draw(st.integers(0, len(text) - 1))
            j = draw(st.integers(i + 1, len(text)))
            if text[i:j].strip():
                ind["clause"] = {"requirement": draw(st.sampled_from(["basic", "demo"])),
                                 "text": text[i:j].strip()}  # fmt: skip
        ind["checks"] = [draw(checks()) for _ in range(draw(st.integers(0, 2)))]
        return ind

    areas = []
    for a in range(1, draw(st.integers(1, 3)) + 1):
        subs = []
        for s in range(1, draw(st.integers(1, 3)) + 1):
            n = draw(st.integers(1, 3))
            subs.append({"code": code("B", f"{a}.{s}"), "title": draw(titles()),
                         "points": draw(st.none() | halves),
                         "indicators": [indicator(f"{a}.{s}.{i}") for i in range(1, n + 1)]})  # fmt: skip
        areas.append({"code": code("A", f"{a}"), "title": draw(titles()),
                      "points": draw(st.none() | halves), "subareas": subs})  # fmt: skip
    names = draw(st.lists(st.sampled_from(["示范", "优秀", "合格", "达标"]), min_size=1,
                          max_size=3, unique=True))  # fmt: skip
    quota = st.sampled_from(["all", "none"]) | st.integers(0, 9)
    return RubricFile.model_validate(
        {
            "id": "hypo-1",
            "name": draw(titles()),
            "city": draw(titles()),
            "year": draw(st.none() | st.integers(2000, 2030)),
            "version": draw(st.integers(1, 5)),
            "kind": "criteria" if criteria else "points",
            "source": draw(words(0)),
            "numbering": "coded" if coded else "positional",
            "labels": draw(st.sampled_from([POSITIONAL.get("labels", {}), CODED["labels"]])),
            "total": draw(st.none() | halves),
            "basic_share": draw(st.sampled_from([1.0, 0.5, 0.6])),
            "tiers": [
                {
                    "name": n,
                    "min_total": draw(st.none() | halves),
                    "basic": draw(quota),
                    "demo": draw(quota),
                    "assumed": draw(st.booleans()),
                    "note": draw(words(0)),
                }
                for n in names
            ],  # fmt: skip
            "notes": draw(st.lists(titles(), max_size=2)),
            "assumptions": [
                {"text": draw(titles()), "source": draw(words(0))}
                for _ in range(draw(st.integers(0, 2)))
            ],  # fmt: skip
            "areas": areas,
        }
    )


@st.composite
def checks(draw: st.DrawFn) -> dict[str, Any]:
    check: dict[str, Any] = {
        "name": draw(titles()),
        "expr": draw(st.sampled_from(["students / student_computers", "classes", "teachers + 1"])),
        "op": draw(st.sampled_from(["<=", ">=", "<", ">", "=="])),
        "text": draw(words(0)),
        "assumed": draw(st.booleans()),
        "note": draw(words(0)),
    }
    if draw(st.booleans()):
        check["limit"] = draw(halves | st.just(-1.5))
    else:
        stages = draw(st.lists(st.sampled_from(["小学", "初中", "高中"]), min_size=1, unique=True))
        check["limit_by"] = {"fact": "stage", "values": {s: draw(halves) for s in stages}}
    return check


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rubrics())
def test_random_rubrics_round_trip_equal(rubric: RubricFile) -> None:
    assert import_rubric(export_rubric(rubric)) == rubric


def test_a_rubric_workbook_that_unpacks_to_hundreds_of_megabytes_is_refused_before_it_is_read():
    from campuseval.rubricfile.xlsx import XlsxImportError, import_rubric
    from tests.zipbomb import zip_bomb

    with pytest.raises(XlsxImportError) as refused:
        import_rubric(zip_bomb("xlsx"))
    assert "解压后超过 300 MB" in str(refused.value)
