"""附件4 推荐名单表 in Taizhou's words (or the city's own), as both files print it."""

from __future__ import annotations

from io import BytesIO

from docx import Document
from openpyxl import load_workbook

from campuseval.campaigns.exports import (
    ListHead,
    ListRow,
    recommendation_list_docx,
    recommendation_list_xlsx,
)
from campuseval.exporting import Words

from .samples import runs_fonts

ROWS = [ListRow(school="泰州市海陵区实验小学", contact="李老师", phone="0523-1234567", tier="示范型", score=110.0,
                highlights="“三个课堂”常态化应用")]


def test_the_county_line_reads_as_taizhous_form_writes_it():
    head = ListHead(title="t", county="海陵区", contact="王明", phone="0523-7654321")
    ws = load_workbook(BytesIO(recommendation_list_xlsx(head, ROWS))).active
    assert ws["A2"].value == "市（区）（盖章）：海陵区　　市（区）联系人：王明　　联系人电话：0523-7654321"
    doc = Document(BytesIO(recommendation_list_docx(head, ROWS)))
    assert doc.paragraphs[1].text == ws["A2"].value


def test_a_city_names_its_own_level_on_the_list_and_a_missing_contact_is_left_to_write():
    head = ListHead(title="t", county="张店区", words=Words(unit="县（市、区）"))
    ws = load_workbook(BytesIO(recommendation_list_xlsx(head, ROWS))).active
    assert ws["A2"].value == "县（市、区）（盖章）：张店区　　县（市、区）联系人：　　　　　　联系人电话：　　　　"


def test_the_tier_header_names_the_tiers_as_the_seed_does():
    ws = load_workbook(BytesIO(recommendation_list_xlsx(ListHead(title="t", county="c"), ROWS))).active
    assert ws["E3"].value == "申报类型（示范\\优秀\\合格）"
    assert ws["F4"].value == 110 and isinstance(ws["F4"].value, int)


def test_the_word_list_declares_the_chinese_font_on_every_run_and_prints_a4_landscape():
    doc = Document(BytesIO(recommendation_list_docx(ListHead(title="t", county="c"), ROWS)))
    fonts = runs_fonts(doc)
    assert fonts and all(f["eastAsia"] == "宋体" for f in fonts)
    section = doc.sections[0]
    assert (round(section.page_width.cm, 1), round(section.page_height.cm, 1)) == (29.7, 21.0)
