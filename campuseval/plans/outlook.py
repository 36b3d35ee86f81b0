"""Where a target stands and what would close its gap: pure rules, no Django (issue 9).

Everything here takes plain values (ints, Decimals, Fractions, dates) and returns plain
values, so the rules can be tested without a database and read in one place.

Values and units
    A target, its baseline and the current value share one unit: schools (``所``), tasks
    (``个``), a KPI's unit, or percent points for a coverage share (``%``; 80 means 80%). Rates
    are whole percents rounded half up (:func:`percent_half_up`); pass a coverage's current
    value already rounded that way, so the page, the status and the gap agree.

Status of a target, in this order (first that applies):
    1. 已完成 DONE      the current value reaches the target (also after the due date);
    2. 逾期 OVERDUE     today is after the due date and the target is not reached;
    3. 预警 WARNING     the projection cannot reach the target by the due date:
                        with a pipeline, its *high* end stays below the target;
                        without one, the growth so far is under 60% of the growth still
                        needed (Open SDG's "limited progress" band, or worsening);
    4. 滞后 BEHIND      the current value is below 序时进度, the value expected today on a
                        straight line from the baseline at the start to the target at the due
                        date (rounded half up to the target's precision);
    5. 正常 ON_TRACK    otherwise.

Why 60% and not "the straight line cannot reach the target": a straight-line projection from
the baseline reaches the target exactly when the current value is on 序时进度, so that test
would turn every 滞后 into 预警. Open SDG's growth ratio (observed growth / growth needed)
keeps the two apart: from 95% the target is on track, 60-95% needs acceleration (滞后 when
below 序时进度), under 60% is limited progress and under 0 is worsening (预警). Open SDG uses
compound annual growth rates; counts here often start at 0, so the rates are linear (units per
day). Without elapsed time (today at or before the start) there is no growth to judge and
never a 预警 on no evidence: the status is 滞后 or 正常 by 序时进度.

The pipeline (学校在途): the schools now in a campaign at each stage, each times the last
campaign's pass rate from that stage; a binomial range mean ± 2·sqrt(Σ n·p·(1-p)). Pass one
only when the campaigns now running are the last to count before the due date; for a target
further out, pass none and the linear growth applies.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, localcontext
from enum import StrEnum
from fractions import Fraction
from typing import NamedTuple

Value = int | Decimal | Fraction

#: Open SDG growth-ratio bands (observed growth / growth still needed).
ON_TRACK_RATIO = Fraction(95, 100)
LIMITED_RATIO = Fraction(60, 100)


class Status(StrEnum):
    """A target's status; ``label`` is the word on the page, ``severity`` orders them."""

    DONE = "done"
    ON_TRACK = "on_track"
    BEHIND = "behind"
    WARNING = "warning"
    OVERDUE = "overdue"

    @property
    def label(self) -> str:
        return _LABELS[self]

    @property
    def light(self) -> str:
        return LIGHT[self]

    @property
    def severity(self) -> int:
        """0 (已完成) to 4 (逾期): higher is worse."""
        return _SEVERITY[self]


_LABELS = {
    Status.DONE: "已完成",
    Status.ON_TRACK: "正常",
    Status.BEHIND: "滞后",
    Status.WARNING: "预警",
    Status.OVERDUE: "逾期",
}
_SEVERITY = {s: n for n, s in enumerate(Status)}

#: Bootstrap colour names for the page (``text-bg-{light}``). Bootstrap has no orange class,
#: so 预警 shares ``danger`` with 逾期 and is told apart by its label. "Near the deadline"
#: (blue in 督查督办 systems) is not a status.
LIGHT: dict[Status, str] = {
    Status.DONE: "success",
    Status.ON_TRACK: "primary",
    Status.BEHIND: "warning",
    Status.WARNING: "danger",
    Status.OVERDUE: "dark",
}


# --- numbers ----------------------------------------------------------------------------------


def _frac(value: Value) -> Fraction:
    if isinstance(value, float):  # a float is never exact: refuse it rather than guess
        raise TypeError("use int, Decimal or Fraction, not float")
    return Fraction(value)


