"""Rubric files as Excel workbooks: export in the layout bureaus print, import them back.

Sheet 评估标准 is the table a bureau prints and edits (in Excel or WPS); 基本信息, 等级规则
and 条款与核查 carry what the printed table cannot show, so that
``import_rubric(export_rubric(r)) == r``. Import collects every problem, each naming its
sheet, row and column, because a bureau fixes a spreadsheet in one pass, not one error at a
time; it returns a rubric only when there is none.
"""

from __future__ import annotations

import json
import re
import zipfile
from io import BytesIO
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet
from pydantic import ValidationError

from campuseval.zipcheck import limit_text, too_large_unpacked

from .schema import RubricFile

TABLE, INFO, TIERS, EXTRAS = "评估标准", "基本信息", "等级规则", "条款与核查"
MARKS = {"basic": "★", "demo": "▲"}
REQUIREMENTS = {mark: req for req, mark in MARKS.items()}
DEFAULT_LABELS = {"area": "一级指标", "subarea": "二级指标", "indicator": "评估内容"}
TABLE_TAIL = ("分值", "编码", "要求")
INFO_COLS = ("项目", "内容", "依据")
TIER_COLS = ("等级", "最低总分", "★要求", "▲要求", "假定", "说明")
# fmt: off
EXTRA_COLS = ("编码", "类型", "要求", "名称", "表达式", "比较", "限值", "按学校数据", "分项限值",
              "原文", "假定", "说明")
CHECK_COLS = {"name": 4, "expr": 5, "op": 6, "limit": 7, "limit_by": 9, "text": 10,
              "assumed": 11, "note": 12}
INFO_KEYS = {"id": "编号", "name": "名称", "city": "城市", "year": "年份", "version": "版本",
             "kind": "类型", "source": "来源", "numbering": "编号方式", "total": "总分",
             "basic_share": "★得分比例", "no_tier": "未达标名称", "labels": "列标题",
             "forms": "表格用语", "notes": "注", "assumptions": "假定"}
# fmt: on
INFO_LABEL = {key: f"{zh}（{key}）" for key, zh in INFO_KEYS.items()}
# A row label is read in full ("编号（id）"), or as just its Chinese or its key.
INFO_LOOKUP = {v: k for k, zh in INFO_KEYS.items() for v in (INFO_LABEL[k], zh, k)}
NUMERALS = "一二三四五六七八九"
OPS = {"≥": ">=", "≤": "<=", "＞": ">", "＜": "<", "=": "==", "＝": "=="}
QUOTAS = {"全部": "all", "all": "all", "无": "none", "none": "none"}
YES_NO = {"是": True, "否": False, "": False}

AREA_PREFIX = re.compile(r"^[一二三四五六七八九十百零〇\d]+\s*[、.．]\s*")
SUB_PREFIX = re.compile(r"^[（(]\s*[一二三四五六七八九十百零〇\d]+\s*[)）]\s*")
CODE_PREFIX = re.compile(r"^([A-Za-z0-9][A-Za-z0-9.\-]*)(?:\s+|(?=[^\x00-\x7f]))(.+)$")
POINTS_SUFFIX = re.compile(r"^(.*?)\s*[（(]\s*(\d+(?:\.\d+)?)\s*分\s*[)）]$")
ITEM_NUMBER = re.compile(r"^\d+\s*[.．、]\s*")

Path = tuple[str | int, ...]
Data = dict[str, Any]
Value = str | int | float | None


class XlsxImportError(ValueError):
    """A workbook that cannot be read as a rubric; ``problems`` lists every reason."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def _num(x: float) -> int | float:
    """Whole points print as 2, not 2.0, as the source shows them."""
    return int(x) if float(x).is_integer() else x


def _numeral(n: int) -> str:
    """1 -> 一, 10 -> 十, 12 -> 十二, 21 -> 二十一; enough for any rubric's areas."""
    if not 0 < n < 100:
        return str(n)
    tens, ones = divmod(n, 10)
    head = "" if tens == 0 else "十" if tens == 1 else NUMERALS[tens - 1] + "十"
    return head + (NUMERALS[ones - 1] if ones else "")


# ---------------------------------------------------------------- export


THIN = Side(style="thin")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP = Alignment(wrap_text=True, vertical="center")


def _put(ws: Worksheet, row: int, col: int, value: Value) -> None:
    if value is None or value == "":
        return
    cell = ws.cell(row, col, value)
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"  # text such as "==" must not become a formula


