"""What every export shares: the formula guard for spreadsheet cells, the download response, and
the official forms' layout with its two renderers (.xlsx and .docx).

A text cell that starts with ``=``, ``+``, ``-``, ``@`` (or a tab or carriage return) would run
as a formula when a bureau opens the file in Excel or WPS; every export passes its text cells
through ``safe_cell``, which neutralises such a value with a leading apostrophe.

An official form is a ``Form``: a title, lines under it, a bordered table of ``Box`` es (each
merged over its rows and columns) and lines under the table. ``form_xlsx`` and ``form_docx``
print the same form: A4, the header rows repeated on every page, borders on every cell of a
merged range (Excel and WPS draw a merged range's border only where each of its cells has one),
and in Word the Chinese font declared for the East Asian slot (``w:eastAsia``: python-docx's
``font.name`` sets only the Latin ones).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from io import BytesIO
from itertools import groupby
from typing import TYPE_CHECKING, Any, Literal, TypeGuard
from urllib.parse import quote

from django.http import HttpResponse
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_ROW_HEIGHT_RULE, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Emu, Pt
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

if TYPE_CHECKING:
    from docx.document import Document as DocxDocument
    from docx.table import Table, _Cell, _Row
    from docx.text.paragraph import Paragraph
    from docx.text.run import Run


@dataclass(frozen=True)
class Words:
    """A city's own words on its forms (a rubric setting: ``forms`` in the rubric file;
    Taizhou's by default)."""

    unit: str = "市（区）"  # the level below the city as the city names it (Taizhou: 市（区）)
    city_bureau: str = "市教育局"  # the city's bureau in the opinion cells


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
    """A file download under its Chinese name (``filename*``) with an ASCII fallback; never cached
    when it goes to a signed-in user (campuseval/no_store.py)."""
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = (
        f'attachment; filename="{ascii_filename}"; filename*=UTF-8\'\'{quote(filename)}'
    )
    return response


def print_as_official_sheet(
    ws: Worksheet,
    *,
    title_rows: str | None,
    area: str,
    freeze: str | None,
    orientation: Literal["landscape", "portrait"] = "landscape",
) -> None:
    """A sheet as bureaus print it: A4 (landscape unless told), one page wide, centred, the
    header rows repeated on every page (``title_rows`` such as ``"1:3"``; None: none)."""
    ws.freeze_panes = freeze
    ws.print_title_rows = title_rows
    ws.print_area = area
    ws.page_setup.orientation = orientation
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.print_options.horizontalCentered = True


def workbook_bytes(wb: Workbook) -> bytes:
    out = BytesIO()
    wb.save(out)
    return out.getvalue()


def score_number(value: float) -> int | float:
    """110 prints as 110, 92.5 as 92.5 and 1.6667 as 1.67, as the source's tables show scores."""
    rounded = round(value, 2) + 0.0  # + 0.0: never -0
    return int(rounded) if rounded.is_integer() else rounded


def runs(values: Iterable[Any]) -> list[tuple[int, int, Any]]:
    """The runs of equal consecutive values: (first index, length, value) each."""
    found, start = [], 0
    for value, group in groupby(values):
        length = sum(1 for _ in group)
        found.append((start, length, value))
        start += length
    return found


# --- the official forms' layout -------------------------------------------------------------

FONT_NAME = "宋体"
Align = Literal["left", "center", "right"]
Value = str | int | float | None


@dataclass(frozen=True)
class Box:
    """One cell of a form's table at ``row``, ``col`` (from 0), merged over ``rows`` x ``cols``."""

    row: int
    col: int
    value: Value
    rows: int = 1
    cols: int = 1
    bold: bool = False
    align: Align = "center"
    space: int = 0  # blank lines under the value: room to write by hand
    stamp: tuple[str, ...] = ()  # right-aligned lines at the cell's foot: （盖章）, 年  月  日

    @property
    def room(self) -> bool:
        """Whether the cell leaves room to write or stamp (its text then starts at the top)."""
        return bool(self.space or self.stamp)

    @property
    def lines(self) -> list[str]:
        return [printed(self.value), *[""] * self.space, *self.stamp]


