"""Reads of the plans for the dashboards: coverage against target by year and the plan board,
from the plans' own progress rules (``plans.progress``), for a day (today or a past one)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone

from campuseval.plans.models import Plan, Target
from campuseval.plans.progress import TargetProgress, measure, share_plans, target_progress

from .selectors import Scope

PUBLISHED = Q(plan__status=Plan.Status.PUBLISHED)


@dataclass
class CoverageLine:
    tier: str  # blank: any tier
    ladder: list[tuple[int, Decimal]] = field(default_factory=list)  # (year, target value)
    actual: list[tuple[int, Decimal | None]] = field(default_factory=list)  # (year, value at its end)
    projection: tuple[int, Decimal, Decimal, Decimal] | None = None  # (year, low, mid, high)
    targets: list[Target] = field(default_factory=list)


def coverage_lines(s: Scope) -> list[CoverageLine]:
    """Each tier's coverage targets of the region's published plans: the ladder of targets by
    year, the coverage reached at the end of each year so far, and the projection at the next
    due date with its range."""
    today = s.as_of or timezone.localdate()
    targets = list(
        Target.objects.filter(PUBLISHED, region=s.region, kind=Target.Kind.COVERAGE, value__isnull=False)
        .select_related("plan", "region").order_by("tier", "year", "due")
    )
    lines: dict[str, CoverageLine] = {}
    for t in targets:
        line = lines.setdefault(t.tier, CoverageLine(t.tier))
        line.targets.append(t)
        line.ladder.append((t.year, t.value))  # type: ignore[arg-type]
    for line in lines.values():
        first = min(t.plan.start_year for t in line.targets)
        last = max(t.year for t in line.targets)
        for year in range(first, min(today.year, last) + 1):
            day = min(dt.date(year, 12, 31), today)
            target = next((t for t in line.targets if t.year >= year), line.targets[-1])
            line.actual.append((year, measure(target, day).current))
        upcoming = next((t for t in line.targets if t.due >= today), None)
        if upcoming is not None:
            progress = target_progress(upcoming, today, with_parts=False)
            line.projection = _projection(upcoming, progress)
    return list(lines.values())


def _projection(target: Target, progress: TargetProgress) -> tuple[int, Decimal, Decimal, Decimal] | None:
    view = progress.view
    if view is None:
        return None
    if view.projection is not None:
        p = view.projection
        return target.year, Decimal(p.low), Decimal(p.mid), Decimal(p.high)
    if view.projected is not None:
        return target.year, view.projected, view.projected, view.projected
    return None


@dataclass(frozen=True)
class BoardRow:
    progress: TargetProgress
    unit: str  # the unit's name: the region itself or one of its counties

    @property
    def severity(self) -> int:
        status = self.progress.status
        return status.severity if status is not None else -1


def board_rows(s: Scope) -> list[BoardRow]:
    """Every target and KPI of the region and of its units in published plans, with its status
    as of the day, the worst first (so counties at risk come first)."""
    today = s.as_of or timezone.localdate()
    names = {s.region.code: s.region.name} | {u.code: u.name for u in s.units}
    targets = list(
        Target.objects.filter(PUBLISHED, region__code__in=list(names))
        .select_related("plan__region", "region", "lead").order_by("region__code", "order", "year", "pk")
    )
    share_plans(list({t.plan_id: t.plan for t in targets}.values()))
    rows = [BoardRow(target_progress(t, today, with_parts=False), names[t.region.code]) for t in targets]
    return sorted(rows, key=lambda r: -r.severity)