def _grid(ws: Worksheet, header: int, widths: tuple[int, ...]) -> None:
    """Borders, wrapping, a bold frozen header and column widths for a finished sheet."""
    for i, width in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(i)].width = width
    for row in ws.iter_rows(min_row=header, max_col=len(widths)):
        for cell in row:
            cell.border = BORDER
            cell.alignment = WRAP
            if cell.row == header:
                cell.font = Font(bold=True)
                cell.alignment = Alignment(horizontal="center", vertical="center")
    ws.freeze_panes = f"A{header + 1}"


def _sheet(wb: Workbook, title: str, cols: tuple[str, ...], widths: tuple[int, ...],
           rows: list[list[Value]]) -> None:  # fmt: skip
    ws: Worksheet = wb.create_sheet(title)
    for r, values in enumerate([list[Value](cols), *rows], 1):
        for c, value in enumerate(values, 1):
            _put(ws, r, c, value)
    _grid(ws, 1, widths)


def _heading(prefix: str, title: str, points: float | None) -> str:
    return prefix + title + ("" if points is None else f"（{_num(points)}分）")


def _export_table(ws: Worksheet, rubric: RubricFile) -> None:
    """The printed table: one row per indicator, areas and sub-areas merged over their rows."""
    labels = {**DEFAULT_LABELS, **rubric.labels}
    positional = rubric.numbering == "positional"
    _put(ws, 1, 1, rubric.name)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=4)
    ws.cell(1, 1).font = Font(bold=True, size=14)
    ws.cell(1, 1).alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for c, head in enumerate([labels["area"], labels["subarea"], labels["indicator"], *TABLE_TAIL]):
        _put(ws, 2, c + 1, head)
    row = 3
    for ai, area in enumerate(rubric.areas, 1):
        prefix = f"{_numeral(ai)}、" if positional else f"{area.code} "
        _put(ws, row, 1, _heading(prefix, area.title, area.points))
        area_start = row
        for si, sub in enumerate(area.subareas, 1):
            prefix = f"（{_numeral(si)}）" if positional else f"{sub.code} "
            _put(ws, row, 2, _heading(prefix, sub.title, sub.points))
            sub_start = row
            for ii, ind in enumerate(sub.indicators, 1):
                mark = MARKS.get(ind.requirement or "", "")
                number = f"{ii}." if positional and ind.numbered else ""
                cells: list[Value] = [mark + number + ind.text, _num(ind.points), ind.code, mark]
                for c, value in enumerate(cells, 3):
                    _put(ws, row, c, value)
                row += 1
            if row - 1 > sub_start:
                ws.merge_cells(start_row=sub_start, start_column=2, end_row=row - 1, end_column=2)
        if row - 1 > area_start:
            ws.merge_cells(start_row=area_start, start_column=1, end_row=row - 1, end_column=1)
    _grid(ws, 2, (16, 18, 60, 7, 8, 5))
    for r in range(3, row):
        ws.cell(r, 3).alignment = Alignment(wrap_text=True, vertical="top")
        for c in (4, 5, 6):
            ws.cell(r, c).alignment = Alignment(horizontal="center", vertical="center")
    ws.print_title_rows = "1:2"
    ws.print_area = f"A1:D{row - 1}"  # the machine columns 编码/要求 stay off paper
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)


