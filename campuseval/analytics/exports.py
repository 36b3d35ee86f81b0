"""A dashboard chart's table as .xlsx: pure, the chart's rows to bytes."""

from __future__ import annotations

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from campuseval.exporting import safe_cell, workbook_bytes

from .presenters import Chart


def chart_xlsx(chart: Chart, *, heading: str) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = chart.key
    ws.append([safe_cell(heading)])
    ws["A1"].font = Font(bold=True, size=13)
    ws.append([safe_cell(c) for c in chart.columns])
    for cell in ws[2]:
        cell.font = Font(bold=True)
    for row in chart.rows:
        ws.append([safe_cell(_value(c.text)) for c in row])
    if chart.note:
        ws.append([])
        ws.append([safe_cell(chart.note)])
    for index, column in enumerate(ws.columns, start=1):
        letter = get_column_letter(index)
        ws.column_dimensions[letter].width = min(60, max(10, *(len(str(c.value or "")) * 2 for c in column[1:])))
    ws.freeze_panes = "A3"
    return workbook_bytes(wb)


def _value(text: str) -> str | int | float:
    """A plain number as a number (so sums work in Excel); anything else as text."""
    try:
        return int(text)
    except ValueError:
        pass
    try:
        return float(text)
    except ValueError:
        return text
