"""Score one school in plain Python: totals with caps, ★/▲ requirements, tier, fact checks.

These are the engine's lower pieces: the result types and the arithmetic. The way to the
next tier (:mod:`.path`) builds on them, and :func:`.school.score_school` composes the two;
this module imports neither, so the import graph has no circle.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from .facts import FactValue, violated
from .model import EPSILON, Indicator, Quota, Rubric, Tier


@dataclass(frozen=True)
class SchoolInput:
    school: str
    scores: Mapping[str, float]
    clauses: Mapping[str, bool] = field(default_factory=dict)
    facts: Mapping[str, FactValue] = field(default_factory=dict)
    applied_tier: str | None = None  # award at most this tier (glossary rule 8), if given


@dataclass(frozen=True)
class FactWarning:
    code: str
    check: str
    message: str


@dataclass(frozen=True)
class Step:
    """Raise one indicator from one score to another, and/or judge its clause as met."""

    code: str
    from_score: float
    to_score: float
    set_clause: bool = False


@dataclass(frozen=True)
class TierPath:
    """The way up (升级路径): the fewest indicators to raise for the school to reach ``target``."""

    target: str
    steps: tuple[Step, ...]
    reachable: bool = True


@dataclass(frozen=True)
class SchoolResult:
    school: str
    total: float
    area_totals: dict[str, float]
    subarea_totals: dict[str, float]
    tier: str | None  # the awarded tier; None is the rubric's "no tier"
    tier_name: str  # tier, or the rubric's name for no tier (未达标)
    uncapped_tier: str | None  # the tier the scores give before the applied-tier cap
    basic_met: tuple[str, ...]
    basic_missed: tuple[str, ...]
    demo_met: tuple[str, ...]
    demo_missed: tuple[str, ...]
    warnings: tuple[FactWarning, ...]
    next_tier: TierPath | None = None


def score_vector(rubric: Rubric, scores: Mapping[str, float]) -> list[float]:
    return [float(scores.get(ind.code, 0.0)) for ind in rubric.indicators]


def clause_vector(rubric: Rubric, clauses: Mapping[str, bool]) -> list[bool]:
    return [bool(clauses.get(ind.code, False)) for ind in rubric.indicators]


def _cap(value: float, cap: float | None) -> float:
    return value if cap is None else min(value, cap)


def totals(rubric: Rubric, vector: Sequence[float]) -> tuple[float, list[float], list[float]]:
    """Return (total, area totals, sub-area totals), each capped at its stated subtotal."""
    sub_totals: list[float] = []
    area_totals: list[float] = []
    k = 0
    for area in rubric.areas:
        area_sum = 0.0
        for sub in area.subareas:
            s = 0.0
            for _ in sub.indicators:
                s += vector[k]
                k += 1
            s = _cap(s, sub.cap)
            sub_totals.append(s)
            area_sum += s
        area_totals.append(_cap(area_sum, area.cap))
    return _cap(sum(area_totals), rubric.total_cap), area_totals, sub_totals


def required_score(rubric: Rubric, ind: Indicator) -> float:
    """The score an indicator needs for its own ★ or ▲ to count as met."""
    if ind.requirement == "basic":
        return ind.points * rubric.basic_share
    return ind.points


def requirement_met(
    rubric: Rubric, ind: Indicator, score: float, clause: bool, kind: str
) -> bool | None:
    """Whether the indicator's ``kind`` (basic/demo) requirement is met; None if it has none."""
    parts: list[bool] = []
    if ind.requirement == kind:
        parts.append(score >= required_score(rubric, ind) - EPSILON)
    if ind.clause_requirement == kind:
        parts.append(clause)
    return all(parts) if parts else None


def quota_met(quota: Quota, met: int, count: int) -> bool:
    if quota == "none":
        return True
    if quota == "all":
        return met == count
    return met >= quota


