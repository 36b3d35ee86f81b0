"""The official forms as the bureaus file them: pure functions from the shapes below to bytes
(.xlsx with openpyxl, .docx with python-docx). Nothing here reads the database or imports
Django; ``selectors`` builds the shapes from what the viewer may see.

Every form: A4, print titles where a table runs over pages, fitted to width, borders on every
cell (merged ranges included), text cells through ``safe_cell``, and in Word the Chinese font
declared for the East Asian slot (``w:eastAsia``: python-docx sets only the Latin one).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from campuseval.exporting import (
    Align,
    Box,
    Form,
    Value,
    Words,
    form_docx,
    form_xlsx,
    printed,
    runs,
    table_boxes,
)


@dataclass(frozen=True)
class ApplicationForm:
    """附件2 申报表: one A4 page."""

    title: str  # 泰州市中小学智慧校园申报表
    school: str
    phone: str  # the school's 联系电话 (first row)
    head: str  # 负责人
    head_phone: str  # 负责人's 联系电话 (second row)
    classes: int | None
    students: int | None
    teachers: int | None
    tiers: tuple[str, ...]  # the rubric's tiers, highest first: 示范型, 优秀型, 合格型
    applied: str  # the tier ticked (☑); the others □
    highlights: str
    words: Words = Words()


@dataclass(frozen=True)
class SheetRow:
    """One scored row of a score sheet: its labels (one per level shown, highest first),
    points, score (None: blank) and note."""

    labels: tuple[str, ...]
    points: float
    score: float | None = None
    note: str = ""


@dataclass(frozen=True)
class ScoreSheet:
    """附件3 自评表 (Taizhou: two levels, 评价项目 with its points | 主要指标), or any rubric as
    the score sheet of its own levels (three for Zibo): consecutive equal labels of a level are
    one merged cell."""

    title: str  # 泰州市中小学智慧校园评估检查验收自评表
    head: str  # 市(区)：海陵区　　学校：…（盖章）
    columns: tuple[str, ...]  # the level columns, then 分值, then the score's and the note's
    rows: tuple[SheetRow, ...]
    total_label: str = "自评总得分"
    total: float | None = None  # None: "自评总得分：        分" left blank


@dataclass(frozen=True)
class ExpertRow:
    code: str
    text: str
    points: float
    mark: str  # ★, ▲ or empty
    score: float | None
    judgement: str  # for a ★/▲ indicator or clause: 达到 / 未达到 / empty
    comment: str


@dataclass(frozen=True)
class ExpertSheet:
    """评审打分表: one expert, one school."""

    title: str  # <campaign> 专家评审打分表
    campaign: str
    school: str
    county: str
    expert: str
    rows: tuple[ExpertRow, ...]
    total: float | None
    words: Words = Words()


@dataclass(frozen=True)
class ResultRow:
    tier: str
    county: str
    school: str
    total: float | None


@dataclass(frozen=True)
class ResultsList:
    """认定结果名单: by tier (highest first), then county, then school."""

    title: str  # <campaign> 认定结果名单
    city: str
    published: str  # the date published (2022年12月20日) or empty
    rows: tuple[ResultRow, ...]
    words: Words = Words()


# --- 附件2 申报表 ------------------------------------------------------------------------------

APPLICATION_WIDTHS = (19, 12, 11, 12, 13, 19)
HIGHLIGHT_LINES = 19  # the 亮点特色 cell's height in lines: the text, then room to the stamp
HIGHLIGHT_LINE_CHARS = 33  # characters on one of its lines at 小四 (12 pt)
APPLICATION_ROW_CM = 1.1  # the rows' least height: a form to fill in
OPINION_SPACE = 5  # blank lines an opinion cell leaves to write in


def _ticked(tiers: tuple[str, ...], applied: str) -> str:
    """A box before each tier, the applied one ticked: ☑示范型    □优秀型    □合格型."""
    return "    ".join(("☑" if tier == applied else "□") + tier for tier in tiers)


def _room_under(highlights: str) -> int:
    """Blank lines under the highlights so that the cell keeps its height on the page."""
    lines = sum(max(1, math.ceil(len(line) / HIGHLIGHT_LINE_CHARS)) for line in highlights.split("\n"))
    return max(1, HIGHLIGHT_LINES - lines)


def _opinion(row: int, label: str) -> Box:
    """A bureau's opinion: the full width, room to write, its stamp and date at the foot."""
    return Box(row, 0, label, cols=6, align="left", space=OPINION_SPACE, stamp=("（盖章）", "年   月   日"))


