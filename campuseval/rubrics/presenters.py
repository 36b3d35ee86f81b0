"""Shape rubrics for the pages: templates present what these functions prepare."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from campuseval.engine.facts import FACTS
from campuseval.rubricfile.check import check_rubric
from campuseval.rubricfile.schema import (
    AreaSpec,
    CheckSpec,
    IndicatorSpec,
    Quota,
    RubricFile,
    SubAreaSpec,
)

from .models import Rubric
from .selectors import rubric_search

MARKS = {"basic": "★", "demo": "▲"}
OPS = {"<=": "≤", ">=": "≥", "<": "<", ">": ">", "==": "="}
STAGES = ("小学", "初中", "高中", "九年一贯制", "十二年一贯制", "完全中学", "教学点")
ZH_DIGITS = "零一二三四五六七八九"


def fmt(x: float) -> str:
    return f"{x:g}"


def zh_number(n: int) -> str:
    """1 -> 一, 10 -> 十, 12 -> 十二, 23 -> 二十三 (the source's 一、/（一） numbering)."""
    if n < 10:
        return ZH_DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else ZH_DIGITS[tens]) + "十" + (ZH_DIGITS[ones] if ones else "")


@dataclass(frozen=True)
class TextPart:
    text: str
    match: bool = False  # contains the search query: shown highlighted


@dataclass(frozen=True)
class CheckView:
    name: str
    condition: str  # in words, with the facts' Chinese labels
    text: str
    assumed: bool
    note: str


@dataclass(frozen=True)
class IndicatorView:
    code: str
    requirement: str | None  # "basic" (★) or "demo" (▲) on the whole indicator
    points: str | None  # None for criteria, which are met or not
    before: list[TextPart]
    clause: list[TextPart]  # the ★/▲ clause inside the text, if any
    clause_requirement: str | None
    after: list[TextPart]
    checks: list[CheckView]


@dataclass(frozen=True)
class PairRow:
    basic: IndicatorView | None
    demo: IndicatorView | None


@dataclass(frozen=True)
class SubAreaView:
    code: str
    heading: str
    points: str | None  # the subtotal the source states
    warning: str | None  # the checker's note where the subtotal disagrees with its items
    indicators: list[IndicatorView]
    pairs: list[PairRow]  # criteria shown side by side (Weifang C | D); empty otherwise


@dataclass(frozen=True)
class AreaView:
    code: str
    heading: str
    points: str | None
    warning: str | None
    subareas: list[SubAreaView]


@dataclass(frozen=True)
class AreaTotal:
    heading: str
    value: str
    unit: str


@dataclass(frozen=True)
class TierView:
    name: str
    rules: list[str]
    assumed: bool
    note: str


@dataclass(frozen=True)
class RubricCard:
    """What the list shows of one rubric (its latest version)."""

    code: str
    version: int
    name: str
    city: str
    year: int | None
    kind: str
    kind_label: str
    indicator_count: int
    total: str  # "110" points, or the number of criteria
    total_unit: str
    total_stated: bool
    basic_count: int
    demo_count: int
    tiers: list[str]


@dataclass
class RubricPage:
    card: RubricCard
    rubric: Rubric
    versions: list[int]
    is_latest: bool
    labels: dict[str, str]
    source: str
    area_totals: list[AreaTotal]
    tiers: list[TierView]
    no_tier: str
    assumptions: list[tuple[str, str]]
    notes: list[str]
    warnings: list[str]
    tree: list[AreaView]
    columns: tuple[str, str]  # headings of the basic and demo columns of paired criteria
    coded: bool  # the source's own codes (A1/B1/C1) are shown beside the titles
    q: str = ""
    match_count: int = 0
    searched: bool = False
    export_filename: str = ""
    clause_count: int = 0  # ★/▲ clauses written inside other indicators


def _requirement_counts(rf: RubricFile) -> dict[str, int]:
    counts = {"basic": 0, "demo": 0, "basic_clause": 0, "demo_clause": 0}
    for ind in rf.all_indicators():
        if ind.requirement:
            counts[ind.requirement] += 1
        if ind.clause:
            counts[ind.clause.requirement] += 1
            counts[f"{ind.clause.requirement}_clause"] += 1
    return counts


def _subarea_total(sub: SubAreaSpec) -> float:
    return sub.points if sub.points is not None else sum(i.points for i in sub.indicators)


def _area_total(area: AreaSpec) -> float:
    if area.points is not None:
        return area.points
    return sum(_subarea_total(s) for s in area.subareas)


