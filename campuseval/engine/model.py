"""The rubric as the engine sees it: frozen dataclasses, no I/O, no Django."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Requirement = Literal["basic", "demo"]
# How many requirements of one kind a tier needs: every one, none, or at least N.
Quota = Literal["all", "none"] | int

# Totals are sums of half points or means of them; compare with a little slack so
# that 89.99999999 from a float sum still counts as 90.
EPSILON = 1e-9


@dataclass(frozen=True)
class Check:
    """A condition on school facts that an indicator claiming points should satisfy."""

    name: str
    expr: str  # arithmetic over fact names, e.g. "students / student_computers"
    op: Literal["<=", ">=", "<", ">", "=="]
    limit: float | None = None
    limit_by_fact: str | None = None  # e.g. "stage"
    limit_values: tuple[tuple[str, float], ...] = ()  # e.g. (("小学", 10), ("初中", 8))
    text: str = ""


@dataclass(frozen=True)
class Indicator:
    code: str
    text: str
    points: float
    requirement: Requirement | None = None
    clause_requirement: Requirement | None = None
    clause_text: str | None = None
    checks: tuple[Check, ...] = ()

    @property
    def has_clause(self) -> bool:
        return self.clause_requirement is not None


@dataclass(frozen=True)
class SubArea:
    code: str
    title: str
    cap: float | None
    indicators: tuple[Indicator, ...]

    @property
    def points(self) -> float:
        """The most it can give: its stated subtotal, else its indicators' points."""
        return self.cap if self.cap is not None else sum(i.points for i in self.indicators)


@dataclass(frozen=True)
class Area:
    code: str
    title: str
    cap: float | None
    subareas: tuple[SubArea, ...]

    @property
    def points(self) -> float:
        """The most it can give: its stated subtotal, else what its sub-areas give."""
        return self.cap if self.cap is not None else sum(s.points for s in self.subareas)


@dataclass(frozen=True)
class Tier:
    name: str
    min_total: float | None = None
    basic: Quota = "all"
    demo: Quota = "none"


@dataclass(frozen=True)
class Rubric:
    id: str
    name: str
    kind: Literal["points", "criteria"]
    areas: tuple[Area, ...]
    tiers: tuple[Tier, ...]  # highest first
    no_tier: str = "未达标"
    basic_share: float = 1.0
    total_cap: float | None = None
    indicators: tuple[Indicator, ...] = field(init=False, repr=False, compare=False)
    index: dict[str, int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        inds = tuple(i for a in self.areas for s in a.subareas for i in s.indicators)
        object.__setattr__(self, "indicators", inds)
        object.__setattr__(self, "index", {ind.code: n for n, ind in enumerate(inds)})

    def indicator(self, code: str) -> Indicator:
        return self.indicators[self.index[code]]

    def tier_rank(self, name: str | None) -> int:
        """0 for no tier, 1 for the lowest tier, len(tiers) for the highest."""
        if name is None:
            return 0
        names = [t.name for t in self.tiers]
        return len(names) - names.index(name)

    def tier_by_rank(self, rank: int) -> Tier | None:
        if not 0 < rank <= len(self.tiers):
            return None
        return self.tiers[len(self.tiers) - rank]
