"""Workbooks in and out: the upload check, the reader, the template, the error sheet.

Pure functions over bytes and paths; what a column means lives in :mod:`.kinds`.
"""

from __future__ import annotations

import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from io import BytesIO
from typing import IO, Any

from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from campuseval.evidence.checks import XLSX, UploadRefused, check_file
from campuseval.regions.exports import text_cells
from campuseval.zipcheck import limit_text

from .columns import Column

MAX_BYTES = 20 * 1024 * 1024
MAX_ROWS = 50_000
XLSX_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
NOTES_SHEET = "说明"
ERROR_HEADER = "错误"

HEADER_FONT = Font(bold=True)
REQUIRED_FILL = PatternFill("solid", fgColor="FCE4D6")
OPTIONAL_FILL = PatternFill("solid", fgColor="DDEBF7")
REFERENCE_FILL = PatternFill("solid", fgColor="EDEDED")
BAD_FILL = PatternFill("solid", fgColor="FFC7CE")
BAD_FONT = Font(color="9C0006")
WRAP = Alignment(wrap_text=True, vertical="top")
TEMPLATE_ROWS = 2000  # rows of the template whose code cells are formatted as text


def upload_problem(upload: IO[bytes], size: int, name: str) -> str | None:
    """Why an upload is not an .xlsx file we read, or None. Judged by content, not by name:
    the evidence's checks (name, size, real type, disguise, zip bomb), then the workbook's own
    content type (not a template, not macro-enabled), which openpyxl needs."""
    try:
        check_file(upload, name, size, types=(XLSX,), limit=MAX_BYTES)
    except UploadRefused as refused:  # the imports' own advice where they have one
        if refused.reason == "size":
            return f"文件太大（{size / 1024 / 1024:.1f} MB），不能超过 {MAX_BYTES // 1024 // 1024} MB；请分成几个文件导入"
        if refused.reason == "bomb":
            return f"文件解压后过大，不能导入（超过 {limit_text()}，可能是恶意构造的压缩文件）；请分成几个文件导入"
        if refused.reason == "type":
            return _not_xlsx()
        return str(refused)
    try:
        upload.seek(0)
        with zipfile.ZipFile(upload) as archive:
            content_types = archive.read("[Content_Types].xml")
    except (zipfile.BadZipFile, OSError, KeyError):
        return _not_xlsx()
    finally:
        upload.seek(0)
    if XLSX_MAIN.encode() not in content_types:
        return _not_xlsx()
    return None


def _not_xlsx() -> str:
    return "不是 Excel 工作簿（.xlsx）。请用 Excel 或 WPS 打开后“另存为 Excel 工作簿（*.xlsx）”再上传；不支持 .xls、.csv 和带宏的 .xlsm"


# Reading --------------------------------------------------------------------------------------


class UnreadableWorkbook(ValueError):
    pass


def _data_sheet(wb: Any, preferred: str) -> Worksheet:
    if preferred in wb.sheetnames:
        return wb[preferred]
    for name in wb.sheetnames:
        if name not in {NOTES_SHEET, ERROR_HEADER}:
            return wb[name]
    raise UnreadableWorkbook("工作簿中没有数据工作表")


def _value(cell: Any) -> object:
    value = cell.value
    # A number shown as a percentage (95.5%) is stored as 0.955; the sheet means 95.5.
    fmt = getattr(cell, "number_format", None) or ""
    if isinstance(value, int | float) and not isinstance(value, bool) and fmt.endswith("%"):
        return Decimal(repr(value)) * 100
    return value


@dataclass
class Sheet:
    title: str
    header: list[object]
    rows: list[tuple[int, list[object]]]  # (row number in the sheet, values), blank rows left out


def read_sheet(path: str | IO[bytes], preferred: str) -> Sheet:
    """The header and the non-blank rows of the data sheet; at most MAX_ROWS rows."""
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds of errors for a damaged file
        raise UnreadableWorkbook("无法读取该文件：它可能已损坏，或不是 Excel 工作簿") from exc
    try:
        ws = _data_sheet(wb, preferred)
        rows: list[tuple[int, list[object]]] = []
        header: list[object] = []
        for number, cells in enumerate(ws.iter_rows(), start=1):
            values = [_value(c) for c in cells]
            if number == 1:
                header = values
                continue
            if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
                continue
            if len(rows) >= MAX_ROWS:
                raise UnreadableWorkbook(f"文件超过 {MAX_ROWS} 行数据，请分成几个文件导入")
            rows.append((number, values))
        return Sheet(title=ws.title, header=header, rows=rows)
    except UnreadableWorkbook:
        raise
    except Exception as exc:  # a sheet's XML is read only now (read-only mode): damaged inside
        raise UnreadableWorkbook(
            "无法读取该文件：工作表的内容已损坏（不是有效的 Excel 格式）。请在 Excel 或 WPS 中打开后另存为 .xlsx 再导入"
        ) from exc
    finally:
        wb.close()


# Writing --------------------------------------------------------------------------------------


def _save(wb: Workbook) -> bytes:
    out = BytesIO()
    wb.save(out)
    return out.getvalue()


def _width(text: str) -> float:
    # CJK characters are about twice as wide as Latin ones.
    return min(60, max(10, sum(2 if ord(c) > 0x2E80 else 1 for c in text) + 2))


@dataclass(frozen=True)
class TemplateSpec:
    sheet: str
    title: str
    columns: Sequence[Column]
    reference_headers: Sequence[str]
    example: dict[str, Any]
    notes: Sequence[str]


