"""附件3 自评表 (and any rubric's score sheet): each 评价项目 merged over its 主要指标 as the seed
prints it, in .xlsx and .docx."""

from __future__ import annotations

from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn

from campuseval.filings.exports import ScoreSheet, SheetRow, score_sheet_docx, score_sheet_xlsx

from .samples import (
    FIRST_ROW,
    HEADER_ROW,
    TAIZHOU_COLUMNS,
    document_of,
    sheet_of,
    taizhou_sheet,
    written_borders,
)

LAST_ROW = FIRST_ROW + 23 - 1  # the seed's 23 主要指标
TOTAL_ROW = LAST_ROW + 1


def test_the_self_assessment_sheet_merges_each_area_over_its_indicators_as_the_seed_prints_it():
    ws = sheet_of(score_sheet_xlsx(taizhou_sheet()))
    in_column_a = sorted((r.min_row, r.max_row) for r in ws.merged_cells.ranges if r.max_col == 1)
    assert in_column_a[:2] == [(4, 8), (9, 10)]  # 基础环境 over its five, 数字资源 over its two
    assert len(in_column_a) == 6 and in_column_a[-1] == (23, LAST_ROW)
    assert ws["A4"].value == "一、基础环境（26分）" and ws["A9"].value == "二、数字资源（10分）"
    assert not [r for r in ws.merged_cells.ranges if r.min_col == 2]  # every 主要指标 its own row
    assert [ws.cell(r, 2).value for r in range(4, 11)] == [
        "校园网络", "信息终端", "教学环境", "智能安防", "服务平台", "基础资源", "校本资源",
    ]


def test_points_and_scores_print_as_numbers_the_way_the_seed_writes_them():
    ws = sheet_of(score_sheet_xlsx(taizhou_sheet(scored=True)))
    assert tuple(c.value for c in ws[HEADER_ROW]) == TAIZHOU_COLUMNS
    assert [ws.cell(r, 3).value for r in range(4, 11)] == [6, 6, 7, 1, 6, 3, 7]
    assert isinstance(ws["C4"].value, int)  # 6, not 6.0
    assert ws["D4"].value == 5.5
    assert sum(ws.cell(r, 3).value for r in range(FIRST_ROW, LAST_ROW + 1)) == 110


def test_a_score_not_given_yet_is_a_blank_cell():
    ws = sheet_of(score_sheet_xlsx(taizhou_sheet()))
    assert ws["D4"].value is None and ws["E4"].value is None


def test_the_total_line_spans_the_sheet_and_stays_blank_until_there_is_a_total():
    def total_of(total):
        ws = sheet_of(score_sheet_xlsx(taizhou_sheet(total=total)))
        assert f"A{TOTAL_ROW}:E{TOTAL_ROW}" in {r.coord for r in ws.merged_cells.ranges}
        return ws[f"A{TOTAL_ROW}"].value

    assert total_of(None) == "自评总得分：        分"  # as the seed leaves it to fill in
    assert total_of(92.5) == "自评总得分：92.5 分"
    assert total_of(110.0) == "自评总得分：110 分"


def test_the_sheet_prints_on_a4_portrait_one_page_wide_with_its_header_on_every_page():
    ws = sheet_of(score_sheet_xlsx(taizhou_sheet()))
    assert ws.page_setup.paperSize == 9  # A4
    assert ws.page_setup.orientation == "portrait"
    assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.print_title_rows == f"${HEADER_ROW}:${HEADER_ROW}"
    assert ws["A1"].value == "泰州市中小学智慧校园评估检查验收自评表" and ws["A1"].font.b
    assert ws["A1"].alignment.horizontal == "center" and ws["A2"].value.startswith("市(区)：海陵区")
    assert ws["B4"].alignment.wrap_text


def test_every_cell_of_a_merged_area_is_written_with_its_borders():
    data = score_sheet_xlsx(taizhou_sheet())
    borders = written_borders(data)
    ranges = [r for r in sheet_of(data).merged_cells.ranges if r.min_row >= HEADER_ROW]
    assert len(ranges) == 7  # six areas and the total line
    for merged in ranges:
        for row in merged.rows:
            for coord in row:
                assert borders[f"{chr(64 + coord[1])}{coord[0]}"] == {"left", "right", "top", "bottom"}, merged


def test_a_note_that_starts_like_a_formula_never_runs_as_one():
    rows = (SheetRow(labels=("一、基础环境", "校园网络"), points=6, note="=HYPERLINK(\"http://x\")"),)
    ws = sheet_of(score_sheet_xlsx(taizhou_sheet(rows=rows)))
    assert ws["E4"].value == "'=HYPERLINK(\"http://x\")"
    assert ws["E4"].data_type == "s"


def test_a_rubric_of_three_levels_merges_each_level_over_the_rows_below_it():
    rows = tuple(
        SheetRow(labels=("一、基础设施（20分）", sub, f"{sub[:3]}.{n} 指标"), points=2.0)
        for sub in ("1.1 网络", "1.2 终端") for n in range(1, 4)
    )
    sheet = ScoreSheet(title="淄博 评分表", head="县（市、区）：　学校：", rows=rows, total_label="总得分",
                       columns=("一级指标", "二级指标", "评估内容", "分值", "得分", "备注"))
    ws = sheet_of(score_sheet_xlsx(sheet))
    merged = {r.coord for r in ws.merged_cells.ranges}
    assert {"A4:A9", "B4:B6", "B7:B9", "A10:F10"} <= merged
    assert not any(r.min_col == 3 == r.max_col for r in ws.merged_cells.ranges)
    assert ws["A10"].value == "总得分：        分"


def test_the_word_sheet_merges_the_areas_down_and_repeats_its_header_on_every_page():
    doc = document_of(score_sheet_docx(taizhou_sheet(scored=True, total=98.5)))
    table = doc.tables[0]
    assert [c.text for c in table.rows[0].cells] == list(TAIZHOU_COLUMNS)
    assert table.cell(1, 0)._tc is table.cell(5, 0)._tc  # 基础环境 over its five
    assert table.cell(5, 0)._tc is not table.cell(6, 0)._tc
    assert table.cell(1, 0).text == "一、基础环境（26分）" and table.cell(6, 0).text == "二、数字资源（10分）"
    assert table.rows[1]._tr.tc_lst[0].tcPr.vMerge.val == "restart"  # a vertical merge, as Word writes one
    assert [c.text for c in table.rows[1].cells[1:4]] == ["校园网络", "6", "5.5"]
    assert table.rows[-1].cells[0].text == "自评总得分：98.5 分"
    header = table.rows[0]._tr.trPr
    assert header is not None and header.find(qn("w:tblHeader")) is not None
    assert table.rows[1]._tr.trPr.find(qn("w:tblHeader")) is None
    assert table.style.name == "Table Grid"
    section = doc.sections[0]
    assert section.orientation == WD_ORIENT.PORTRAIT and round(section.page_width.cm, 1) == 21.0
    assert doc.paragraphs[0].text == "泰州市中小学智慧校园评估检查验收自评表"
    assert doc.paragraphs[1].text.startswith("市(区)：海陵区")