def export_rubric(rubric: RubricFile) -> bytes:
    """An .xlsx workbook of ``rubric``; :func:`import_rubric` reads it back equal."""
    wb = Workbook()
    wb.remove(wb.worksheets[0])
    _export_table(wb.create_sheet(TABLE), rubric)
    info: list[list[Value]] = []
    for key in INFO_KEYS:
        value = getattr(rubric, key)
        if key == "labels":
            info.append([INFO_LABEL[key], json.dumps(value, ensure_ascii=False)])
        elif key == "forms":  # blank: the default words (docs/rubric-format.md)
            info.append([INFO_LABEL[key], json.dumps(value.model_dump(), ensure_ascii=False) if value else None])
        elif key == "notes":
            info += [[INFO_LABEL[key], note] for note in value]
        elif key == "assumptions":
            info += [[INFO_LABEL[key], a.text, a.source] for a in value]
        else:
            info.append([INFO_LABEL[key], _num(value) if isinstance(value, float) else value])
    _sheet(wb, INFO, INFO_COLS, (28, 60, 30), info)
    quota = {"all": "全部", "none": "无"}
    tiers: list[list[Value]] = [
        [t.name, None if t.min_total is None else _num(t.min_total), quota.get(str(t.basic),
         t.basic), quota.get(str(t.demo), t.demo), "是" if t.assumed else "否", t.note]
        for t in rubric.tiers
    ]  # fmt: skip
    _sheet(wb, TIERS, TIER_COLS, (12, 10, 10, 10, 6, 50), tiers)
    extras: list[list[Value]] = []
    for ind in rubric.all_indicators():
        if ind.clause:
            extras.append([ind.code, "条款", MARKS[ind.clause.requirement], *[None] * 6,
                           ind.clause.text])  # fmt: skip
        for c in ind.checks:
            by = json.dumps({k: _num(v) for k, v in c.limit_by.values.items()},
                            ensure_ascii=False) if c.limit_by else None  # fmt: skip
            extras.append([ind.code, "核查", None, c.name, c.expr, c.op,
                           None if c.limit is None else _num(c.limit),
                           c.limit_by.fact if c.limit_by else None, by, c.text,
                           "是" if c.assumed else "否", c.note])  # fmt: skip
    _sheet(wb, EXTRAS, EXTRA_COLS, (9, 6, 6, 18, 30, 6, 8, 10, 24, 40, 6, 40), extras)
    out = BytesIO()
    wb.save(out)
    return out.getvalue()


# ---------------------------------------------------------------- import


class _Log:
    """Every problem found, and where each part of the assembled data came from."""

    def __init__(self) -> None:
        self.problems: list[str] = []
        self.cells: set[tuple[str, int, int | None]] = set()  # (sheet, row, column) reported
        self.rows: set[tuple[str, int]] = set()
        self.where: dict[Path, tuple[_Sheet, int, dict[str, int], int | None]] = {}
        self.broken = False  # a sheet could not be read at all: skip the final validation
        self.duplicates = False

    def pydantic(self, error: Any) -> None:
        """One validation error, placed on the cell it came from where that is known."""
        loc: Path = tuple(error["loc"])
        msg = str(error["msg"]).removeprefix("Value error, ")
        for n in range(len(loc), 0, -1):
            if loc[:n] in self.where:
                sh, row, cols, default = self.where[loc[:n]]
                field = loc[n] if n < len(loc) else None
                col = cols.get(field, default) if isinstance(field, str) else default
                # Skip what follows from a problem already reported (a bad cell left out).
                seen = {(sh.name, row, col), (sh.name, row, None)} & self.cells
                if not seen and (col is not None or (sh.name, row) not in self.rows):
                    sh.problem(row, col, msg)
                return
        if not loc:
            parts = [
                p for p in msg.split("；") if not (self.duplicates and p.startswith("编码重复"))
            ]
            if parts:
                self.problems.append("整体：" + "；".join(parts))
            return
        sheet = {"tiers": TIERS, "areas": TABLE}.get(str(loc[0]), INFO)
        self.problems.append(f"{sheet} {INFO_LABEL.get(str(loc[0]), loc[0])}：{msg}")


class _Sheet:
    """Cell access for one sheet, with merged cells resolved and problems located."""

    def __init__(self, ws: Worksheet, cols: tuple[str, ...], log: _Log) -> None:
        self.ws, self.name, self.cols, self.log = ws, ws.title, cols, log
        self.merged: dict[tuple[int, int], object] = {}
        for rng in ws.merged_cells.ranges:
            value = ws.cell(rng.min_row, rng.min_col).value
            for r in range(rng.min_row, rng.max_row + 1):
                for c in range(rng.min_col, rng.max_col + 1):
                    self.merged[(r, c)] = value

    def problem(self, row: int | None, col: int | None, msg: str) -> None:
        where = self.name + (f" 第{row}行" if row else "")
        if col:
            where += f" {get_column_letter(col)}列（{self.cols[col - 1]}）"
        self.log.problems.append(f"{where}：{msg}")
        self.log.cells.add((self.name, row or 0, col))
        self.log.rows.add((self.name, row or 0))

    def raw(self, row: int, col: int) -> object:
        return self.merged.get((row, col), self.ws.cell(row, col).value)

    def text(self, row: int, col: int) -> str:
        value = self.raw(row, col)
        if value is None:
            return ""
        return str(_num(value) if isinstance(value, float) else value).strip()

    def rows(self, start: int) -> list[int]:
        """Rows from ``start`` with anything in them (blank rows are skipped)."""
        return [
            r
            for r in range(start, self.ws.max_row + 1)
            if any(self.text(r, c) for c in range(1, len(self.cols) + 1))
        ]

    def header(self, row: int) -> None:
        for c, want in enumerate(self.cols, 1):
            if self.text(row, c) != want:
                self.problem(row, c, f"表头应为“{want}”，实为“{self.text(row, c)}”")

    def number(self, row: int, col: int, *, required: bool, negative: bool = False) -> float | None:
        value = self.raw(row, col)
        if isinstance(value, str) and re.fullmatch(r"\s*-?\d+(\.\d+)?\s*", value):
            value = float(value)
        if value is None or value == "":
            if required:
                self.problem(row, col, "缺少数值")
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.problem(row, col, f"不是数字：{self.text(row, col)!r}")
            return None
        if value < 0 and not negative:
            self.problem(row, col, f"不能为负数：{_num(value)}")
            return None
        return float(value)

    def choice(self, row: int, col: int, options: dict[str, Any], hint: str) -> Any:
        raw = self.raw(row, col)
        key = ("是" if raw else "否") if isinstance(raw, bool) else self.text(row, col)
        if key not in options:
            self.problem(row, col, f"应为 {hint}：{key!r}")
        return options.get(key)

    def json(self, row: int, col: int) -> Any:
        try:
            return json.loads(self.text(row, col))
        except ValueError:
            self.problem(row, col, f"不是有效的 JSON：{self.text(row, col)!r}")
            return None