@dataclass(frozen=True)
class Form:
    """An official form: title, lines under it, the table, lines under the table."""

    title: str
    widths: tuple[float, ...]  # the table's columns in Excel characters; Word scales them to the page
    boxes: tuple[Box, ...]
    lines: tuple[str, ...] = ()
    after: tuple[str, ...] = ()
    header_rows: int = 1  # the table's first rows, repeated on every page
    landscape: bool = False
    sheet: str = "Sheet"
    size: float = 10.5  # Word's font size (pt): 五号
    row_cm: float = 0.0  # Word: the table rows' least height (cm); 0: as their text needs

    @property
    def height(self) -> int:
        return max((b.row + b.rows for b in self.boxes), default=0)


def printed(value: Value) -> str:
    """A cell's value as Word prints it: scores as ``score_number``, None as nothing."""
    if value is None:
        return ""
    return str(score_number(value)) if isinstance(value, float) else str(value)


def table_boxes(
    columns: Sequence[str], rows: Iterable[Sequence[Value]], *, left: Iterable[int] = ()
) -> list[Box]:
    """A plain table: the header (bold) in row 0, then one row per value row; the columns in
    ``left`` read left to right, the others are centred."""
    lefts = set(left)
    boxes = [Box(0, col, name, bold=True) for col, name in enumerate(columns)]
    for r, values in enumerate(rows, 1):
        boxes += [Box(r, col, v, align="left" if col in lefts else "center") for col, v in enumerate(values)]
    return boxes


# --- .xlsx ----------------------------------------------------------------------------------

THIN = Side(style="thin")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
FONT = Font(name=FONT_NAME, size=11)
BOLD = Font(name=FONT_NAME, size=11, bold=True)
TITLE_FONT = Font(name=FONT_NAME, size=16, bold=True)


def put(
    ws: Worksheet, row: int, col: int, value: Value, *, rows: int = 1, cols: int = 1,
    font: Font = FONT, align: Align = "center", border: Border | None = BORDER, top: bool = False,
) -> None:
    """``value`` (text through ``safe_cell``) into a range, merged when wider or taller than one
    cell, and ``border`` on every cell of it."""
    cell = ws.cell(row, col, safe_cell(score_number(value) if isinstance(value, float) else value))
    cell.font = font
    cell.alignment = Alignment(horizontal=align, vertical="top" if top else "center", wrap_text=True)
    last_row, last_col = row + rows - 1, col + cols - 1
    if (rows, cols) != (1, 1):
        ws.merge_cells(start_row=row, start_column=col, end_row=last_row, end_column=last_col)
    if border is not None:
        for line in ws.iter_rows(min_row=row, max_row=last_row, min_col=col, max_col=last_col):
            for each in line:
                each.border = border


