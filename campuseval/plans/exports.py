"""The 任务分解表 as an .xlsx workbook, in the layout bureaus print (Chuzhou's 附件1/附件2):

title row merged across; two header rows (县市区 and 合计数 merged down, each year merged over
its 建设数 and 完成率); with groups, the group's name merged down its counties and 小计 row;
全市合计 last. A4 landscape, fitted to the width, header rows repeated on every page.

A year with nothing left to build prints ——, as the source does. A rate the bureau's table
states differently from the computed one prints both, "67%（原表 66%）", highlighted, with a
note under the table. No Django here; text cells pass the formula guard.
"""

from __future__ import annotations

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