def _application(form: ApplicationForm) -> Form:
    words = form.words
    boxes = (
        Box(0, 0, "学校名称（盖章）"), Box(0, 1, form.school, cols=3), Box(0, 4, "联系电话"), Box(0, 5, form.phone),
        Box(1, 0, "负责人"), Box(1, 1, form.head, cols=3), Box(1, 4, "联系电话"), Box(1, 5, form.head_phone),
        Box(2, 0, "班 级 数"), Box(2, 1, form.classes), Box(2, 2, "学生人数"), Box(2, 3, form.students),
        Box(2, 4, "教师数"), Box(2, 5, form.teachers),
        Box(3, 0, "申报类型"), Box(3, 1, _ticked(form.tiers, form.applied), cols=5, align="left"),
        Box(4, 0, "\n".join("亮点特色")),
        Box(4, 1, form.highlights, cols=5, align="left", space=_room_under(form.highlights),
            stamp=("学校（盖章）", "年  月  日")),
        _opinion(5, f"{words.unit}教育局意见："),
        _opinion(6, f"{words.city_bureau}意见："),
    )
    return Form(
        title=form.title, widths=APPLICATION_WIDTHS, boxes=boxes, header_rows=0, sheet="申报表", size=12,
        row_cm=APPLICATION_ROW_CM,
    )


def application_form_docx(form: ApplicationForm) -> bytes:
    """附件2 申报表 on one A4 page, as the school stamps it and the bureaus write their opinions."""
    return form_docx(_application(form))


# --- 附件3 自评表 and a rubric's score sheet ------------------------------------------------------

POINTS_WIDTH, SCORE_WIDTH, NOTE_WIDTH = 8, 10, 20
SHEET_ROW_CM = 0.8  # Word: room to write a score by hand
LONG_LABEL = 20  # a level whose labels run longer reads left to right


def _level_boxes(rows: tuple[SheetRow, ...], level: int) -> list[Box]:
    """One box per run of equal consecutive labels of the level: the run's rows merged."""
    labels = [r.labels[level] if level < len(r.labels) else "" for r in rows]
    align: Align = "left" if any(len(label) > LONG_LABEL for label in labels) else "center"
    return [Box(1 + start, level, label, rows=length, align=align) for start, length, label in runs(labels)]


def _level_width(rows: tuple[SheetRow, ...], level: int) -> float:
    longest = max((len(r.labels[level]) for r in rows if level < len(r.labels)), default=0)
    return min(40, max(10, 2 * longest + 2))  # a Chinese character is two Excel characters wide


def _total_line(label: str, total: float | None) -> str:
    shown = " " * 7 if total is None else printed(total)
    return f"{label}：{shown} 分"


def _score_form(sheet: ScoreSheet) -> Form:
    levels = len(sheet.columns) - 3
    boxes = table_boxes(sheet.columns, [])
    for level in range(levels):
        boxes += _level_boxes(sheet.rows, level)
    for n, row in enumerate(sheet.rows, 1):
        boxes += [Box(n, levels, row.points), Box(n, levels + 1, row.score)]
        boxes.append(Box(n, levels + 2, row.note, align="left"))
    total = _total_line(sheet.total_label, sheet.total)
    boxes.append(Box(len(sheet.rows) + 1, 0, total, cols=len(sheet.columns), align="left"))
    widths = tuple(_level_width(sheet.rows, level) for level in range(levels))
    return Form(
        title=sheet.title, widths=(*widths, POINTS_WIDTH, SCORE_WIDTH, NOTE_WIDTH), boxes=tuple(boxes),
        lines=(sheet.head,), sheet="自评表", row_cm=SHEET_ROW_CM,
    )


