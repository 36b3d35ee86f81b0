"""The door to plans: which plans (with their targets, tasks and reports) a user may see or
run. Outside scope is a 404 (``get_in_scope``), as everywhere.

- platform administrators: every plan;
- city and county administrators and observers: the plans of their region and below; a county
  administrator also sees the published plans of its city, which its own plan answers;
- city and county administrators run (change) the plans of their region and below.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from campuseval.accounts import scope
from campuseval.accounts.models import Role
from campuseval.accounts.scope import AnyUser

from .models import ConstructionTask, Plan, ProgressReport, Target


def plans_for(user: AnyUser) -> QuerySet[Plan]:
    qs = Plan.objects.select_related("region", "answers")
    if not user.is_authenticated:
        return qs.none()
    if scope.is_platform_admin(user):
        return qs
    regions = scope.places(user, scope.READ_ROLES)
    cities = [r.parent_id for r in scope.places(user, [Role.COUNTY_ADMIN])]
    return qs.filter(
        scope.region_q("region__", regions) | Q(region_id__in=cities, status=Plan.Status.PUBLISHED)
    )


def plans_run_by(user: AnyUser) -> QuerySet[Plan]:
    qs = Plan.objects.select_related("region", "answers")
    if not user.is_authenticated:
        return qs.none()
    if scope.is_platform_admin(user):
        return qs
    return qs.filter(scope.region_q("region__", scope.places(user, scope.WRITE_ROLES)))


def plan_for_viewer(user: AnyUser, pk: int) -> Plan:
    return scope.get_in_scope(plans_for(user), pk=pk)


def plan_run_by(user: AnyUser, pk: int) -> Plan:
    return scope.get_in_scope(plans_run_by(user), pk=pk)


def runs(user: AnyUser, plan: Plan) -> bool:
    return plans_run_by(user).filter(pk=plan.pk).exists()


# --- what hangs on a plan -------------------------------------------------------------------


def target_for_viewer(user: AnyUser, pk: int) -> Target:
    return scope.get_in_scope(Target.objects.filter(plan__in=plans_for(user)).select_related("plan", "region"), pk=pk)


def targets_reported_by(user: AnyUser) -> QuerySet[Target]:
    """The reported KPIs a user may report on: those of the published plans the user runs
    (departments' users join here with their own KPIs)."""
    return Target.objects.filter(
        plan__in=plans_run_by(user), plan__status=Plan.Status.PUBLISHED, measure=Target.Measure.REPORTED
    ).select_related("plan", "region", "lead")


def reportable_ids(user: AnyUser, plan: Plan) -> set[int]:
    """The plan's KPIs the user may report on (the page shows 填报 beside them)."""
    return set(targets_reported_by(user).filter(plan=plan).values_list("pk", flat=True))


def target_reported_by(user: AnyUser, pk: int) -> Target:
    return scope.get_in_scope(targets_reported_by(user), pk=pk)


def report_for_owner(user: AnyUser, pk: int) -> ProgressReport:
    """A progress report, for the administrators of the plan's owner (they accept or return it)."""
    return scope.get_in_scope(
        ProgressReport.objects.filter(target__plan__in=plans_run_by(user)).select_related("target__plan", "target__region"),
        pk=pk,
    )


def task_run_by(user: AnyUser, pk: int) -> ConstructionTask:
    return scope.get_in_scope(
        ConstructionTask.objects.filter(plan__in=plans_run_by(user)).select_related("plan", "school__county"), pk=pk
    )