def form_xlsx(form: Form) -> bytes:
    """The form as one sheet: title and lines merged across, the table bordered, fitted to width."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = form.sheet
    width = len(form.widths)
    put(ws, 1, 1, form.title, cols=width, font=TITLE_FONT, border=None)
    ws.row_dimensions[1].height = 30
    top = 2 + len(form.lines)
    end = top + form.height
    for row, line in [*enumerate(form.lines, 2), *enumerate(form.after, end)]:
        put(ws, row, 1, line, cols=width, align="left", border=None)
    for box in form.boxes:
        value = "\n".join(box.lines) if box.room else box.value
        put(ws, top + box.row, 1 + box.col, value, rows=box.rows, cols=box.cols,
            font=BOLD if box.bold else FONT, align=box.align, top=box.room)
    for col, w in enumerate(form.widths, 1):
        ws.column_dimensions[get_column_letter(col)].width = w
    headed = form.header_rows > 0
    print_as_official_sheet(
        ws, title_rows=f"{top}:{top + form.header_rows - 1}" if headed else None,
        area=f"A1:{get_column_letter(width)}{end + len(form.after) - 1}",
        freeze=f"A{top + form.header_rows}" if headed else None,
        orientation="landscape" if form.landscape else "portrait",
    )
    return workbook_bytes(wb)


# --- .docx ----------------------------------------------------------------------------------

PARAGRAPH_ALIGN = {
    "left": WD_ALIGN_PARAGRAPH.LEFT, "center": WD_ALIGN_PARAGRAPH.CENTER, "right": WD_ALIGN_PARAGRAPH.RIGHT,
}


def declare_font(rpr: Any) -> None:
    """The Chinese font on a run's or a style's properties, for the Latin and the East Asian
    slots both (``w:rFonts w:eastAsia``: without it Word and WPS fall back to their own)."""
    fonts = rpr.get_or_add_rFonts()
    for slot in ("w:ascii", "w:hAnsi", "w:eastAsia"):
        fonts.set(qn(slot), FONT_NAME)


def a4_document(*, landscape: bool = False, size: float = 10.5, margin_cm: float = 2.0) -> DocxDocument:
    """An empty A4 document (21.0 x 29.7 cm), the Normal style in 宋体 of ``size`` points."""
    doc = Document()
    normal: Any = doc.styles["Normal"]
    normal.font.size = Pt(size)
    declare_font(normal.element.get_or_add_rPr())
    section = doc.sections[0]
    short, long = Cm(21.0), Cm(29.7)
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (long, short) if landscape else (short, long)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(margin_cm))
    return doc


def add_run(paragraph: Paragraph, value: str, *, bold: bool = False, size: float | None = None) -> Run:
    """A run of text with the Chinese font declared on it."""
    run = paragraph.add_run(value)
    run.bold = bold or None
    if size is not None:
        run.font.size = Pt(size)
    declare_font(run._r.get_or_add_rPr())
    return run


def text_width(doc: DocxDocument) -> int:
    section = doc.sections[0]
    return int(section.page_width or 0) - int(section.left_margin or 0) - int(section.right_margin or 0)


def bordered_table(doc: DocxDocument, rows: int, widths: Sequence[float]) -> Table:
    """A "Table Grid" table (borders on every cell), centred, its columns ``widths`` scaled to
    the page's text width (in the grid, which LibreOffice reads, and on every cell, which Word does)."""
    table = doc.add_table(rows=rows, cols=len(widths))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    scaled = [Emu(int(text_width(doc) * w / sum(widths))) for w in widths]
    for column, width in zip(table.columns, scaled, strict=True):
        column.width = width
    for row in table.rows:
        for cell, width in zip(row.cells, scaled, strict=True):
            cell.width = width
    return table


def repeat_header(row: _Row) -> None:
    """The row printed again at the top of every page the table runs onto (``w:tblHeader``)."""
    flag = OxmlElement("w:tblHeader")
    flag.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(flag)


def add_paragraph(
    doc: DocxDocument, value: str, *, align: Align = "left", bold: bool = False, size: float | None = None
) -> Paragraph:
    p = doc.add_paragraph()
    p.alignment = PARAGRAPH_ALIGN[align]
    if value:
        add_run(p, value, bold=bold, size=size)
    return p


def _fill(cell: _Cell, box: Box) -> None:
    """The box's lines as paragraphs of the cell: the value's, blank ones, the stamp's on the right."""
    lines = box.lines
    stamp_from = len(lines) - len(box.stamp)
    for n, line in enumerate(lines):
        p = cell.paragraphs[0] if n == 0 else cell.add_paragraph()
        p.alignment = PARAGRAPH_ALIGN["right" if n >= stamp_from else box.align]
        if line:
            add_run(p, line, bold=box.bold)
    vertical = WD_CELL_VERTICAL_ALIGNMENT
    cell.vertical_alignment = vertical.TOP if box.room else vertical.CENTER


def form_docx(form: Form) -> bytes:
    """The form as a Word document: the title centred and bold, the table with its merges
    (vertical ones too), the header rows repeated on every page."""
    doc = a4_document(landscape=form.landscape, size=form.size)
    add_paragraph(doc, form.title, align="center", bold=True, size=16)
    for line in form.lines:
        add_paragraph(doc, line)
    if form.boxes:
        table = bordered_table(doc, form.height, form.widths)
        for row in table.rows if form.row_cm else ():
            row.height, row.height_rule = Cm(form.row_cm), WD_ROW_HEIGHT_RULE.AT_LEAST
        for box in form.boxes:
            cell = table.cell(box.row, box.col)
            if (box.rows, box.cols) != (1, 1):
                cell = cell.merge(table.cell(box.row + box.rows - 1, box.col + box.cols - 1))
            _fill(cell, box)
        for row in table.rows[: form.header_rows]:
            repeat_header(row)
    for line in form.after:
        add_paragraph(doc, line)
    return document_bytes(doc)


def document_bytes(doc: DocxDocument) -> bytes:
    out = BytesIO()
    doc.save(out)
    return out.getvalue()
