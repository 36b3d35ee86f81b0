"""The 自评表 round trip: a sheet the school downloads, fills in Excel or WPS offline, and
uploads back. Writing it and reading it are pure functions (no database); the upload saves
through the page's own service (``campaigns.services.self_scores_save``: the same deadline,
the same conflict rule), from ``filings.services``.

The sheet: a title, the school, then one row per indicator: 编码 | 指标 | 分值 | 自评得分 |
▲条款 | 说明 | 版本. The school fills 自评得分, ▲条款 (是/否, on indicators with a clause) and
说明; the other cells are locked (the sheet is protected without a password, so a cell can be
unlocked on purpose, and every changed indicator is refused on upload anyway). 版本 is hidden:
the version of each saved score when the sheet was made, so that an upload never silently
overwrites what someone saved since (the page's conflict rule).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from io import BytesIO
from typing import IO, Any
from zipfile import BadZipFile, ZipFile

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from campuseval.campaigns.rules import WorkflowError
from campuseval.campaigns.services.scores import parse_score
from campuseval.engine import Rubric
from campuseval.evidence.checks import XLSX, UploadRefused, check_file, human_size
from campuseval.exporting import print_as_official_sheet, safe_cell, score_number, workbook_bytes
from campuseval.zipcheck import limit_text, too_large_unpacked

SHEET = "自评表"
HEADERS = ("编码", "指标", "分值", "自评得分", "▲条款（是/否）", "说明", "版本")
WIDTHS = (10, 70, 8, 10, 14, 40, 6)
FIRST = 4  # the first indicator's row: title, school, header above it
YES, NO = "是", "否"
MAX_BYTES = 2 * 1024 * 1024
COLUMN = {name: get_column_letter(n) for n, name in enumerate(("code", "text", "points", "score", "clause", "comment", "version"), 1)}


@dataclass(frozen=True)
class FillRow:
    code: str
    text: str
    points: float
    score: float | None
    has_clause: bool
    clause: bool | None
    comment: str
    version: int


@dataclass(frozen=True)
class FillSheet:
    title: str
    school: str
    rows: tuple[FillRow, ...]


@dataclass(frozen=True)
class Filled:
    """One indicator as the uploaded sheet gives it."""

    code: str
    score: Decimal | None
    clause: bool | None
    comment: str
    version: int


class SheetProblems(Exception):
    """An uploaded sheet that cannot be saved: one message per problem, by row and column."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


UNREADABLE = "无法读取该文件：请上传从本平台下载的自评表（.xlsx）"


def _too_big() -> str:
    return f"文件超过 {human_size(MAX_BYTES)}，不像是自评表"


def _bomb() -> str:
    return f"文件解压后超过 {limit_text()}，不像是自评表：请上传从本平台下载的自评表"


def check_upload(upload: IO[bytes], name: str, size: int) -> None:
    """The uploaded file by the rule of every door (``evidence.checks.check_file``: name, size,
    real type, disguise, zip bomb), an .xlsx within MAX_BYTES; SheetProblems with this door's
    advice otherwise. A file not named .xlsx is told so, whatever else is wrong with it."""
    try:
        check_file(upload, name, size, types=(XLSX,), limit=MAX_BYTES)
    except UploadRefused as refused:
        if refused.reason == "size":
            message = _too_big()
        elif refused.reason != "name" and not name.lower().endswith(".xlsx"):
            message = f"“{name}”不是 .xlsx 文件：请上传从本平台下载的自评表"
        elif refused.reason in ("type", "empty"):
            message = UNREADABLE
        elif refused.reason == "bomb":
            message = _bomb()
        else:
            message = str(refused)
        raise SheetProblems([message]) from refused


def fill_sheet_xlsx(sheet: FillSheet) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = SHEET
    last = get_column_letter(len(HEADERS))
    ws["A1"], ws["A2"] = safe_cell(sheet.title), safe_cell(f"学校：{sheet.school}　　（填写“自评得分”“▲条款”“说明”三列后上传；其余各列请勿修改）")
    ws.merge_cells(f"A1:{last}1")
    ws.merge_cells(f"A2:{last}2")
    ws["A1"].font = Font(bold=True, size=14)
    ws["A1"].alignment = Alignment(horizontal="center")
    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    for col, text in enumerate(HEADERS, 1):
        cell = ws.cell(FIRST - 1, col, text)
        cell.font, cell.border = Font(bold=True), border
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    clauses = DataValidation(type="list", formula1=f'"{YES},{NO}"', allow_blank=True, showErrorMessage=True)
    ws.add_data_validation(clauses)
    editable = PatternFill("solid", fgColor="FFF2CC")
    for n, row in enumerate(sheet.rows):
        r = FIRST + n
        clause = "" if row.clause is None else (YES if row.clause else NO)
        values = [row.code, row.text, score_number(row.points), _score(row.score), clause if row.has_clause else "—", row.comment, row.version]
        for col, value in enumerate(values, 1):
            cell = ws.cell(r, col, safe_cell(value))
            cell.border = border
            cell.alignment = Alignment(vertical="center", wrap_text=col in (2, 6))
        for col in ("score", "comment", *(("clause",) if row.has_clause else ())):
            cell = ws[f"{COLUMN[col]}{r}"]
            cell.protection, cell.fill = Protection(locked=False), editable
        one = DataValidation(type="decimal", operator="between", formula1="0", formula2=str(row.points), allow_blank=True)
        one.error = f"得分须在 0 到 {score_number(row.points)} 之间"
        one.showErrorMessage = True
        ws.add_data_validation(one)
        one.add(f"{COLUMN['score']}{r}")
        if row.has_clause:
            clauses.add(f"{COLUMN['clause']}{r}")
    for col, width in enumerate(WIDTHS, 1):
        ws.column_dimensions[get_column_letter(col)].width = width
    ws.column_dimensions[COLUMN["version"]].hidden = True
    ws.protection.sheet = True  # no password: the locked columns guard against slips, not against a will
    end = FIRST + len(sheet.rows) - 1
    print_as_official_sheet(ws, title_rows=f"{FIRST - 1}:{FIRST - 1}", area=f"A1:F{end}", freeze=f"A{FIRST}")
    return workbook_bytes(wb)


