"""What the plan imports share: the plan named by its title, among the plans the importer runs
(``plans.access.plans_run_by``), and the rulebook's word on whether its targets may change."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from campuseval.accounts.models import User
from campuseval.imports.columns import Column, text
from campuseval.plans import rules
from campuseval.plans.access import plans_run_by
from campuseval.plans.models import Plan
from campuseval.plans.rules import PlanError

from .base import Layout, Row, RowError, chunks

PLAN_COLUMN = Column(
    "plan",
    "规划名称",
    text(200),
    required=True,
    rule="已在平台中建好的规划的名称，与规划列表中的写法完全一致；须是您所在教育局（或下级）的、您有权修改的规划",
)


def edit_refusal(plan: Plan) -> str | None:
    """Why the plan's targets may not change now, in the rulebook's words; None if they may."""
    try:
        rules.check(rules.EDIT, plan)
    except PlanError as exc:
        return str(exc)
    return None


def plan_years(plan: Plan) -> str:
    return f"{plan.start_year}—{plan.end_year} 年"


def year_error(plan: Plan, year: int) -> str | None:
    if plan.start_year <= year <= plan.end_year:
        return None
    return f"{year} 年不在规划年度（{plan_years(plan)}）内"


def plan_end(plan: Plan) -> dt.date:
    return dt.date(plan.end_year, 12, 31)


class PlanLookup:
    """The plans a file names, looked up once among those the user runs."""

    def __init__(self, user: User, rows: Iterable[Row]) -> None:
        titles = {r.values["plan"] for r in rows if r.ok("plan")}
        self.found: dict[str, list[Plan]] = {}
        for chunk in chunks(titles):
            for plan in plans_run_by(user).filter(title__in=chunk).order_by("pk"):
                self.found.setdefault(plan.title, []).append(plan)

    def plans(self) -> list[Plan]:
        return [found[0] for found in self.found.values() if len(found) == 1]

    def get(self, row: Row) -> Plan | None:
        found = self.found.get(row.values.get("plan", ""), [])
        return found[0] if row.ok("plan") and len(found) == 1 else None

    def resolve(self, row: Row, layout: Layout, *, editable: bool) -> tuple[Plan | None, RowError | None]:
        """The row's plan, or the error of its 规划名称 cell (None, None: the cell is bad already)."""
        if not row.ok("plan"):
            return None, None
        title = row.values["plan"]
        found = self.found.get(title, [])
        if not found:
            return None, layout.error(row, "plan", f"没有名为“{title}”的规划，或您无权修改")
        if len(found) > 1:
            regions = "、".join(p.region.name for p in found)
            return None, layout.error(
                row, "plan", f"有 {len(found)} 个名为“{title}”的规划（{regions}），请先在规划页面把名称改得各不相同"
            )
        plan = found[0]
        refusal = edit_refusal(plan) if editable else None
        if refusal:
            return None, layout.error(row, "plan", f"{title}：{refusal}")
        return plan, None
