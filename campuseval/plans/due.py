"""What is due in plans: a county's plan to submit by its ``submit_by``, a reported KPI's
progress report by its ``report_by``, and, for the plan's owner, submitted county plans to
review and reports to accept.

One computation for the to-do page (``campuseval.todo``, next to the campaign's
``campaigns/selectors/due.py``) and the reminders (``plans/reminders.py``). The reads take the
plans or targets the caller may see (a user's door for the to-do list, every plan for the
reminders); what may still be submitted comes from the rulebook (``rules``).

A KPI's report is due (docs/decisions.md) while it has no report other than a returned one
submitted since ``REPORT_WINDOW`` before its ``report_by``: a report of the last quarter counts.
Who must report: the users of its lead department, or, without one, the plan's administrators.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, Prefetch, QuerySet
from django.urls import reverse
from django.utils import timezone

from campuseval.accounts import scope
from campuseval.accounts.models import Role, User
from campuseval.accounts.scope import AnyUser
from campuseval.regions.models import Region

from . import access, rules
from .models import Plan, ProgressReport, Target

# A report created this long before the deadline, or later, answers it (a quarter).
REPORT_WINDOW = dt.timedelta(days=90)


@dataclass(frozen=True)
class PlanDue:
    role: str  # whose work: a Role value
    kind: str  # plan_submit, plan_review, report_due, report_accept (the to-do page names each)
    plan: Plan
    url: str  # the page where the work is done
    deadline: dt.date | None = None  # the last day (submit_by, report_by)
    count: int | None = None  # how many reports wait
    place: str = ""  # the county or department the work is for
    target: str = ""  # the KPI's text, for a report


# --- the reads ------------------------------------------------------------------------------


def plans_to_submit(plans: QuerySet[Plan]) -> list[Plan]:
    """County plans that answer a city plan and may be submitted now (draft or returned)."""
    startable = rules.RULES[rules.SUBMIT].starts
    found = plans.filter(answers__isnull=False, status__in=startable).select_related("region", "answers__region")
    return [p for p in found.order_by("submit_by", "pk") if rules.allowed(rules.SUBMIT, p)]


def plans_to_review(plans: QuerySet[Plan]) -> list[Plan]:
    """Submitted county plans waiting for the city to accept (publish) or return them."""
    waiting = rules.RULES[rules.RETURN].starts
    found = plans.filter(answers__isnull=False, status__in=waiting).select_related("region")
    return [p for p in found.order_by("region__code", "pk") if rules.allowed(rules.RETURN, p)]


def _reportable(plan: Plan) -> bool:
    try:
        rules.check_report(plan)
    except rules.PlanError:
        return False
    return True


def counts_as_report(report: ProgressReport, target: Target) -> bool:
    assert target.report_by is not None
    return (
        report.status != ProgressReport.Status.RETURNED
        and timezone.localdate(report.created_at) >= target.report_by - REPORT_WINDOW
    )


def reports_due(targets: QuerySet[Target]) -> list[Target]:
    """Reported KPIs with a ``report_by`` whose report is still missing (two queries)."""
    found = (
        targets.filter(measure=Target.Measure.REPORTED, report_by__isnull=False)
        .select_related("plan__region", "lead")
        .prefetch_related(
            Prefetch("reports", queryset=ProgressReport.objects.only("id", "target_id", "status", "created_at"), to_attr="sent")
        )
        .order_by("report_by", "plan_id", "order", "pk")
    )
    return [
        t for t in found
        if _reportable(t.plan) and not any(counts_as_report(r, t) for r in t.sent)
    ]


def owner_role(plan: Plan) -> str:
    """The role that runs a plan: the city's or the county's administrators."""
    return Role.CITY_ADMIN if plan.region.level == Region.Level.CITY else Role.COUNTY_ADMIN


def owners(plan: Plan) -> list[User]:
    return list(scope.holders(owner_role(plan), region=plan.region))


def reporters(target: Target, staffed: set[int] | None = None) -> list[User]:
    """Who must report a KPI: its lead department's users, or else the plan's administrators."""
    if target.lead_id is not None and (staffed is None or target.lead_id in staffed):
        users = list(scope.holders(Role.DEPARTMENT_USER, department=target.lead_id))
        if users:
            return users
    return owners(target.plan)


def falls_back(targets: Iterable[Target]) -> list[Target]:
    """The KPIs no department user reports: no lead, or a lead department without users."""
    targets = list(targets)
    staffed = scope.departments_with_users({t.lead_id for t in targets if t.lead_id is not None})
    return [t for t in targets if t.lead_id is None or t.lead_id not in staffed]


# --- one user's work, role by role -------------------------------------------------------


def _report_item(role: str, target: Target, place: str) -> PlanDue:
    url = reverse("plans:report_new", args=[target.pk])
    return PlanDue(role, "report_due", target.plan, url, target.report_by, place=place, target=target.text)


def department_due(user: AnyUser, now: dt.datetime | None = None) -> list[PlanDue]:
    """The department user's KPIs whose progress report is due."""
    if not scope.has_role(user, Role.DEPARTMENT_USER):
        return []
    return [
        _report_item(Role.DEPARTMENT_USER, t, t.lead.name if t.lead else "") for t in reports_due(access.led_targets(user))
    ]


def _owner_due(user: AnyUser, role: str) -> list[PlanDue]:
    """An administrator's plan work in the regions where ``role`` is held: its county plans to
    submit (county) or to review (city), the KPIs no department reports, reports to accept."""
    if not scope.has_role(user, role):
        return []
    regions = [r.pk for r in scope.places(user, {role})]
    runs = access.plans_run_by(user)
    items: list[PlanDue] = []
    if role == Role.COUNTY_ADMIN:
        for plan in plans_to_submit(runs.filter(region_id__in=regions)):
            url = reverse("plans:detail", args=[plan.pk])
            items.append(PlanDue(role, "plan_submit", plan, url, plan.submit_by, place=plan.region.name))
    else:
        for plan in plans_to_review(runs.filter(answers__region_id__in=regions)):
            items.append(PlanDue(role, "plan_review", plan, reverse("plans:detail", args=[plan.pk]), place=plan.region.name))
    reported = access.targets_reported_by(user).filter(plan__region_id__in=regions)
    for target in falls_back(reports_due(reported)):
        items.append(_report_item(role, target, target.plan.region.name))
    waiting = (
        access.reports_for_owner(user)
        .filter(target__plan__region_id__in=regions, status__in=rules.DECIDABLE_REPORTS)
        .order_by().values("target__plan_id").annotate(n=Count("id"))
    )
    counts = {row["target__plan_id"]: row["n"] for row in waiting}
    if counts:
        for plan in runs.filter(pk__in=counts).order_by("region__code", "pk"):
            url = reverse("plans:detail", args=[plan.pk])
            items.append(PlanDue(role, "report_accept", plan, url, count=counts[plan.pk], place=plan.region.name))
    return items


def county_due(user: AnyUser, now: dt.datetime | None = None) -> list[PlanDue]:
    return _owner_due(user, Role.COUNTY_ADMIN)


def city_due(user: AnyUser, now: dt.datetime | None = None) -> list[PlanDue]:
    return _owner_due(user, Role.CITY_ADMIN)


# The plans' sources of the to-do list (after the campaign's, in the same role sections).
DUE_BY_ROLE = (
    (Role.COUNTY_ADMIN, county_due),
    (Role.CITY_ADMIN, city_due),
    (Role.DEPARTMENT_USER, department_due),
)