def tier_satisfied(tier: Tier, total: float, basic: tuple[int, int], demo: tuple[int, int]) -> bool:
    if tier.min_total is not None and total < tier.min_total - EPSILON:
        return False
    return quota_met(tier.basic, *basic) and quota_met(tier.demo, *demo)


def tier_rank(rubric: Rubric, total: float, basic: tuple[int, int], demo: tuple[int, int]) -> int:
    """The rank of the highest tier the school satisfies (0: none)."""
    for n, tier in enumerate(rubric.tiers):
        if tier_satisfied(tier, total, basic, demo):
            return len(rubric.tiers) - n
    return 0


def awarded_rank(rubric: Rubric, rank: int, applied_tier: str | None) -> int:
    if applied_tier is None:
        return rank
    return min(rank, rubric.tier_rank(applied_tier))


def fact_warnings(
    rubric: Rubric, vector: Sequence[float], facts: Mapping[str, FactValue]
) -> tuple[FactWarning, ...]:
    """Warn for each indicator that claims points its school's facts contradict."""
    if not facts:
        return ()
    out: list[FactWarning] = []
    for ind, score in zip(rubric.indicators, vector, strict=True):
        if score <= 0:
            continue
        for check in ind.checks:
            outcome = violated(check, facts)
            if outcome is not None:
                out.append(
                    FactWarning(
                        code=ind.code,
                        check=check.name,
                        message=(
                            f"{ind.code} 自评得分与学校数据不符：{check.name} 为 "
                            f"{outcome.value:g}，要求 {check.op} {outcome.limit:g}"
                        ),
                    )
                )
    return tuple(out)


def split_requirements(
    rubric: Rubric, vector: Sequence[float], clauses: Sequence[bool], kind: str
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(met, missed): the indicators whose ``kind`` (basic/demo) requirement is met or missed."""
    met: list[str] = []
    missed: list[str] = []
    for ind, score, clause in zip(rubric.indicators, vector, clauses, strict=True):
        ok = requirement_met(rubric, ind, score, clause, kind)
        if ok is True:
            met.append(ind.code)
        elif ok is False:
            missed.append(ind.code)
    return tuple(met), tuple(missed)


def evaluate_vector(
    rubric: Rubric, vector: Sequence[float], clauses: Sequence[bool]
) -> tuple[float, int]:
    """Return (total, tier rank) for one school's score and clause vectors."""
    total, _, _ = totals(rubric, vector)
    bm, bx = split_requirements(rubric, vector, clauses, "basic")
    dm, dx = split_requirements(rubric, vector, clauses, "demo")
    basic = (len(bm), len(bm) + len(bx))
    demo = (len(dm), len(dm) + len(dx))
    return total, tier_rank(rubric, total, basic, demo)


def build_result(
    rubric: Rubric,
    school: SchoolInput,
    *,
    vector: Sequence[float],
    clauses: Sequence[bool],
    total: float,
    area_totals: Sequence[float],
    sub_totals: Sequence[float],
    rank: int,
    basic: tuple[tuple[str, ...], tuple[str, ...]],
    demo: tuple[tuple[str, ...], tuple[str, ...]],
    path: TierPath | None,
) -> SchoolResult:
    uncapped = rubric.tier_by_rank(rank)
    awarded = rubric.tier_by_rank(awarded_rank(rubric, rank, school.applied_tier))
    subareas = [s for a in rubric.areas for s in a.subareas]
    return SchoolResult(
        school=school.school,
        total=total,
        area_totals={a.code: t for a, t in zip(rubric.areas, area_totals, strict=True)},
        subarea_totals={s.code: t for s, t in zip(subareas, sub_totals, strict=True)},
        tier=awarded.name if awarded else None,
        tier_name=awarded.name if awarded else rubric.no_tier,
        uncapped_tier=uncapped.name if uncapped else None,
        basic_met=basic[0],
        basic_missed=basic[1],
        demo_met=demo[0],
        demo_missed=demo[1],
        warnings=fact_warnings(rubric, vector, school.facts),
        next_tier=path,
    )
