"""附件2 申报表 as Word prints it: the seed's rows on a six-column grid, one A4 portrait page."""

from __future__ import annotations

from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH

from campuseval.exporting import Words
from campuseval.filings.exports import application_form_docx

from .samples import application, document_of


def _table(**changes):
    return document_of(application_form_docx(application(**changes))).tables[0]


def _texts(row):
    return [cell.text for cell in row.cells]


def test_the_application_form_lays_out_the_seeds_rows_on_a_six_column_grid():
    table = _table()
    assert len(table.columns) == 6 and len(table.rows) == 7
    assert _texts(table.rows[0]) == ["学校名称（盖章）", *["泰州市海陵区实验小学"] * 3, "联系电话", "0523-86201234"]
    assert _texts(table.rows[1]) == ["负责人", *["王明"] * 3, "联系电话", "13800000000"]
    assert _texts(table.rows[2]) == ["班 级 数", "36", "学生人数", "1620", "教师数", "98"]
    school = table.rows[0].cells
    assert school[1]._tc is school[3]._tc  # the school's name is one merged cell


def test_the_application_form_ticks_the_tier_applied_for_and_boxes_the_others():
    row = _table(applied="优秀型").rows[3]
    assert row.cells[0].text == "申报类型"
    assert row.cells[1].text == "□示范型    ☑优秀型    □合格型"
    assert row.cells[1]._tc is row.cells[5]._tc


def test_numbers_the_school_left_out_print_as_empty_cells():
    assert _texts(_table(classes=None, students=None, teachers=None).rows[2]) == [
        "班 级 数", "", "学生人数", "", "教师数", "",
    ]


def test_the_highlights_end_with_the_schools_stamp_and_date_at_the_bottom_right():
    row = _table(highlights="“三个课堂”常态化应用").rows[4]
    assert row.cells[0].text == "亮\n点\n特\n色"  # written down the label cell, as the seed does
    paragraphs = row.cells[1].paragraphs
    assert paragraphs[0].text == "“三个课堂”常态化应用"
    assert [p.text for p in paragraphs[-2:]] == ["学校（盖章）", "年  月  日"]
    assert all(p.alignment == WD_ALIGN_PARAGRAPH.RIGHT for p in paragraphs[-2:])
    assert any(p.text == "" for p in paragraphs[1:-2])  # room between the text and the stamp


def test_the_bureaus_opinions_span_the_width_with_room_for_their_stamps():
    table = _table()
    for row, label in ((table.rows[5], "市（区）教育局意见："), (table.rows[6], "市教育局意见：")):
        cells = row.cells
        assert len({id(c._tc) for c in cells}) == 1  # one cell across the six columns
        assert cells[0].paragraphs[0].text == label
        assert [p.text for p in cells[0].paragraphs[-2:]] == ["（盖章）", "年   月   日"]


def test_a_city_prints_its_own_words_in_the_opinion_cells():
    table = _table(words=Words(unit="县（市、区）", city_bureau="淄博市教育局"))
    assert table.rows[5].cells[0].paragraphs[0].text == "县（市、区）教育局意见："
    assert table.rows[6].cells[0].paragraphs[0].text == "淄博市教育局意见："


def test_the_application_form_is_an_a4_portrait_page_under_its_bold_centred_title():
    doc = document_of(application_form_docx(application()))
    section = doc.sections[0]
    assert section.orientation == WD_ORIENT.PORTRAIT
    assert (round(section.page_width.cm, 1), round(section.page_height.cm, 1)) == (21.0, 29.7)
    assert round(section.left_margin.cm, 1) == 2.0
    title = doc.paragraphs[0]
    assert title.text == "泰州市中小学智慧校园申报表"
    assert title.alignment == WD_ALIGN_PARAGRAPH.CENTER and title.runs[0].bold
    assert doc.tables[0].style.name == "Table Grid"  # borders on every cell