def template_xlsx(spec: TemplateSpec) -> bytes:
    """Headers, one fictitious example row, and a 说明 sheet explaining every column."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = spec.sheet
    headers = [c.header for c in spec.columns]
    ws.append(headers + list(spec.reference_headers))
    ws.append([c.show(spec.example.get(c.key, c.empty)) for c in spec.columns])
    for index, column in enumerate(spec.columns, start=1):
        letter = get_column_letter(index)
        cell = ws.cell(row=1, column=index)
        cell.font = HEADER_FONT
        cell.fill = REQUIRED_FILL if column.required else OPTIONAL_FILL
        cell.comment = Comment(("必填。" if column.required else "选填。") + column.rule, "campuseval")
        ws.column_dimensions[letter].width = _width(column.header)
        if column.text_format:
            for row in range(2, TEMPLATE_ROWS + 2):
                ws.cell(row=row, column=index).number_format = "@"
        if column.choices:
            check = DataValidation(
                type="list",
                formula1='"' + ",".join(column.choices) + '"',
                allow_blank=not column.required,
                showErrorMessage=True,
                errorTitle="取值不在范围内",
                error="请从下拉列表中选择",
            )
            ws.add_data_validation(check)
            check.add(f"{letter}2:{letter}{TEMPLATE_ROWS + 1}")
    for offset, header in enumerate(spec.reference_headers, start=len(spec.columns) + 1):
        cell = ws.cell(row=1, column=offset)
        cell.font, cell.fill = HEADER_FONT, REFERENCE_FILL
        ws.column_dimensions[get_column_letter(offset)].width = _width(header)
    ws.freeze_panes = "A2"

    notes = wb.create_sheet(NOTES_SHEET)
    notes.append([f"{spec.title}导入模板说明"])
    notes["A1"].font = Font(bold=True, size=14)
    for line in spec.notes:
        notes.append([line])
    notes.append([])
    notes.append(["列", "列标题", "是否必填", "格式与可选值", "示例"])
    head_row = notes.max_row
    for cell in notes[head_row]:
        cell.font, cell.fill = HEADER_FONT, OPTIONAL_FILL
    for index, column in enumerate(spec.columns, start=1):
        notes.append(
            [
                get_column_letter(index),
                column.header,
                "必填" if column.required else "选填（列须保留）" if column.header_required else "选填",
                column.rule,
                column.show(spec.example.get(column.key, column.empty)),
            ]
        )
    for offset, header in enumerate(spec.reference_headers, start=len(spec.columns) + 1):
        notes.append([get_column_letter(offset), header, "不导入", "仅供核对，导入时忽略", ""])
    for row in notes.iter_rows(min_row=head_row + 1):
        for cell in row:
            cell.alignment = WRAP
    for letter, width in zip("ABCDE", (6, 30, 10, 60, 24), strict=True):
        notes.column_dimensions[letter].width = width
    return _save(wb)


@dataclass(frozen=True)
class CellNote:
    row: int
    column: str  # letter, or "" for the whole row
    text: str


def error_xlsx(path: str | IO[bytes] | None, preferred: str, notes: Sequence[CellNote]) -> bytes:
    """The uploaded sheet with bad cells highlighted and a 错误 column saying why.

    Without a path (a file that could not be read at all, or was too large), just the list.
    """
    try:
        if path is None:
            raise UnreadableWorkbook("no file")
        wb = load_workbook(path)
        ws = _data_sheet(wb, preferred)
    except Exception:
        wb = Workbook()
        listing = wb.active
        assert listing is not None
        listing.title = ERROR_HEADER
        listing.append(["行", "列", ERROR_HEADER])
        for note in notes:
            listing.append([note.row, note.column, note.text])
        return _save(wb)
    for name in list(wb.sheetnames):
        if wb[name] is not ws:
            del wb[name]
    target = ws.max_column + 1
    if ws.cell(row=1, column=ws.max_column).value == ERROR_HEADER:
        target -= 1  # an error sheet uploaded again: reuse its 错误 column
    header = ws.cell(row=1, column=target, value=ERROR_HEADER)
    header.font, header.fill = Font(bold=True, color="9C0006"), BAD_FILL
    ws.column_dimensions[get_column_letter(target)].width = 60
    by_row: dict[int, list[str]] = {}
    for note in notes:
        by_row.setdefault(note.row, []).append(note.text)
        if note.column:
            cell = ws[f"{note.column}{note.row}"]
            cell.fill, cell.font = BAD_FILL, BAD_FONT
    for row in range(2, ws.max_row + 1):
        ws.cell(row=row, column=target, value=None)
    for row, texts in by_row.items():
        cell = ws.cell(row=row, column=target, value="；".join(texts))
        cell.font, cell.alignment = BAD_FONT, WRAP
    return _save(wb)


def table_xlsx(title: str, headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> bytes:
    """A plain one-sheet table (the account import's result with its initial passwords)."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title)
    for index, header in enumerate(headers, start=1):
        ws.column_dimensions[get_column_letter(index)].width = _width(header) + 6
    head = []
    for header in headers:
        cell = WriteOnlyCell(ws, value=header)
        cell.font, cell.fill = HEADER_FONT, OPTIONAL_FILL
        head.append(cell)
    ws.append(head)
    for row in rows:
        ws.append(text_cells(ws, row))
    return _save(wb)
