"""The kinds of import, by the key used in URLs and in ImportJob.kind."""

from __future__ import annotations

from .accounts import AccountsKind
from .base import Kind, Layout, Row, RowError, WriteResult
from .facts import FactsKind
from .plan_kpis import PlanKpisKind
from .plan_schools import PlanSchoolsKind
from .plan_tasks import PlanTasksKind
from .regions import RegionsKind
from .schools import SchoolsKind

KINDS: dict[str, Kind] = {
    kind.key: kind
    for kind in (
        RegionsKind(),
        SchoolsKind(),
        FactsKind(),
        AccountsKind(),
        PlanTasksKind(),
        PlanSchoolsKind(),
        PlanKpisKind(),
    )
}

__all__ = ["KINDS", "Kind", "Layout", "Row", "RowError", "WriteResult"]