def _parse_info(sh: _Sheet) -> Data:
    """The file's header, notes and assumptions; a blank value means the default."""
    sh.header(1)
    data: Data = {"notes": [], "assumptions": []}
    for r in sh.rows(2):
        key, value = INFO_LOOKUP.get(sh.text(r, 1)), sh.text(r, 2)
        if key is None:
            known = "、".join(INFO_LABEL.values())
            sh.problem(r, 1, f"未知的项目：{sh.text(r, 1)!r}（应为 {known}）")
            continue
        if key in ("notes", "assumptions"):
            sh.log.where[(key, len(data[key]))] = (sh, r, {"text": 2, "source": 3}, 2)
            data[key].append(value if key == "notes" else {"text": value, "source": sh.text(r, 3)})
            continue
        if (key,) in sh.log.where:
            sh.problem(r, 1, f"重复的项目：{sh.text(r, 1)}")
            continue
        sh.log.where[(key,)] = (sh, r, {}, 2)
        if not value:
            continue
        if key in ("year", "version", "total", "basic_share"):
            x = sh.number(r, 2, required=True)
            if x is not None and key in ("year", "version") and not x.is_integer():
                sh.problem(r, 2, f"应为整数：{value}")
            data[key] = x if x is None or key in ("total", "basic_share") else int(x)
        elif key in ("labels", "forms"):
            data[key] = words = sh.json(r, 2)
            if words is not None and not (
                isinstance(words, dict) and all(isinstance(v, str) for v in words.values())
            ):
                example = '{"area": "一级指标"}' if key == "labels" else '{"unit": "区县"}'
                sh.problem(r, 2, f"{INFO_KEYS[key]}应为 JSON 对象，如 {example}")
        else:
            data[key] = value
    return {k: v for k, v in data.items() if v is not None}


def _head(sh: _Sheet, r: int, c: int, coded: bool, prefix: re.Pattern[str]) -> Data:
    """An area or sub-area cell: "一、基础环境（26分）", "（一）校园网络" or "A1 智慧管理"."""
    text, out = sh.text(r, c), dict[str, Any]()
    if coded:
        m = CODE_PREFIX.match(text)
        if m is None:
            sh.problem(r, c, f"应以编码开头，如“A1 名称”：{text!r}")
            return out
        out["code"], text = m.group(1), m.group(2).strip()
    else:
        text = prefix.sub("", text, count=1)
    m = POINTS_SUFFIX.match(text)
    if m:
        text, out["points"] = m.group(1), float(m.group(2))
    if text:
        out["title"] = text
    else:
        sh.problem(r, c, "缺少名称")
    return out