def _score(value: float | None) -> Any:
    return None if value is None else score_number(value)


def read_fill_sheet(data: bytes, rubric: Rubric) -> list[Filled]:
    """Every indicator of the uploaded sheet, checked against the rubric; raise SheetProblems
    naming each bad cell (row and column), so that nothing is saved unless the whole sheet is valid."""
    if len(data) > MAX_BYTES:
        raise SheetProblems([_too_big()])
    unreadable = SheetProblems([UNREADABLE])
    try:
        with ZipFile(BytesIO(data)) as archive:
            bomb = too_large_unpacked(archive)
    except (BadZipFile, OSError, ValueError) as exc:
        raise unreadable from exc
    if bomb:
        raise SheetProblems([_bomb()])
    try:
        wb = load_workbook(BytesIO(data), data_only=True)
    except (BadZipFile, OSError, KeyError, ValueError) as exc:
        raise unreadable from exc
    if SHEET not in wb.sheetnames:
        raise SheetProblems([f"文件中没有名为“{SHEET}”的工作表：请上传从本平台下载的自评表"])
    ws = wb[SHEET]
    header = tuple(str(v or "").strip() for v in next(ws.iter_rows(min_row=FIRST - 1, max_row=FIRST - 1, values_only=True), ()))
    if header[: len(HEADERS)] != HEADERS:
        raise SheetProblems([f"第 {FIRST - 1} 行的表头已被修改：应为“{'、'.join(HEADERS)}”"])
    problems: list[str] = []
    found: list[Filled] = []
    seen: set[str] = set()
    for r, values in enumerate(ws.iter_rows(min_row=FIRST, max_col=len(HEADERS), values_only=True), FIRST):
        if all(v in (None, "") for v in values):
            continue
        row = _read_row(r, values, rubric, seen, problems)
        if row is not None:
            found.append(row)
    problems += [f"缺少指标 {i.code} 的行" for i in rubric.indicators if i.code not in seen]
    if problems:
        raise SheetProblems(problems)
    return found


def _at(r: int, column: str, what: str) -> str:
    return f"第 {r} 行 {COLUMN[column]} 列（{what}）"


def _read_row(r: int, values: tuple[Any, ...], rubric: Rubric, seen: set[str], problems: list[str]) -> Filled | None:
    code, text, points, score, clause, comment, version = (*values, *([None] * len(HEADERS)))[: len(HEADERS)]
    code = str(code or "").strip()
    if code not in rubric.index:
        problems.append(f"{_at(r, 'code', '编码')}：评估标准中没有指标“{code}”")
        return None
    if code in seen:
        problems.append(f"{_at(r, 'code', '编码')}：指标 {code} 出现了不止一次")
        return None
    seen.add(code)
    indicator = rubric.indicator(code)
    before = len(problems)
    if str(text or "").strip() != indicator.text:
        problems.append(f"{_at(r, 'text', '指标')}：指标 {code} 的内容与评估标准不一致（请勿修改）")
    if _number(points) != indicator.points:
        problems.append(f"{_at(r, 'points', '分值')}：指标 {code} 的分值应为 {score_number(indicator.points)}（请勿修改）")
    try:
        value = parse_score(score, indicator.points, rubric.kind == "criteria")
    except WorkflowError as exc:  # the service's own wording of a bad score
        problems.append(f"{_at(r, 'score', '自评得分')}：{exc}")
        value = None
    met = _clause(r, code, clause, indicator.has_clause, problems)
    try:
        saved_version = int(version or 0)
    except (TypeError, ValueError):
        problems.append(f"{_at(r, 'version', '版本')}：已被修改（请重新下载自评表）")
        saved_version = 0
    if len(problems) > before:
        return None
    return Filled(code, value, met, str(comment or "").strip(), saved_version)


def _number(value: Any) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _clause(r: int, code: str, raw: Any, has_clause: bool, problems: list[str]) -> bool | None:
    text = str(raw or "").strip()
    if not has_clause:
        if text not in ("", "—"):
            problems.append(f"{_at(r, 'clause', '▲条款')}：指标 {code} 没有▲条款，请留空")
        return None
    if text in ("", "—"):
        return None
    if text not in (YES, NO):
        problems.append(f"{_at(r, 'clause', '▲条款')}：请填“{YES}”或“{NO}”，而不是“{text}”")
        return None
    return text == YES
