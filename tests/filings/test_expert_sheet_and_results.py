"""评审打分表 (one expert, one school) and 认定结果名单, in .xlsx and .docx."""

from __future__ import annotations

from dataclasses import replace

from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn

from campuseval.exporting import Words
from campuseval.filings.exports import (
    EXPERT_COLUMNS,
    expert_sheet_docx,
    expert_sheet_xlsx,
    results_list_docx,
    results_list_xlsx,
)

from .samples import document_of, expert_sheet, results_list, sheet_of

# The expert's sheet: 1 title, 2 the campaign, county and school, 3 the header, rows from 4.


def test_the_expert_sheet_lists_each_indicator_with_its_mark_before_the_text():
    ws = sheet_of(expert_sheet_xlsx(expert_sheet()))
    assert ws["A2"].value == "2022年泰州市智慧校园创建　　市（区）：海陵区　　学校：泰州市海陵区实验小学"
    assert tuple(c.value for c in ws[3]) == EXPERT_COLUMNS
    assert [c.value for c in ws[4]] == [
        1, "1.1.1", "★学校接入带宽不低于1000M，无线网络覆盖全部教学区域。", 2, 1.5, "达到", "佐证齐全",
    ]
    assert ws["C5"].value.startswith("学校接入") and ws["F5"].value is None


def test_the_expert_sheet_totals_under_the_indicators_and_leaves_a_line_to_sign_and_date():
    ws = sheet_of(expert_sheet_xlsx(expert_sheet()))
    merged = {r.coord for r in ws.merged_cells.ranges}
    assert {"A7:C7", "F7:G7"} <= merged
    assert [ws.cell(7, c).value for c in (1, 4, 5)] == ["总分", 6, 88.5]
    signature = ws["A8"].value
    assert "评审专家：赵明" in signature and "评审专家（签名）：__________" in signature
    assert "日期：    年    月    日" in signature


def test_an_expert_sheet_not_scored_yet_prints_a_blank_total():
    ws = sheet_of(expert_sheet_xlsx(expert_sheet(total=None)))
    assert ws["E7"].value is None


def test_the_expert_sheet_prints_on_a4_landscape_with_its_header_on_every_page():
    ws = sheet_of(expert_sheet_xlsx(expert_sheet()))
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9
    assert ws.print_title_rows == "$3:$3" and ws.page_setup.fitToWidth == 1
    doc = document_of(expert_sheet_docx(expert_sheet()))
    section = doc.sections[0]
    assert section.orientation == WD_ORIENT.LANDSCAPE
    assert (round(section.page_width.cm, 1), round(section.page_height.cm, 1)) == (29.7, 21.0)
    table = doc.tables[0]
    assert [c.text for c in table.rows[0].cells] == list(EXPERT_COLUMNS)
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    assert [c.text for c in table.rows[-1].cells][:5] == ["总分", "总分", "总分", "6", "88.5"]
    assert "评审专家（签名）：__________" in doc.paragraphs[-1].text


def test_an_experts_comment_that_starts_like_a_formula_never_runs_as_one():
    sheet = expert_sheet()
    rows = (replace(sheet.rows[0], comment="+cmd|' /C calc'!A0"),)
    ws = sheet_of(expert_sheet_xlsx(expert_sheet(rows=rows)))
    assert ws["G4"].value == "'+cmd|' /C calc'!A0"


# The results list: 1 title, 2 the city and date, 3 the header, rows from 4.


def test_the_results_list_merges_each_tier_over_its_schools_and_counts_them():
    ws = sheet_of(results_list_xlsx(results_list()))
    assert [c.value for c in ws[3]] == ["序号", "认定等级", "市（区）", "学校名称", "总分"]
    assert ws["A2"].value == "泰州市　　公布日期：2022年12月20日"
    in_b = {r.coord for r in ws.merged_cells.ranges if r.min_col == 2}
    assert in_b == {"B4:B5", "B6:B8"}
    assert (ws["B4"].value, ws["B6"].value) == ("示范型", "优秀型")
    assert [ws.cell(r, 1).value for r in range(4, 9)] == [1, 2, 3, 4, 5]
    assert [c.value for c in ws[6]][2:] == ["海陵区", "泰州市海陵区第优秀型1小学", 95.5]
    assert ws["A9"].value == "共 5 所：示范型 2 所、优秀型 3 所"


def test_a_tier_with_one_school_is_a_single_cell():
    ws = sheet_of(results_list_xlsx(results_list((("示范型", 1), ("优秀型", 2)))))
    assert {r.coord for r in ws.merged_cells.ranges if r.min_col == 2} == {"B5:B6"}


def test_the_public_results_list_leaves_out_the_total_column():
    ws = sheet_of(results_list_xlsx(results_list(total=None)))
    assert [c.value for c in ws[3]] == ["序号", "认定等级", "市（区）", "学校名称"]
    assert ws.max_column == 4


def test_the_results_list_names_the_level_below_the_city_in_the_citys_words():
    lst = replace(results_list(), words=Words(unit="县（市、区）"), published="")
    ws = sheet_of(results_list_xlsx(lst))
    assert ws["C3"].value == "县（市、区）" and ws["A2"].value == "泰州市"


def test_the_word_results_list_merges_the_tiers_down_and_counts_them_under_the_table():
    doc = document_of(results_list_docx(results_list()))
    table = doc.tables[0]
    assert table.cell(1, 1)._tc is table.cell(2, 1)._tc and table.cell(3, 1)._tc is table.cell(5, 1)._tc
    assert table.cell(2, 1)._tc is not table.cell(3, 1)._tc
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    assert doc.paragraphs[-1].text == "共 5 所：示范型 2 所、优秀型 3 所"
    assert doc.sections[0].orientation == WD_ORIENT.PORTRAIT
