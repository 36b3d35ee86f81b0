"""Rows of the plan pages: each target's progress as the status board shows it, and the rows of
the 工作推进任务书."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from . import rules
from .exports import BookRow
from .models import Plan, ProgressReport, Target
from .progress import TargetProgress, latest_accepted, plan_progress, target_progress


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
        return self.progress.view.status.light if self.progress.view else "secondary"

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


# --- the 工作推进任务书 -------------------------------------------------------------------------

DISTRICTS = "各区市"  # a target each district carries out (``all_districts``), named with the co-owners


def _zh_day(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def latest_progress(row: TargetRow, today: dt.date) -> str:
    """最新进展: a reported target's latest accepted report (value, date, note); a computed
    one's value today, as the status board shows it."""
    target = row.target
    if target.measure != Target.Measure.REPORTED:
        return f"截至 {today:%Y-%m-%d}：{row.current}（平台计算）"
    report = latest_accepted(target, today)
    if report is None:
        return "尚无已采纳的进度填报"
    unit = "%" if target.kind == Target.Kind.COVERAGE else target.unit
    said = [shown(report.value, unit)] if report.value is not None else []
    if report.achieved:
        said.append("里程碑已完成")
    text = f"截至 {report.as_of:%Y-%m-%d}：{'，'.join(said)}"
    return f"{text}。{report.note}" if report.note else text


def task_book_rows(plan: Plan, today: dt.date) -> list[BookRow]:
    """The task book's rows: every target of the plan (county parts left out), in its order."""
    rows = target_rows(plan_progress(plan, today))
    book = []
    for n, row in enumerate(rows, 1):
        target = row.target
        co = [d.name for d in target.co.all()] + ([DISTRICTS] if target.all_districts else [])
        book.append(
            BookRow(
                number=n, project=target.project, text=target.text, goal=row.goal,
                lead=target.lead.name if target.lead else "", co="、".join(co), deadline=_zh_day(target.due),
                latest=latest_progress(row, today), status=row.status_label,
            )
        )
    return book


def has_kpi_targets(rows: list[TargetRow]) -> bool:
    """Whether the status board lists a KPI (then the plan has a 工作推进任务书)."""
    return any(row.target.kind == Target.Kind.KPI for row in rows)


# --- a department's KPIs (我的指标) ------------------------------------------------------------


@dataclass
class KpiRow:
    """One KPI of a department user's page: its progress, the last report sent (whatever became
    of it), whether the user reports it (the lead department) and whether a report is due."""

    row: TargetRow
    last: ProgressReport | None
    may_report: bool
    due: bool


def kpi_rows(targets: list[Target], reportable: set[int], due: set[int], today: dt.date) -> list[KpiRow]:
    """The rows in plan and target order; ``reportable`` and ``due`` are target ids (the door's
    ``targets_reported_by``, ``due.reports_due``)."""
    last: dict[int, ProgressReport] = {}
    for report in ProgressReport.objects.filter(target__in=targets).order_by("created_at", "pk"):
        last[report.target_id] = report
    ordered = sorted(targets, key=lambda t: (t.plan.region.code, t.plan_id, t.order, t.year, t.pk))
    return [
        KpiRow(TargetRow(target_progress(t, today, with_parts=False), []), last.get(t.pk), t.pk in reportable, t.pk in due)
        for t in ordered
    ]
