"""Schools as an .xlsx list, in the layout the school import reads back."""

from __future__ import annotations

from collections.abc import Iterable
from io import BytesIO

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from campuseval.exporting import looks_like_formula

from .models import School

# Column headers shared with the school import (campuseval.imports.kinds.schools).
SCHOOL_HEADERS = {
    "code": "学校标识码",
    "name": "学校名称",
    "stage": "学段",
    "location": "城乡类别",
    "county_code": "所属县（市、区）代码",
    "central_school_code": "所属中心校标识码",
    "address": "地址",
    "head_name": "校长（负责人）",
    "contact_name": "联系人",
    "contact_phone": "联系电话",
}
# Shown in exports for reading; the import accepts and ignores them.
SCHOOL_REFERENCE_HEADERS = {
    "county_name": "所属县（市、区）名称",
    "central_school_name": "所属中心校名称",
}
EXPORT_COLUMNS = [
    "code",
    "name",
    "stage",
    "location",
    "county_code",
    "county_name",
    "central_school_code",
    "central_school_name",
    "address",
    "head_name",
    "contact_name",
    "contact_phone",
]
WIDTHS = {"code": 14, "name": 30, "county_name": 14, "central_school_name": 30, "address": 36}
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")


def text_cells(ws: Worksheet, values: Iterable[object]) -> list[object]:
    """A row for a write-only sheet in which text stays text: openpyxl would store a string
    that starts with "=" as a formula, so a school named "=HYPERLINK(...)" could run one.

    The school list is also the import template, so a formula-like text is kept exactly, typed
    as text, rather than neutralised with an apostrophe as the other exports do."""
    row: list[object] = []
    for value in values:
        if looks_like_formula(value):
            cell = WriteOnlyCell(ws, value=value)
            cell.data_type = "s"
            row.append(cell)
        else:
            row.append(value)
    return row


def _row(school: School) -> list[str]:
    central = school.central_school
    values = {
        "code": school.code,
        "name": school.name,
        "stage": school.stage,
        "location": school.get_location_display(),
        "county_code": school.county.code,
        "county_name": school.county.name,
        "central_school_code": central.code if central else "",
        "central_school_name": central.name if central else "",
        "address": school.address,
        "head_name": school.head_name,
        "contact_name": school.contact_name,
        "contact_phone": school.contact_phone,
    }
    return [values[c] for c in EXPORT_COLUMNS]


def schools_xlsx(schools: Iterable[School]) -> bytes:
    """The schools as a workbook (sheet 学校); select_related county and central_school."""
    wb = Workbook(write_only=True)
    ws: Worksheet = wb.create_sheet("学校")
    headers = {**SCHOOL_HEADERS, **SCHOOL_REFERENCE_HEADERS}
    for i, column in enumerate(EXPORT_COLUMNS):
        ws.column_dimensions[get_column_letter(i + 1)].width = WIDTHS.get(column, 16)
    ws.freeze_panes = "A2"
    header_cells = []
    for column in EXPORT_COLUMNS:
        cell = WriteOnlyCell(ws, value=headers[column])
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
        header_cells.append(cell)
    ws.append(header_cells)
    for school in schools:
        ws.append(text_cells(ws, _row(school)))
    out = BytesIO()
    wb.save(out)
    return out.getvalue()
