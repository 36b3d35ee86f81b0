"""The county's recommendation list (推荐名单表) as the bureau prints it: pure functions to bytes.

The layout follows the seed's 附件4: a title, the county with its contact (盖章 by hand), then
序号、学校名称、联系人、联系电话、申报类型、自评分、亮点特色 with borders, fitted to one page
width in landscape.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from campuseval.exporting import print_as_official_sheet, safe_cell, workbook_bytes

HEADERS = ("序号", "学校名称", "联系人", "联系电话", "申报类型", "自评分", "亮点特色")
WIDTHS = (6, 30, 10, 15, 10, 8, 60)
# A cell that starts with one of these is a formula to Excel and WPS: a school's own text
# (its name, contact or highlights) must never run as one.
@dataclass(frozen=True)
class ListRow:
    school: str
    contact: str
    phone: str
    tier: str
    score: float
    highlights: str


@dataclass(frozen=True)
class ListHead:
    title: str  # "<campaign name> 推荐名单"
    county: str
    contact: str = ""
    phone: str = ""
    locked_note: str = ""  # "县级初评已于 … 截止，名单已锁定", or empty while open


def _score(value: float) -> int | float:
    """110 prints as 110, 92.5 as 92.5, as the source's tables show scores."""
    rounded = round(value, 2)
    return int(rounded) if float(rounded).is_integer() else rounded


def _county_line(head: ListHead) -> str:
    return (
        f"县（市、区）（盖章）：{head.county}　　"
        f"联系人：{head.contact or '　' * 4}　　联系电话：{head.phone or '　' * 4}"
    )


def recommendation_list_xlsx(head: ListHead, rows: Sequence[ListRow]) -> bytes:
    """One sheet: title, county line, header, one bordered row per school, fitted to width."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "推荐名单"
    last = get_column_letter(len(HEADERS))
    ws["A1"] = safe_cell(head.title)
    ws.merge_cells(f"A1:{last}1")
    ws["A1"].font = Font(bold=True, size=16)
    ws["A1"].alignment = Alignment(horizontal="center", vertical="center")
    ws.row_dimensions[1].height = 30
    ws["A2"] = safe_cell(_county_line(head))
    ws.merge_cells(f"A2:{last}2")
    ws["A2"].alignment = Alignment(horizontal="left", vertical="center")
    ws.row_dimensions[2].height = 22

    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    header_row = 3
    for col, text in enumerate(HEADERS, 1):
        cell = ws.cell(header_row, col, text)
        cell.font = Font(bold=True)
        cell.border = border
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for n, row in enumerate(rows, 1):
        values = [n, row.school, row.contact, row.phone, row.tier, _score(row.score), row.highlights]
        for col, value in enumerate(values, 1):
            cell = ws.cell(header_row + n, col, safe_cell(value))
            cell.border = border
            centred = col in (1, 3, 4, 5, 6)
            cell.alignment = Alignment(
                horizontal="center" if centred else "left", vertical="center", wrap_text=True
            )
    footer = header_row + len(rows) + 1
    note = f"共 {len(rows)} 所。"
    if head.locked_note:
        note += head.locked_note
    ws.cell(footer, 1, note)
    ws.merge_cells(start_row=footer, start_column=1, end_row=footer, end_column=len(HEADERS))

    for col, width in enumerate(WIDTHS, 1):
        ws.column_dimensions[get_column_letter(col)].width = width
    print_as_official_sheet(
        ws, title_rows=f"{header_row}:{header_row}", area=f"A1:{last}{footer}", freeze=f"A{header_row + 1}"
    )
    return workbook_bytes(wb)


def recommendation_list_docx(head: ListHead, rows: Sequence[ListRow]) -> bytes:
    """The same list as a Word document (landscape A4, a bordered table), for the official copy."""
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21.0)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(2))
    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = title.add_run(head.title)
    run.bold = True
    run.font.size = Pt(16)
    doc.add_paragraph(_county_line(head))
    table = doc.add_table(rows=1, cols=len(HEADERS))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(table.rows[0].cells, HEADERS, strict=True):
        cell.text = ""
        cell.paragraphs[0].add_run(text).bold = True
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    for n, row in enumerate(rows, 1):
        values = [str(n), row.school, row.contact, row.phone, row.tier, f"{_score(row.score)}", row.highlights]
        for cell, text in zip(table.add_row().cells, values, strict=True):
            cell.text = text
    widths = [Cm(w * 0.42) for w in WIDTHS]
    for table_row in table.rows:
        for cell, width in zip(table_row.cells, widths, strict=True):
            cell.width = width
    note = f"共 {len(rows)} 所。" + head.locked_note
    doc.add_paragraph(note)
    out = BytesIO()
    doc.save(out)
    return out.getvalue()
