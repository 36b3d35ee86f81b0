"""The plan's files. The 任务分解表 as an .xlsx workbook, in the layout bureaus print (Chuzhou's
附件1/附件2):

title row merged across; two header rows (县市区 and 合计数 merged down, each year merged over
its 建设数 and 完成率); with groups, the group's name merged down its counties and 小计 row;
全市合计 last. A4 landscape, fitted to the width, header rows repeated on every page.

A year with nothing left to build prints ——, as the source does. A rate the bureau's table
states differently from the computed one prints both, "67%（原表 66%）", highlighted, with a
note under the table.

The 工作推进任务书 (Qingdao's): one row per target with its departments, deadline, latest
progress and status, as .xlsx and .docx (see ``task_book_xlsx``).

No Django here; text cells pass the formula guard.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from campuseval.exporting import print_as_official_sheet, safe_cell, workbook_bytes

from .decomposition import TaskRow, TaskTable, YearCell

DASH = "——"
FONT_NAME = "宋体"
FONT = Font(name=FONT_NAME, size=11)
BOLD = Font(name=FONT_NAME, size=11, bold=True)
TITLE_FONT = Font(name=FONT_NAME, size=16, bold=True)
THIN = Side(style="thin")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
DISAGREE_FILL = PatternFill("solid", fgColor="FFF2CC")
HEADER_ROWS = 3  # title, year headers, 建设数/完成率
NOTE = "注：完成率 = 累计建设数 ÷ 合计数，四舍五入到整数百分比；标色处与原表所印不同，括号内为原表数值。"

CellValue = str | int | float


def _put(ws: Worksheet, row: int, col: int, value: CellValue, font: Font = FONT) -> None:
    cell = ws.cell(row, col, safe_cell(value) if isinstance(value, str) else value)
    cell.font = font
    cell.alignment = CENTER
    cell.border = BORDER


def _rate_value(cell: YearCell) -> CellValue:
    if cell.dash or cell.rate is None:
        return DASH
    if cell.disagrees:
        return f"{cell.rate}%（原表 {cell.stated}%）"
    return cell.rate / 100


def _data_row(ws: Worksheet, r: int, first: int, row: TaskRow) -> None:
    """The 合计数 and the year cells of one row, from column ``first``."""
    bold = BOLD if row.kind != "region" else FONT
    _put(ws, r, first, row.total, bold)
    for i, cell in enumerate(row.cells):
        col = first + 1 + 2 * i
        _put(ws, r, col, DASH if cell.dash else cell.planned, bold)
        value = _rate_value(cell)
        _put(ws, r, col + 1, value, bold)
        if isinstance(value, float):
            ws.cell(r, col + 1).number_format = "0%"
        if cell.disagrees:
            ws.cell(r, col + 1).fill = DISAGREE_FILL


def task_table_xlsx(table: TaskTable, title: str) -> bytes:
    """One sheet: the table of ``task_table``, titled ``title``."""
    wb = Workbook()
    wb.remove(wb.worksheets[0])
    ws: Worksheet = wb.create_sheet("任务分解表")
    grouped = table.grouped
    region_col = 2 if grouped else 1
    first = region_col + 1  # the 合计数 column
    last = first + 2 * len(table.years)

    _put(ws, 1, 1, title, TITLE_FONT)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=last)
    for c in range(2, last + 1):
        ws.cell(1, c).border = BORDER
    ws.row_dimensions[1].height = 32

    heads = (["地区类别"] if grouped else []) + ["县市区", table.total_label]
    for c, head in enumerate(heads, 1):
        _put(ws, 2, c, head, BOLD)
        _put(ws, 3, c, "", BOLD)
        ws.merge_cells(start_row=2, start_column=c, end_row=3, end_column=c)
    for i, year in enumerate(table.years):
        col = first + 1 + 2 * i
        _put(ws, 2, col, f"{year}年", BOLD)
        _put(ws, 2, col + 1, "", BOLD)
        ws.merge_cells(start_row=2, start_column=col, end_row=2, end_column=col + 1)
        _put(ws, 3, col, "建设数", BOLD)
        _put(ws, 3, col + 1, "完成率", BOLD)

    r = HEADER_ROWS + 1
    for group in table.groups:
        start = r
        for row in group.rows:
            if grouped:
                _put(ws, r, 1, group.name or "")
            _put(ws, r, region_col, row.label)
            _data_row(ws, r, first, row)
            r += 1
        if group.subtotal is not None:
            if grouped:
                _put(ws, r, 1, group.name or "")
            _put(ws, r, region_col, group.subtotal.label, BOLD)
            _data_row(ws, r, first, group.subtotal)
            r += 1
        if grouped:
            ws.cell(start, 1).font = BOLD
            if r - 1 > start:
                ws.merge_cells(start_row=start, start_column=1, end_row=r - 1, end_column=1)
    _put(ws, r, 1, table.total.label, BOLD)
    if grouped:
        _put(ws, r, 2, "", BOLD)
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=2)
    _data_row(ws, r, first, table.total)
    if table.disagreements():
        r += 1
        ws.cell(r, 1, NOTE).font = FONT
        ws.cell(r, 1).alignment = Alignment(horizontal="left", vertical="center", wrap_text=True)
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=last)
        ws.row_dimensions[r].height = 30

    widths = ([12] if grouped else []) + [12, 14] + [10, 12] * len(table.years)
    for i, width in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(i)].width = width
    print_as_official_sheet(
        ws, title_rows=f"1:{HEADER_ROWS}", area=f"A1:{get_column_letter(last)}{r}",
        freeze=f"{get_column_letter(first)}{HEADER_ROWS + 1}",
    )
    return workbook_bytes(wb)


# --- the 工作推进任务书 (Qingdao's task book) ---------------------------------------------------
# One row per target of the plan: 重点工程, 指标, 目标, 牵头处室, 配合处室, 截止时间, 最新进展, 状态,
# as the bureau hands it to its departments. A4 landscape, bordered, the header repeated on
# every page; the rows come from ``plans.presenters.task_book_rows``.

BOOK_HEADERS = ("序号", "重点工程", "指标", "目标", "牵头处室", "配合处室", "截止时间", "最新进展", "状态")
BOOK_WIDTHS = (6, 16, 32, 14, 14, 18, 15, 40, 8)
BOOK_CENTRED = frozenset({1, 4, 5, 7, 9})  # the columns centred; the others read left to right
LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)


@dataclass(frozen=True)
class BookRow:
    """One line of the task book, as printed."""

    number: int
    project: str
    text: str
    goal: str
    lead: str
    co: str
    deadline: str
    latest: str
    status: str

    def cells(self) -> tuple[CellValue, ...]:
        return (
            self.number, self.project, self.text, self.goal, self.lead, self.co, self.deadline, self.latest,
            self.status,
        )


def task_book_xlsx(rows: Sequence[BookRow], title: str) -> bytes:
    """One sheet: the title merged across, the header, one bordered row per target."""
    wb = Workbook()
    wb.remove(wb.worksheets[0])
    ws: Worksheet = wb.create_sheet("工作推进任务书")
    last = get_column_letter(len(BOOK_HEADERS))
    _put(ws, 1, 1, title, TITLE_FONT)
    ws.merge_cells(f"A1:{last}1")
    ws.row_dimensions[1].height = 32
    for col, head in enumerate(BOOK_HEADERS, 1):
        _put(ws, 2, col, head, BOLD)
    for r, row in enumerate(rows, 3):
        for col, value in enumerate(row.cells(), 1):
            _put(ws, r, col, value)
            if col not in BOOK_CENTRED:
                ws.cell(r, col).alignment = LEFT
    for col, width in enumerate(BOOK_WIDTHS, 1):
        ws.column_dimensions[get_column_letter(col)].width = width
    print_as_official_sheet(ws, title_rows="2:2", area=f"A1:{last}{max(2, len(rows) + 2)}", freeze="A3")
    return workbook_bytes(wb)


def task_book_docx(rows: Sequence[BookRow], title: str) -> bytes:
    """The same book as a Word document: A4 landscape, 宋体, a bordered table whose header
    repeats on every page."""
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    doc = Document()
    normal = doc.styles["Normal"]
    normal.font.name = FONT_NAME
    normal.font.size = Pt(10.5)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT_NAME)
    section = doc.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21.0)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(2))
    heading = doc.add_paragraph()
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = heading.add_run(title)
    run.bold = True
    run.font.size = Pt(16)
    table = doc.add_table(rows=1, cols=len(BOOK_HEADERS))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    header = table.rows[0]
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    header._tr.get_or_add_trPr().append(repeat)
    for cell, text in zip(header.cells, BOOK_HEADERS, strict=True):
        cell.text = ""
        cell.paragraphs[0].add_run(text).bold = True
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    for row in rows:
        for col, (cell, value) in enumerate(zip(table.add_row().cells, row.cells(), strict=True), 1):
            cell.text = str(value)
            if col in BOOK_CENTRED:
                cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    widths = [Cm(w * 0.42) for w in BOOK_WIDTHS]
    for table_row in table.rows:
        for cell, width in zip(table_row.cells, widths, strict=True):
            cell.width = width
    out = BytesIO()
    doc.save(out)
    return out.getvalue()
