"""Shape an application's scores for the pages: the rubric tree with each indicator's row, and
the summary of what the scores give (totals, tier, missed ★/▲, fact warnings, the way up).

Shared by the school, county and expert pages. Each page passes its own rows and names the
field that holds its score (``self_score``, ``county_score`` or an expert row's ``score``); the
tree keeps the row itself too, so a page can show any other value of it.

    result = self_result(application, rows)
    tree = score_tree(application, rubric, rows, result=result)
    summary = score_summary(application, rubric, rows, result=result)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from typing import Any

from django.utils.translation import gettext as _

from campuseval.campaigns.models import Application
from campuseval.engine import SchoolResult, Step, TierPath
from campuseval.engine.model import Rubric as EngineRubric
from campuseval.engine.scoring import required_score
from campuseval.rubrics.models import Rubric
from campuseval.rubrics.presenters import IndicatorView, fmt, version_tree


def dom_id(code: str) -> str:
    """An id safe in CSS selectors: 1.3.3 -> 1-3-3 (the text keeps its own id, ind-1.3.3)."""
    return "".join(c if c.isalnum() else "-" for c in code)


def number(value: float | Decimal | None) -> str:
    """2.00 -> "2", 1.50 -> "1.5", a combined 1.6667 -> "1.67"; "" for none."""
    if value is None:
        return ""
    return f"{round(float(value), 2) + 0.0:g}"  # + 0.0: never "-0"


@dataclass(frozen=True)
class Choice:
    value: str
    label: str
    selected: bool


def score_choices(points: float, criteria: bool, value: Decimal | float | None) -> list[Choice]:
    """The scores one may give: 未评分, then 0 to the points in half points (达到/未达到 for criteria)."""
    current = number(value)
    if criteria:
        options = [("1", _("达到")), ("0", _("未达到"))]
    else:
        steps = int(round(points * 2))
        options = [(fmt(n / 2), _("%(n)s 分") % {"n": fmt(n / 2)}) for n in range(steps, -1, -1)]
    return [Choice("", _("未评分"), current == ""), *(Choice(v, label, v == current) for v, label in options)]


@dataclass(frozen=True)
class CodeLink:
    """An indicator named in the summary, linked to its place in the tree."""

    code: str
    dom_id: str
    text: str = ""


@dataclass
class ScoredIndicator:
    view: IndicatorView  # text parts with the clause apart, requirement, points, checks
    code: str
    dom_id: str
    points: float
    criteria: bool
    row: Any | None  # the page's row (IndicatorScore, ExpertScore ...) or None before any save
    value: Decimal | None
    clause_met: bool | None
    comment: str
    version: int
    done: bool
    requirement_missed: bool  # scored, but below what its own ★/▲ needs
    clause_missed: bool  # its ★/▲ clause judged not met
    warnings: list[str]
    evidence: list[Any] = field(default_factory=list)  # filled by the page (EvidenceLink rows)

    @cached_property
    def choices(self) -> list[Choice]:
        """Built when a row's form is drawn (a save's answer draws one row of the tree)."""
        return score_choices(self.points, self.criteria, self.value)

    @property
    def has_clause(self) -> bool:
        return self.view.clause_requirement is not None

    @property
    def value_text(self) -> str:
        return number(self.value)


@dataclass
class ScoredSubArea:
    code: str
    heading: str
    points: str | None  # the subtotal the source states
    total: str
    indicators: list[ScoredIndicator]


@dataclass
class ScoredArea:
    code: str
    dom_id: str
    heading: str
    points: str | None
    total: str
    subareas: list[ScoredSubArea]
    done: int
    count: int

    @property
    def complete(self) -> bool:
        return self.done == self.count


@dataclass(frozen=True)
class AreaTotalView:
    code: str
    dom_id: str
    heading: str
    total: str
    points: str | None
    done: int
    count: int


@dataclass(frozen=True)
class PathView:
    target: str
    reachable: bool
    count: int
    steps: list[CodeLink]  # text: "从 1 分提高到 2 分" (the code apart, to be linked)
    sentence: str  # the whole path in one sentence

    SHOWN = 8  # steps listed before the rest fold away

    @property
    def first(self) -> list[CodeLink]:
        return self.steps[: self.SHOWN]

    @property
    def rest(self) -> list[CodeLink]:
        return self.steps[self.SHOWN :]


@dataclass(frozen=True)
class ScoreSummary:
    criteria: bool
    total: str
    max_total: str
    unit: str
    area_totals: list[AreaTotalView]
    tier: str  # the tier awarded (at most the applied tier), or 未达标
    has_tier: bool
    uncapped_tier: str | None  # the tier the scores give before that cap
    capped: bool  # the scores give more than the applied tier
    applied_tier: str
    basic_missed: list[CodeLink]  # scored, and the ★ is missed
    demo_missed: list[CodeLink]
    basic_unscored: int  # ★ (▲) indicators not scored yet: missed too, until they are
    demo_unscored: int
    warnings: list[CodeLink]
    path: PathView | None
    done: int
    count: int
    unscored: list[CodeLink]

    @property
    def complete(self) -> bool:
        return self.done == self.count


def _rows_by_code(rows: Iterable[Any] | Mapping[str, Any]) -> dict[str, Any]:
    """Rows by indicator code, from a list of rows or a mapping already keyed by code."""
    if isinstance(rows, Mapping):
        return dict(rows)
    items: Iterable[Any] = rows
    return {row.code: row for row in items}


def _value(row: Any | None, name: str) -> Any:
    return getattr(row, name, None) if row is not None else None


def score_tree(
    application: Application,
    rubric: Rubric,
    rows: Iterable[Any] | Mapping[str, Any],
    *,
    result: SchoolResult | None = None,
    score_field: str = "self_score",
    comment_field: str = "comment",
    engine: EngineRubric | None = None,
) -> list[ScoredArea]:
    """The rubric's areas > sub-areas > indicators, each indicator with its row's values.

    ``result`` (the engine's result for the same rows) adds sub-area and area totals and the
    fact warnings of each indicator; without it the totals are blank.
    """
    engine = engine or rubric.engine_rubric()
    by_code = _rows_by_code(rows)
    criteria = engine.kind == "criteria"
    warnings: dict[str, list[str]] = {}
    if result is not None:
        for w in result.warnings:
            warnings.setdefault(w.code, []).append(w.message)
    areas: list[ScoredArea] = []
    for area in version_tree(rubric):
        subareas: list[ScoredSubArea] = []
        done = count = 0
        for sub in area.subareas:
            indicators = []
            for view in sub.indicators:
                ind = engine.indicator(view.code)
                row = by_code.get(view.code)
                value = _value(row, score_field)
                clause = _value(row, "clause_met")
                scored = value is not None
                indicators.append(
                    ScoredIndicator(
                        view=view,
                        code=view.code,
                        dom_id=dom_id(view.code),
                        points=ind.points,
                        criteria=criteria,
                        row=row,
                        value=value,
                        clause_met=clause,
                        comment=_value(row, comment_field) or "",
                        version=_value(row, "version") or 0,
                        done=scored,
                        requirement_missed=bool(
                            scored
                            and ind.requirement is not None
                            and float(value) < required_score(engine, ind) - 1e-9
                        ),
                        clause_missed=ind.has_clause and clause is False,
                        warnings=warnings.get(view.code, []),
                    )
                )
                done += scored
                count += 1
            subareas.append(
                ScoredSubArea(
                    code=sub.code,
                    heading=sub.heading,
                    points=sub.points,
                    total=number(result.subarea_totals.get(sub.code)) if result else "",
                    indicators=indicators,
                )
            )
        areas.append(
            ScoredArea(
                code=area.code,
                dom_id=dom_id(area.code),
                heading=area.heading,
                points=area.points,
                total=number(result.area_totals.get(area.code)) if result else "",
                subareas=subareas,
                done=done,
                count=count,
            )
        )
    return areas


def find_indicator(tree: list[ScoredArea], code: str) -> ScoredIndicator:
    for area in tree:
        for sub in area.subareas:
            for ind in sub.indicators:
                if ind.code == code:
                    return ind
    raise KeyError(code)


def step_detail(step: Step, criteria: bool) -> str:
    """What one step asks: "从 1 分提高到 2 分", "条款达成", "达到"."""
    parts = []
    if step.to_score > step.from_score:
        if criteria:
            parts.append(_("达到"))
        else:
            parts.append(
                _("从 %(a)s 分提高到 %(b)s 分") % {"a": fmt(step.from_score), "b": fmt(step.to_score)}
            )
    if step.set_clause:
        parts.append(_("条款达成"))
    return _("并").join(parts)


def step_text(step: Step, criteria: bool) -> str:
    """One step of the way up: "2.2.2 从 1 分提高到 2 分", "1.3.3 条款达成", "C3 达到"."""
    return f"{step.code} {step_detail(step, criteria)}"


def path_view(path: TierPath | None, criteria: bool) -> PathView | None:
    if path is None:
        return None
    steps = [CodeLink(s.code, dom_id(s.code), step_detail(s, criteria)) for s in path.steps]
    if not path.reachable:
        sentence = _("即使全部指标得满分也达不到 %(tier)s") % {"tier": path.target}
    else:
        sentence = _("要达到%(tier)s，最少需要提高 %(n)d 个指标：%(steps)s") % {
            "tier": path.target,
            "n": len(steps),
            "steps": "、".join(step_text(s, criteria) for s in path.steps),
        }
    return PathView(path.target, path.reachable, len(steps), steps, sentence)


def score_summary(
    application: Application,
    rubric: Rubric,
    rows: Iterable[Any] | Mapping[str, Any],
    *,
    result: SchoolResult,
    score_field: str = "self_score",
    engine: EngineRubric | None = None,
) -> ScoreSummary:
    """What the rows give: total, area totals, tier, missed ★/▲, warnings, the way up, progress."""
    engine = engine or rubric.engine_rubric()
    by_code = _rows_by_code(rows)
    criteria = engine.kind == "criteria"
    scored = {c for c, r in by_code.items() if _value(r, score_field) is not None}
    area_totals = []
    for area_view, area in zip(version_tree(rubric), engine.areas, strict=True):
        codes = [i.code for s in area.subareas for i in s.indicators]
        stated = area.cap if area.cap is not None else sum(i.points for s in area.subareas for i in s.indicators)
        area_totals.append(
            AreaTotalView(
                code=area.code,
                dom_id=dom_id(area.code),
                heading=area_view.heading,
                total=number(result.area_totals.get(area.code, 0.0)),
                points=fmt(stated),
                done=sum(1 for c in codes if c in scored),
                count=len(codes),
            )
        )
    if engine.total_cap is not None:
        max_total = engine.total_cap
    else:
        max_total = sum(float(a.points or 0) for a in area_totals)
    applied = application.applied_tier
    return ScoreSummary(
        criteria=criteria,
        total=number(result.total),
        max_total=fmt(max_total),
        unit=_("条") if criteria else _("分"),
        area_totals=area_totals,
        tier=result.tier_name,
        has_tier=result.tier is not None,
        uncapped_tier=result.uncapped_tier,
        capped=result.uncapped_tier is not None and result.uncapped_tier != result.tier,
        applied_tier=applied,
        basic_missed=[CodeLink(c, dom_id(c)) for c in result.basic_missed if c in scored],
        demo_missed=[CodeLink(c, dom_id(c)) for c in result.demo_missed if c in scored],
        basic_unscored=sum(1 for c in result.basic_missed if c not in scored),
        demo_unscored=sum(1 for c in result.demo_missed if c not in scored),
        warnings=[CodeLink(w.code, dom_id(w.code), w.message) for w in result.warnings],
        path=path_view(result.next_tier, criteria),
        done=len(scored & set(engine.index)),
        count=len(engine.indicators),
        unscored=[CodeLink(i.code, dom_id(i.code)) for i in engine.indicators if i.code not in scored],
    )