def rubric_card(rubric: Rubric, rf: RubricFile | None = None) -> RubricCard:
    rf = rf or rubric.rubric_file()
    counts = _requirement_counts(rf)
    indicators = rf.all_indicators()
    if rf.kind == "criteria":
        total, unit = str(len(indicators)), _("条标准")
    else:
        total = fmt(rf.total if rf.total is not None else sum(_area_total(a) for a in rf.areas))
        unit = _("分")
    return RubricCard(
        code=rubric.code,
        version=rubric.version,
        name=rf.name,
        city=rf.city,
        year=rf.year,
        kind=rf.kind,
        kind_label=str(Rubric.Kind(rf.kind).label),
        indicator_count=len(indicators),
        total=total,
        total_unit=unit,
        total_stated=rf.total is not None or rf.kind == "criteria",
        basic_count=counts["basic"],
        demo_count=counts["demo"],
        tiers=[t.name for t in rf.tiers],
    )


def _parts(text: str, q: str) -> list[TextPart]:
    """Split text so that every occurrence of q (any case) is its own highlighted part."""
    if not text:
        return []
    if not q:
        return [TextPart(text)]
    parts: list[TextPart] = []
    pos = 0
    for m in re.finditer(re.escape(q), text, flags=re.IGNORECASE):
        if m.start() > pos:
            parts.append(TextPart(text[pos : m.start()]))
        parts.append(TextPart(m.group(0), match=True))
        pos = m.end()
    if pos < len(text):
        parts.append(TextPart(text[pos:]))
    return parts


def _stage_rank(stage: str) -> int:
    # PostgreSQL's jsonb does not keep the file's key order: show stages in school order.
    return STAGES.index(stage) if stage in STAGES else len(STAGES)


def check_condition(check: CheckSpec) -> str:
    """A check in words: 学生数 / 学生用计算机及移动终端数 ≤ 小学 10，初中 8，高中 6."""
    expr = re.sub(r"[A-Za-z_][A-Za-z0-9_]*", lambda m: FACTS.get(m[0], m[0]), check.expr)
    expr = expr.replace("*", "×")
    if check.limit_by is not None:
        values = sorted(check.limit_by.values.items(), key=lambda kv: _stage_rank(kv[0]))
        limit = "，".join(f"{k} {fmt(v)}" for k, v in values)
    else:
        limit = fmt(check.limit or 0)
    return f"{expr} {OPS[check.op]} {limit}"


def _indicator(ind: IndicatorSpec, rf: RubricFile, q: str) -> IndicatorView:
    before, clause, after = ind.text, "", ""
    if ind.clause is not None:
        before, _sep, after = ind.text.partition(ind.clause.text)
        clause = ind.clause.text
        # The clause's badge stands in for the source's own ★/▲ just before it.
        before = before.removesuffix(MARKS[ind.clause.requirement])
    return IndicatorView(
        code=ind.code,
        requirement=ind.requirement,
        points=fmt(ind.points) if rf.kind == "points" else None,
        before=_parts(before, q),
        clause=_parts(clause, q),
        clause_requirement=ind.clause.requirement if ind.clause else None,
        after=_parts(after, q),
        checks=[
            CheckView(
                name=c.name,
                condition=check_condition(c),
                text=c.text,
                assumed=c.assumed,
                note=c.note,
            )
            for c in ind.checks
        ],
    )


def _pairs(indicators: list[IndicatorView]) -> list[PairRow]:
    """Criteria side by side where each number has one ★ and/or one ▲ item (C1 | D1)."""
    rows: dict[str, dict[str, IndicatorView]] = {}
    for ind in indicators:
        m = re.fullmatch(r"[A-Za-z]+(\d+)", ind.code)
        if m is None or ind.requirement is None:
            return []
        row = rows.setdefault(m[1], {})
        if ind.requirement in row:
            return []
        row[ind.requirement] = ind
    return [PairRow(basic=r.get("basic"), demo=r.get("demo")) for r in rows.values()]


def _columns(rf: RubricFile) -> tuple[str, str]:
    """Headings for paired criteria: the tier each column leads to (智慧校园标准 | …示范校标准)."""
    suffix = rf.labels.get("indicator", "")
    basic = next((t.name for t in reversed(rf.tiers) if t.demo == "none"), None)
    demo = next((t.name for t in rf.tiers if t.demo != "none"), None)
    if basic and demo:
        return f"{basic}{suffix}", f"{demo}{suffix}"
    return _("★ 基本要求"), _("▲ 示范要求")


_TREE_CACHE: dict[tuple[int, str], list[AreaView]] = {}


