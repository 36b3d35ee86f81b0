"""What every export shares: the formula guard for spreadsheet cells and the download response.

A text cell that starts with ``=``, ``+``, ``-``, ``@`` (or a tab or carriage return) would run
as a formula when a bureau opens the file in Excel or WPS; every export passes its text cells
through ``safe_cell``, which neutralises such a value with a leading apostrophe.
"""

from __future__ import annotations

from io import BytesIO
from typing import Any, TypeGuard
from urllib.parse import quote

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
CSV = "text/csv; charset=utf-8"


def looks_like_formula(value: Any) -> TypeGuard[str]:
    return isinstance(value, str) and value.startswith(FORMULA_START)


def safe_cell(value: Any) -> Any:
    """The value, with text that would run as a formula neutralised."""
    return "'" + value if looks_like_formula(value) else value


def attachment(body: bytes, *, content_type: str, filename: str, ascii_filename: str) -> HttpResponse:
    """A file download under its Chinese name (``filename*``) with an ASCII fallback; never cached."""
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = (
        f'attachment; filename="{ascii_filename}"; filename*=UTF-8\'\'{quote(filename)}'
    )
    response["Cache-Control"] = "private, no-store"
    return response


def print_as_official_sheet(ws: Worksheet, *, title_rows: str, area: str, freeze: str) -> None:
    """A sheet as bureaus print it: A4 landscape, one page wide, centred, the header rows
    repeated on every page (``title_rows`` such as ``"1:3"``)."""
    ws.freeze_panes = freeze
    ws.print_title_rows = title_rows
    ws.print_area = area
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.print_options.horizontalCentered = True


def workbook_bytes(wb: Workbook) -> bytes:
    out = BytesIO()
    wb.save(out)
    return out.getvalue()