def _parse_table(sh: _Sheet, data: Data) -> dict[str, tuple[Path, Data]] | None:
    """The tree from the printed table; returns the indicators by code, for the other sheets.

    A new area (sub-area) starts where the cell's text changes; a blank cell continues the one
    above, so merged cells, names repeated on every row and names only on the first row of
    an un-merged block all read the same.
    """
    coded = data.get("numbering") == "coded"
    header = next((r for r in range(1, 6) if sh.text(r, 4) == "分值"), None)
    if header is None:
        sh.problem(2, None, f"找不到表头行（应为 {' | '.join(sh.cols)}）")
        sh.log.broken = True
        return None
    sh.header(header)
    areas: list[Data] = []
    seen: dict[str, int] = {}
    indicators: dict[str, tuple[Path, Data]] = {}

    def claim(item: Data, r: int, col: int) -> None:
        code = item.get("code")
        if code and code in seen:
            sh.problem(r, col, f"编码重复：{code}（第{seen[code]}行已用）")
            sh.log.duplicates = True
        elif code:
            seen[code] = r

    area_cell = sub_cell = ""
    for r in sh.rows(header + 1):
        if sh.text(r, 1) and sh.text(r, 1) != area_cell:
            area_cell, sub_cell = sh.text(r, 1), ""
            area = _head(sh, r, 1, coded, AREA_PREFIX)
            if not coded:
                area["code"] = f"{len(areas) + 1}"
            areas.append({**area, "subareas": []})
            sh.log.where[("areas", len(areas) - 1)] = (sh, r, {"subareas": 2}, 1)
            claim(areas[-1], r, 1)
        if not areas:
            sh.problem(r, 1, "上方没有一级指标")
            continue
        a, subs = len(areas) - 1, areas[-1]["subareas"]
        if sh.text(r, 2) and sh.text(r, 2) != sub_cell:
            sub_cell = sh.text(r, 2)
            sub = _head(sh, r, 2, coded, SUB_PREFIX)
            if not coded:
                sub["code"] = f"{a + 1}.{len(subs) + 1}"
            subs.append({**sub, "indicators": []})
            sh.log.where[("areas", a, "subareas", len(subs) - 1)] = (sh, r, {"indicators": 3}, 2)
            claim(subs[-1], r, 2)
        if not subs:
            sh.problem(r, 2, "上方没有二级指标")
            continue
        items: list[Data] = subs[-1]["indicators"]
        path: Path = ("areas", a, "subareas", len(subs) - 1, "indicators", len(items))
        ind = _indicator(sh, r, coded, f"{a + 1}.{len(subs)}.{len(items) + 1}")
        items.append(ind)
        sh.log.where[path] = (sh, r, {"code": 5, "text": 3, "points": 4, "requirement": 6}, None)
        claim(ind, r, 5)
        if ind["code"]:
            indicators.setdefault(ind["code"], (path, ind))
    data["areas"] = areas
    return indicators


def _indicator(sh: _Sheet, r: int, coded: bool, position: str) -> Data:
    """One indicator row: marker and item number stripped from the text, the machine columns."""
    ind: Data = {"checks": []}
    mark = sh.text(r, 6)
    if mark and mark not in REQUIREMENTS:
        sh.problem(r, 6, f"未知的标记：{mark!r}（应为 ★、▲ 或留空）")
    ind["requirement"] = REQUIREMENTS.get(mark)
    text = sh.text(r, 3)
    shown = text[:1] if text[:1] in REQUIREMENTS else ""
    if shown != mark and mark in ("", *REQUIREMENTS):
        sh.problem(r, 3, f"评估内容标着“{shown or '无标记'}”，要求列却是“{mark or '空'}”")
    text = text[len(shown) :].lstrip()
    if not coded:
        numbered = ITEM_NUMBER.match(text)
        ind["numbered"] = numbered is not None
        text = text[numbered.end() :] if numbered else text
    if text:
        ind["text"] = text
    else:
        sh.problem(r, 3, "评估内容为空")
    points = sh.number(r, 4, required=True)
    if points is not None:
        ind["points"] = points
    code = sh.text(r, 5)
    if coded and not code:
        sh.problem(r, 5, "缺少编码")
    elif not coded and code and code != position:
        sh.problem(r, 5, f"编码与位置不符：应为 {position}，实为 {code}")
    ind["code"] = code if coded else position
    return ind


def _parse_tiers(sh: _Sheet) -> list[Data]:
    """The tiers, highest first, as the rows stand."""
    sh.header(1)
    tiers: list[Data] = []
    quota_hint = "全部、无 或 非负整数"
    for r in sh.rows(2):
        sh.log.where[("tiers", len(tiers))] = (sh, r, {"name": 1, "min_total": 2, "note": 6}, None)
        tier: Data = {
            "name": sh.text(r, 1),
            "note": sh.text(r, 6),
            "min_total": sh.number(r, 2, required=False),
            "assumed": sh.choice(r, 5, YES_NO, "是 或 否"),
        }
        for key, col in (("basic", 3), ("demo", 4)):
            x = sh.raw(r, col)
            if isinstance(x, str) and x.strip().isdigit():
                x = int(x)
            if isinstance(x, int | float) and not isinstance(x, bool) and x >= 0 and x == int(x):
                tier[key] = int(x)
            else:
                tier[key] = sh.choice(r, col, QUOTAS, quota_hint)
        tiers.append({k: v for k, v in tier.items() if v is not None or k == "min_total"})
    return tiers


