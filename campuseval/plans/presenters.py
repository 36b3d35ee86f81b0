"""Rows of the plan pages: each target's progress as the status board shows it."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from . import outlook
from .models import Target
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