def score_sheet_xlsx(sheet: ScoreSheet) -> bytes:
    """附件3 自评表 (or a rubric's score sheet) as one A4 portrait sheet, fitted to width."""
    return form_xlsx(_score_form(sheet))


def score_sheet_docx(sheet: ScoreSheet) -> bytes:
    """The same sheet in Word: A4 portrait, the header repeated on every page."""
    return form_docx(_score_form(sheet))


# --- 评审打分表 ----------------------------------------------------------------------------------

EXPERT_COLUMNS = ("序号", "指标编码", "评估内容", "分值", "得分", "★/▲ 判定", "评审意见")
EXPERT_WIDTHS = (6, 10, 60, 7, 7, 12, 30)
EXPERT_LEFT = (2, 6)  # 评估内容 and 评审意见 read left to right


def _expert_form(sheet: ExpertSheet) -> Form:
    values: list[tuple[Value, ...]] = [
        (n, r.code, f"{r.mark}{r.text}", float(r.points), r.score, r.judgement, r.comment)
        for n, r in enumerate(sheet.rows, 1)
    ]
    last = len(values) + 1
    boxes = table_boxes(EXPERT_COLUMNS, values, left=EXPERT_LEFT) + [
        Box(last, 0, "总分", cols=3, bold=True),
        Box(last, 3, float(sum(r.points for r in sheet.rows))),
        Box(last, 4, sheet.total),
        Box(last, 5, None, cols=2),
    ]
    return Form(
        title=sheet.title, widths=EXPERT_WIDTHS, boxes=tuple(boxes),
        lines=(f"{sheet.campaign}　　{sheet.words.unit}：{sheet.county}　　学校：{sheet.school}",),
        after=(f"评审专家：{sheet.expert}　　　　评审专家（签名）：__________　　　　日期：    年    月    日",),
        landscape=True, sheet="评审打分表",
    )


def expert_sheet_docx(sheet: ExpertSheet) -> bytes:
    """评审打分表 of one expert for one school: A4 landscape, the header repeated, signed by hand."""
    return form_docx(_expert_form(sheet))


def expert_sheet_xlsx(sheet: ExpertSheet) -> bytes:
    return form_xlsx(_expert_form(sheet))


# --- 认定结果名单 --------------------------------------------------------------------------------

RESULT_WIDTHS = (6, 12, 14, 36, 8)


def _count_line(rows: tuple[ResultRow, ...]) -> str:
    """共 5 所：示范型 2 所、优秀型 3 所 (the tiers in the list's order)."""
    tiers = [r.tier for r in rows]
    counts = "、".join(f"{tier} {tiers.count(tier)} 所" for tier in dict.fromkeys(tiers))
    return f"共 {len(rows)} 所" + (f"：{counts}" if counts else "")


def _results_form(lst: ResultsList) -> Form:
    """序号 | 认定等级 (merged over its schools) | the unit | 学校名称 | 总分 (left out when no row
    has one: the public list)."""
    totals = any(r.total is not None for r in lst.rows)
    columns = ("序号", "认定等级", lst.words.unit, "学校名称", *(("总分",) if totals else ()))
    boxes = table_boxes(columns, [])
    for n, r in enumerate(lst.rows, 1):
        boxes += [Box(n, 0, n), Box(n, 2, r.county), Box(n, 3, r.school, align="left")]
        boxes += [Box(n, 4, r.total)] if totals else []
    boxes += [Box(1 + start, 1, tier, rows=length) for start, length, tier in runs(r.tier for r in lst.rows)]
    line = f"{lst.city}　　公布日期：{lst.published}" if lst.published else lst.city
    return Form(
        title=lst.title, widths=RESULT_WIDTHS[: len(columns)], boxes=tuple(boxes), lines=(line,),
        after=(_count_line(lst.rows),), sheet="认定结果名单",
    )


def results_list_xlsx(lst: ResultsList) -> bytes:
    """认定结果名单 as one A4 portrait sheet: by tier, the tier merged over its schools."""
    return form_xlsx(_results_form(lst))


def results_list_docx(lst: ResultsList) -> bytes:
    return form_docx(_results_form(lst))