def _parse_extras(sh: _Sheet, indicators: dict[str, tuple[Path, Data]]) -> None:
    """Clauses and checks, attached to the indicators they name by code."""
    sh.header(1)
    for r in sh.rows(2):
        code, kind = sh.text(r, 1), sh.text(r, 2)
        if code not in indicators:
            sh.problem(r, 1, f"没有这个指标编码：{code!r}")
            continue
        path, ind = indicators[code]
        if kind == "条款":
            if "clause" in ind:
                sh.problem(r, 2, f"{code} 已有一条条款")
            clause = {
                "text": sh.text(r, 10),
                "requirement": sh.choice(r, 3, REQUIREMENTS, "★ 或 ▲"),
            }
            ind["clause"] = {k: v for k, v in clause.items() if v is not None}
            sh.log.where[(*path, "clause")] = (sh, r, {"requirement": 3, "text": 10}, None)
        elif kind == "核查":
            where = (*path, "checks", len(ind["checks"]))
            sh.log.where[where] = (sh, r, CHECK_COLS, None)
            check: Data = {k: sh.text(r, c) for k, c in CHECK_COLS.items() if c not in (7, 9)}
            check["op"] = OPS.get(check["op"], check["op"])
            check["assumed"] = sh.choice(r, 11, YES_NO, "是 或 否")
            check["limit"] = sh.number(r, 7, required=False, negative=True)
            if sh.text(r, 8) or sh.text(r, 9):
                values = sh.json(r, 9) if sh.text(r, 9) else None
                check["limit_by"] = {"fact": sh.text(r, 8), "values": values}
                sh.log.where[(*where, "limit_by")] = (sh, r, {"fact": 8, "values": 9}, 9)
            ind["checks"].append({k: v for k, v in check.items() if v is not None})
        else:
            sh.problem(r, 2, f"类型应为 条款 或 核查：{kind!r}")


def import_rubric(data: bytes) -> RubricFile:
    """The rubric in a workbook made by :func:`export_rubric` (and perhaps edited since).

    Raises :class:`XlsxImportError` listing every problem; nothing is returned partially.
    """
    try:
        with zipfile.ZipFile(BytesIO(data)) as archive:
            bomb = too_large_unpacked(archive)
    except Exception as exc:
        raise XlsxImportError(["文件不是有效的 .xlsx 工作簿"]) from exc
    if bomb:
        raise XlsxImportError([f"文件解压后超过 {limit_text()}，不像是评估标准工作簿"])
    try:
        wb = load_workbook(BytesIO(data), data_only=True)
    except Exception as exc:
        raise XlsxImportError(["文件不是有效的 .xlsx 工作簿"]) from exc
    log = _Log()
    found: dict[str, Worksheet] = {}
    for name in (TABLE, INFO, TIERS, EXTRAS):
        ws = wb[name] if name in wb.sheetnames else None
        if isinstance(ws, Worksheet):
            found[name] = ws
        else:
            log.problems.append(f"缺少工作表“{name}”")
            log.broken = True
    rubric: Data = {}
    if INFO in found:
        rubric = _parse_info(_Sheet(found[INFO], INFO_COLS, log))
    indicators = None
    if TABLE in found:
        given = rubric.get("labels")
        labels = {**DEFAULT_LABELS, **(given if isinstance(given, dict) else {})}
        cols = (labels["area"], labels["subarea"], labels["indicator"], *TABLE_TAIL)
        indicators = _parse_table(_Sheet(found[TABLE], cols, log), rubric)
    if TIERS in found:
        rubric["tiers"] = _parse_tiers(_Sheet(found[TIERS], TIER_COLS, log))
    if EXTRAS in found and indicators is not None:
        _parse_extras(_Sheet(found[EXTRAS], EXTRA_COLS, log), indicators)
    if not log.broken:
        try:
            result = RubricFile.model_validate(rubric)
        except ValidationError as exc:
            for error in exc.errors():
                log.pydantic(error)
        else:
            if not log.problems:
                return result
    raise XlsxImportError(log.problems)