def _half_up(q: Fraction) -> int:
    """Nearest integer, halves away from zero (Decimal's ROUND_HALF_UP)."""
    n = math.floor(abs(q) + Fraction(1, 2))
    return n if q >= 0 else -n


def _to_places(q: Fraction, places: int, how: str = "half_up") -> Fraction:
    step = Fraction(10) ** places
    scaled = q * step
    n = _half_up(scaled) if how == "half_up" else math.ceil(scaled) if how == "ceil" else math.floor(scaled)
    return Fraction(n) / step


def _dec(q: Fraction, places: int) -> Decimal:
    """An already rounded Fraction (a multiple of 10**-places) as a Decimal."""
    return Decimal(q.numerator * 10**places // q.denominator).scaleb(-places)


def percent_half_up(part: Value, whole: Value) -> int | None:
    """``part`` of ``whole`` as a whole percent rounded half up; None when ``whole`` is 0.

    Exact for any ints, Decimals or Fractions (computed on Fractions, never on floats).
    (decomposition.py has the same rule; one of the two will import the other.)"""
    w = _frac(whole)
    if w == 0:
        return None
    return _half_up(_frac(part) * 100 / w)


def count_for_share(percent: Value, whole: int) -> int:
    """The fewest of ``whole`` schools whose share, rounded half up, reaches ``percent``."""
    if whole <= 0:
        return 0
    n = math.ceil((_frac(percent) - Fraction(1, 2)) * whole / 100)
    return min(max(n, 0), whole)


# --- 序时进度 ---------------------------------------------------------------------------------


def _expected(baseline: Fraction, target: Fraction, start: date, due: date, today: date) -> Fraction:
    if today >= due:
        return target
    if today <= start:
        return baseline
    return baseline + (target - baseline) * Fraction((today - start).days, (due - start).days)


def expected(baseline: Value, target: Value, start: date, due: date, today: date) -> Decimal:
    """序时进度: the value expected today on a straight line from ``baseline`` at ``start`` to
    ``target`` at ``due``; the baseline up to the start and the target from the due date on
    (the target wins when the two dates are the same).
    Unrounded (28 significant digits); :func:`assess` rounds it to the target's precision."""
    if due < start:
        raise ValueError("due date before the start")
    q = _expected(_frac(baseline), _frac(target), start, due, today)
    return Decimal(q.numerator) / Decimal(q.denominator)


# --- the pipeline -----------------------------------------------------------------------------


class Stage(NamedTuple):
    label: str  # e.g. 已提交, 已推荐, 已认定
    schools: int  # schools now at this stage
    pass_rate: Fraction | Decimal  # last campaign's share certified from this stage, in [0, 1]


@dataclass(frozen=True)
class Projection:
    """The value expected at the due date: ``mid`` and a range ``low``-``high``, in whole
    units of the target (schools, or percent points with a scale)."""

    low: int
    mid: int
    high: int


@dataclass(frozen=True)
class Pipeline:
    """Schools now in a campaign at each stage, with last campaign's pass rate from there.

    ``scale`` converts schools into the target's unit: 1 for counts, 100/population for a
    coverage share in percent (then the projection is in whole percent points)."""

    stages: Sequence[tuple[str, int, Fraction | Decimal]]
    scale: Fraction = Fraction(1)

    def __post_init__(self) -> None:
        stages = tuple(Stage(*s) for s in self.stages)
        for s in stages:
            if s.schools < 0:
                raise ValueError(f"{s.label}: negative count")
            if not 0 <= s.pass_rate <= 1:
                raise ValueError(f"{s.label}: pass rate outside [0, 1]")
        if self.scale <= 0:
            raise ValueError("scale must be positive")
        object.__setattr__(self, "stages", stages)

    @property
    def total(self) -> int:
        """Schools in the pipeline (Σ n)."""
        return sum(n for _label, n, _p in self.stages)

    @property
    def mean(self) -> Fraction:
        """Expected passes (Σ n·p), in schools."""
        return sum((n * Fraction(p) for _label, n, p in self.stages), Fraction(0))

    @property
    def variance(self) -> Fraction:
        """Σ n·p·(1-p), in schools squared (independent passes)."""
        return sum((n * Fraction(p) * (1 - Fraction(p)) for _label, n, p in self.stages), Fraction(0))

    def projection(self, current: Value) -> Projection:
        """``current`` plus the expected passes, with a range of two standard deviations.

        ``mid`` is rounded half up, ``low`` down and ``high`` up (the range never claims
        more certainty than it has); all lie in [current, ceil(current + scale·Σ n)]."""
        c = _frac(current)
        if c.denominator != 1:
            raise ValueError("a pipeline projects from a whole number")
        cap = math.ceil(c + self.scale * self.total)
        mid = c + self.scale * self.mean
        with localcontext() as ctx:
            ctx.prec = 50
            var = self.scale**2 * self.variance
            spread = 2 * (Decimal(var.numerator) / Decimal(var.denominator)).sqrt()
            mid_d = Decimal(mid.numerator) / Decimal(mid.denominator)
            low = math.floor(mid_d - spread)
            high = math.ceil(mid_d + spread)

        def clamp(n: int) -> int:
            return min(max(n, int(c)), cap)

        return Projection(low=clamp(low), mid=clamp(_half_up(mid)), high=clamp(high))


# --- the outlook ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Outlook:
    """A target's status and why, for the page (``reason`` is stored with the status)."""

    status: Status
    reason: str
    expected: Decimal | None = None  # 序时进度 today, rounded to the target's precision
    projection: Projection | None = None  # from the pipeline, when there is one
    projected: Decimal | None = None  # straight-line projection at the due date
    needed: Decimal = field(default=Decimal(0))  # how much more reaches the target (≥ 0)
    growth_ratio: Decimal | None = None  # observed / still-needed growth, 2 places

    @property
    def band(self) -> str | None:
        """Open SDG's words for the growth ratio, in Chinese."""
        return growth_band(self.growth_ratio)


def growth_band(ratio: Value | None) -> str | None:
    """进度正常 (≥ 0.95), 需要加速 (0.6-0.95), 进展有限 (0-0.6), 倒退 (< 0); None without a ratio."""
    if ratio is None:
        return None
    r = _frac(ratio)
    if r >= ON_TRACK_RATIO:
        return "进度正常"
    if r >= LIMITED_RATIO:
        return "需要加速"
    return "进展有限" if r >= 0 else "倒退"


def _show(q: Fraction, unit: str, places: int | None = None) -> str:
    """A value with its unit: ``12 所``, ``45%``; rounded half up to ``places`` when given."""
    if places is not None:
        q = _to_places(q, places)
    d = Decimal(q.numerator) / Decimal(q.denominator)
    text = f"{d.normalize():f}" if d != 0 else "0"
    return f"{text}%" if unit == "%" else f"{text} {unit}"


def assess(
    *,
    target: Value,
    current: Value,
    baseline: Value = 0,
    start: date,
    due: date,
    today: date,
    pipeline: Pipeline | None = None,
    unit: str = "所",
    higher_is_better: bool = True,
    places: int = 0,
) -> Outlook:
    """The status of one target today, with its reason (see the module's docstring).

    ``places`` is the target's precision: 序时进度, the projection and ``needed`` are rounded
    to it (0: whole schools, whole percents). With ``higher_is_better=False`` (e.g. students
    per computer) the target is reached from above; a pipeline only adds, so it needs
    ``higher_is_better``."""
    if due < start:
        raise ValueError("due date before the start")
    if pipeline is not None and not higher_is_better:
        raise ValueError("a pipeline only adds: it needs higher_is_better")
    t, c, b = _frac(target), _frac(current), _frac(baseline)
    s = 1 if higher_is_better else -1
    exp = _to_places(_expected(b, t, start, due, today), places)
    needed = max(Fraction(0), _to_places(s * (t - c), places, "ceil"))
    cur, goal, due_s = _show(c, unit), _show(t, unit), due.isoformat()

    if s * c >= s * t:
        return Outlook(
            Status.DONE, f"当前 {cur}，已达到目标 {goal}", expected=_dec(exp, places), needed=Decimal(0)
        )
    if today > due:
        return Outlook(
            Status.OVERDUE,
            f"已于 {due_s} 到期，当前 {cur}，距目标 {goal}还差 {_show(needed, unit, places)}",
            expected=_dec(exp, places),
            needed=_dec(needed, places),
        )

    elapsed, remaining = (today - start).days, (due - today).days
    ratio: Fraction | None = None
    projected: Fraction | None = None
    if elapsed > 0:
        projected = _to_places(c + (c - b) * Fraction(remaining, elapsed), places)
        if remaining > 0:
            ratio = (c - b) / (t - c) * Fraction(remaining, elapsed)
    projection = pipeline.projection(c) if pipeline is not None else None

    def outlook(status: Status, why: str) -> Outlook:
        return Outlook(
            status,
            why,
            expected=_dec(exp, places),
            projection=projection,
            projected=_dec(projected, places) if projected is not None else None,
            needed=_dec(needed, places),
            growth_ratio=_dec(_to_places(ratio, 2), 2) if ratio is not None else None,
        )

    tail = f"，达不到目标 {goal}（{due_s} 到期）"
    if pipeline is not None and projection is not None:
        if projection.high < t:
            if pipeline.total == 0:
                return outlook(Status.WARNING, f"当前 {cur}，目前没有在途申报{tail}")
            high, mid = _show(Fraction(projection.high), unit), _show(Fraction(projection.mid), unit)
            return outlook(
                Status.WARNING, f"当前 {cur}，按在途申报和上年通过率预测到期最多 {high}（预计 {mid}）{tail}"
            )
    elif ratio is not None and ratio < LIMITED_RATIO:
        assert projected is not None
        if ratio < 0:
            return outlook(Status.WARNING, f"当前 {cur}，较基线 {_show(b, unit)}倒退{tail}")
        return outlook(
            Status.WARNING,
            f"当前 {cur}，按目前增速到期约 {_show(projected, unit)}{tail}；"
            f"增速仅为所需的 {percent_half_up(ratio, 1)}%",
        )

    line = f"{_show(exp, unit)}（目标 {goal}，{due_s} 到期）"
    if s * c < s * exp:
        return outlook(Status.BEHIND, f"当前 {cur}，按序时进度应达 {line}")
    return outlook(Status.ON_TRACK, f"当前 {cur}，达到序时进度 {line}")


# --- the gap as action ------------------------------------------------------------------------


def zh_date(day: date, today: date | None = None) -> str:
    """``8 月 31 日``; with the year (``2027 年 1 月 15 日``) when not in today's year."""
    short = f"{day.month} 月 {day.day} 日"
    return short if today is None or today.year == day.year else f"{day.year} 年 {short}"


def gap_sentence(
    *,
    place: str,
    needed: int,
    unit: str,
    what: str,
    by: date | None,
    today: date | None = None,
    noun: str = "学校",
) -> str:
    """What would close a gap, e.g. ``定远县还需 3 所学校在 8 月 31 日前被推荐并通过认定``.

    Template: ``{place}还需 {needed} {unit}{noun}在 {date}前{action}``, where ``what`` is
    ``noun + action`` (a ``what`` not starting with ``noun`` is all action). Without ``by``:
    ``{place}还需 {needed} {unit}{what}``. The year shows when ``by`` is not in ``today``'s
    year (no ``today``: never). Nothing to close (``needed`` ≤ 0) gives an empty string."""
    if needed <= 0:
        return ""
    if by is None:
        return f"{place}还需 {needed} {unit}{what}"
    head, action = (noun, what[len(noun) :]) if noun and what.startswith(noun) else ("", what)
    return f"{place}还需 {needed} {unit}{head}在 {zh_date(by, today)}前{action}"


def shortfall_sentence(category: str, year: int, needed: int, unit: str) -> str:
    """A count plan's shortfall for a year, e.g. ``教学点智慧课堂：2021 年还差 4 个``."""
    if needed <= 0:
        return ""
    return f"{category}：{year} 年还差 {needed} {unit}"
