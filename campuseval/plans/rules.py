"""The rulebook of plans (the shape of ``campaigns/rules.py``): which action may start from
which status. A city's own plan is published by the city; a county's plan that answers a city
plan is submitted to the city, which accepts (publishes) it or returns it with reasons. A
reported KPI's progress report is accepted or returned by the plan's owner.

    rules.check(rules.SUBMIT, plan)     # in a service: raises PlanError with the reason
    rules.allowed(rules.SUBMIT, plan)   # on a page: show the button or not
"""

from __future__ import annotations

from dataclasses import dataclass

from .models import ConstructionTask, Plan, ProgressReport


class PlanError(Exception):
    """An action the plan's workflow does not allow now; the message says why, in Chinese."""


@dataclass(frozen=True)
class Rule:
    starts: frozenset[str]
    refused: str  # ``{status}`` is the current status's label
    answering: bool | None = None  # only for a plan that answers a city plan (True), or not (False)


EDIT = "edit"
SUBMIT = "submit"
RETURN = "return"
PUBLISH = "publish"

EDITABLE = frozenset({Plan.Status.DRAFT, Plan.Status.RETURNED})

RULES: dict[str, Rule] = {
    EDIT: Rule(EDITABLE, "规划状态为“{status}”，不能修改"),
    SUBMIT: Rule(EDITABLE, "规划状态为“{status}”，不能提交", answering=True),
    RETURN: Rule(frozenset({Plan.Status.SUBMITTED}), "只能退回“已提交”的规划（当前：{status}）", answering=True),
    PUBLISH: Rule(
        frozenset({Plan.Status.DRAFT, Plan.Status.RETURNED, Plan.Status.SUBMITTED}),
        "规划状态为“{status}”，不能发布",
    ),
}


def check(action: str, plan: Plan) -> None:
    rule = RULES[action]
    if rule.answering is True and plan.answers_id is None:
        raise PlanError("只有响应上级规划的县级规划需要提交和审核")
    if action == PUBLISH and plan.answers_id is not None and plan.status != Plan.Status.SUBMITTED:
        raise PlanError("响应上级规划的县级规划须先提交，由市级采纳后发布")
    if plan.status not in rule.starts:
        raise PlanError(rule.refused.format(status=plan.get_status_display()))


def allowed(action: str, plan: Plan) -> bool:
    try:
        check(action, plan)
    except PlanError:
        return False
    return True


# --- progress reports ---------------------------------------------------------------------

DECIDABLE_REPORTS = frozenset({ProgressReport.Status.SUBMITTED})


def check_report_decision(report: ProgressReport) -> None:
    if report.status not in DECIDABLE_REPORTS:
        raise PlanError(f"填报状态为“{report.get_status_display()}”，不能再采纳或退回")


def check_report(plan: Plan) -> None:
    """Progress is reported on a published plan."""
    if plan.status != Plan.Status.PUBLISHED:
        raise PlanError("规划发布后才能填报进度")


# --- construction tasks -------------------------------------------------------------------


def task_problem(plan: Plan, task: ConstructionTask | None, *, year: int | None = None, status: str | None = None) -> tuple[str, str] | None:
    """Why a construction task may not be added or changed so, as (field, message); None if it
    may. A published plan's named schools and their planned years are the plan (only the
    progress of its tasks moves on); a task closed by its school's certification stays closed."""
    if not allowed(EDIT, plan):
        if task is None:
            return "school", f"规划状态为“{plan.get_status_display()}”，不能新增建设任务，只能更新已有任务的进度"
        if year is not None and year != task.year:
            return "year", f"规划状态为“{plan.get_status_display()}”，不能更改建设任务的计划年度（{task.year}年）"
    if task is not None and task.certified_by_id is not None and status is not None and status != ConstructionTask.Status.ACCEPTED:
        return "status", f"该任务已因学校获认定而验收通过（{task.evidence}），不能改回“{ConstructionTask.Status(status).label}”"
    return None


def check_task(plan: Plan, task: ConstructionTask | None, *, year: int | None = None, status: str | None = None) -> None:
    problem = task_problem(plan, task, year=year, status=status)
    if problem is not None:
        raise PlanError(problem[1])