def version_tree(rubric: Rubric) -> list[AreaView]:
    """The whole tree of a stored version, unfiltered and without the checker's notes: what the
    score pages draw around their rows, built once per version and process (it parses every
    indicator's text; the views are frozen and hold no translated words)."""
    if rubric.pk is None:
        return rubric_tree(rubric.rubric_file(), "", {})
    key = (rubric.pk, rubric.content_hash)
    if key not in _TREE_CACHE:
        _TREE_CACHE[key] = rubric_tree(rubric.rubric_file(), "", {})
    return _TREE_CACHE[key]


def rubric_tree(rf: RubricFile, q: str, warnings: dict[str, str]) -> list[AreaView]:
    wanted = {i.code for i in rubric_search(rubric_file=rf, q=q)} if q else None
    positional = rf.numbering == "positional"
    areas: list[AreaView] = []
    for an, area in enumerate(rf.areas, start=1):
        subareas: list[SubAreaView] = []
        for sn, sub in enumerate(area.subareas, start=1):
            views = [
                _indicator(i, rf, q) for i in sub.indicators if wanted is None or i.code in wanted
            ]
            if not views:
                continue
            subareas.append(
                SubAreaView(
                    code=sub.code,
                    heading=f"（{zh_number(sn)}）{sub.title}" if positional else sub.title,
                    points=fmt(sub.points) if sub.points is not None else None,
                    warning=warnings.get(sub.code),
                    indicators=views,
                    pairs=[] if positional else _pairs(views),
                )
            )
        if subareas:
            areas.append(
                AreaView(
                    code=area.code,
                    heading=f"{zh_number(an)}、{area.title}" if positional else area.title,
                    points=fmt(area.points) if area.points is not None else None,
                    warning=warnings.get(area.code),
                    subareas=subareas,
                )
            )
    return areas


def _quota(quota: Quota, mark: str, what: str, available: int) -> str | None:
    if quota == "none" or available == 0:
        return None
    if quota == "all":
        return _("全部 %(mark)s %(what)s（%(n)d 项）") % {
            "mark": mark,
            "what": what,
            "n": available,
        }
    return _("至少 %(n)d 项 %(mark)s %(what)s") % {"n": quota, "mark": mark, "what": what}


def _tiers(rf: RubricFile, counts: dict[str, int]) -> list[TierView]:
    tiers: list[TierView] = []
    for t in rf.tiers:
        rules = [
            _("总分 ≥ %(n)s 分") % {"n": fmt(t.min_total)} if t.min_total is not None else None,
            _quota(t.basic, "★", _("基本要求"), counts["basic"]),
            _quota(t.demo, "▲", _("示范要求"), counts["demo"]),
        ]
        tiers.append(
            TierView(
                name=t.name,
                rules=[r for r in rules if r] or [_("无附加条件")],
                assumed=t.assumed,
                note=t.note,
            )
        )
    return tiers


def _area_totals(rf: RubricFile) -> list[AreaTotal]:
    totals: list[AreaTotal] = []
    for area in rf.areas:
        if rf.kind == "criteria":
            n = sum(len(s.indicators) for s in area.subareas)
            totals.append(AreaTotal(heading=area.title, value=str(n), unit=_("条")))
        else:
            totals.append(AreaTotal(heading=area.title, value=fmt(_area_total(area)), unit=_("分")))
    return totals


def export_filename(rubric: Rubric) -> str:
    """泰州市中小学智慧校园建设评估细则（2022版）.xlsx; later versions name their number."""
    if rubric.version == 1:
        return f"{rubric.name}.xlsx"
    return f"{rubric.name}（第{rubric.version}版）.xlsx"


def rubric_page(rubric: Rubric, *, versions: list[int], q: str = "") -> RubricPage:
    """Everything the detail page shows of one version, the tree filtered by q."""
    rf = rubric.rubric_file()
    q = q.strip()
    warnings = check_rubric(rf).warnings
    by_code = {w.split(" ", 1)[0]: w for w in warnings}
    tree = rubric_tree(rf, q, by_code)
    counts = _requirement_counts(rf)
    return RubricPage(
        card=rubric_card(rubric, rf),
        rubric=rubric,
        versions=versions,
        is_latest=not versions or rubric.version == versions[0],
        labels=rf.labels,
        source=rf.source,
        area_totals=_area_totals(rf),
        tiers=_tiers(rf, counts),
        no_tier=rf.no_tier,
        assumptions=[(a.text, a.source) for a in rf.assumptions],
        notes=rf.notes,
        warnings=warnings,
        tree=tree,
        columns=_columns(rf),
        coded=rf.numbering == "coded",
        q=q,
        searched=bool(q),
        match_count=sum(len(s.indicators) for a in tree for s in a.subareas),
        export_filename=export_filename(rubric),
        clause_count=counts["basic_clause"] + counts["demo_clause"],
    )
