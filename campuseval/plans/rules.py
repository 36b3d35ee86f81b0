"""The rulebook of plans (the shape of ``campaigns/rules.py``): which action may start from
which status. A city's own plan is published by the city; a county's plan that answers a city
plan is submitted to the city, which accepts (publishes) it or returns it with reasons. A
reported KPI's progress report is accepted or returned by the plan's owner.

    rules.check(rules.SUBMIT, plan)     # in a service: raises PlanError with the reason
    rules.allowed(rules.SUBMIT, plan)   # on a page: show the button or not
"""

from __future__ import annotations

from dataclasses import dataclass

from .models import Plan, ProgressReport


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
