"""Rows of the plan pages: each target's progress as the status board shows it."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from . import outlook, rules
from .models import Plan, ProgressReport, Target
from .progress import TargetProgress

LIGHTS = {
    outlook.Status.DONE: "success",
    outlook.Status.ON_TRACK: "primary",
    outlook.Status.BEHIND: "warning",
    outlook.Status.WARNING: "danger",
    outlook.Status.OVERDUE: "dark",
}


def shown(value: Decimal | int | None, unit: str) -> str:
    if value is None:
        return "—"
    if isinstance(value, Decimal):
        value = value.normalize()
        text = f"{value:f}"
    else:
        text = str(value)
    return f"{text}{'%' if unit == '%' else ' ' + unit}"


@dataclass
class TargetRow:
    progress: TargetProgress
    parts: list[TargetRow]

    @property
    def target(self) -> Target:
        return self.progress.target

    @property
    def goal(self) -> str:
        t = self.target
        if t.value is None:
            return t.milestone
        return shown(t.value, "%" if t.kind == Target.Kind.COVERAGE else t.unit)

    @property
    def current(self) -> str:
        p = self.progress
        unit = "%" if self.target.kind == Target.Kind.COVERAGE else self.target.unit
        text = shown(p.current, unit)
        if p.denominator:
            text += f"（{p.numerator}/{p.denominator} 所）"
        return text

    @property
    def status_label(self) -> str:
        return self.progress.view.status.label if self.progress.view else "未填报"

    @property
    def light(self) -> str:
        return LIGHTS.get(self.progress.view.status, "secondary") if self.progress.view else "secondary"

    @property
    def reason(self) -> str:
        return self.progress.view.reason if self.progress.view else "尚无已采纳的进度填报"


def target_rows(progress: list[TargetProgress]) -> list[TargetRow]:
    return [TargetRow(p, target_rows(p.parts)) for p in progress]


@dataclass(frozen=True)
class PlanAction:
    action: str  # submit, return, publish: the URL's word
    label: str
    needs_reason: bool = False
    confirm: str = ""


def plan_actions(plan: Plan) -> list[PlanAction]:
    """The workflow buttons the rulebook allows now (for the plan's runners)."""
    shown = []
    if rules.allowed(rules.SUBMIT, plan):
        shown.append(PlanAction("submit", "提交市级审核", confirm="提交后等待市级审核，审核期间不能修改。确认提交？"))
    if rules.allowed(rules.RETURN, plan):
        shown.append(PlanAction("return", "退回修改", needs_reason=True))
    if rules.allowed(rules.PUBLISH, plan):
        label = "采纳并发布" if plan.answers_id else "发布规划"
        shown.append(PlanAction("publish", label, confirm="发布后目标不能再修改。确认发布？"))
    return shown


def pending_reports(plan: Plan) -> list[ProgressReport]:
    """Progress reports waiting for the plan's owner to accept or return."""
    return list(
        ProgressReport.objects.filter(target__plan=plan, status__in=rules.DECIDABLE_REPORTS)
        .select_related("target", "reported_by")
        .order_by("target__order", "as_of")
    )
