"""The door to plans: which plans (with their targets, tasks and reports) a user may see or
run. Outside scope is a 404 (``get_in_scope``), as everywhere.

- platform administrators: every plan;
- city and county administrators and observers: the plans of their region and below; a county
  administrator also sees the published plans of its city, which its own plan answers;
- city and county administrators run (change) the plans of their region and below;
- department users (处室用户) see the published plans of their bureau's region that have a
  target their department leads or co-owns, and report on the reported KPIs it leads.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from campuseval.accounts import scope
from campuseval.accounts.models import Role
from campuseval.accounts.scope import AnyUser
from campuseval.regions.models import Department, Region

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
        scope.region_q("region__", regions)
        | Q(region_id__in=cities, status=Plan.Status.PUBLISHED)
        | _departments_plans_q(user)
    )


def _departments_plans_q(user: AnyUser) -> Q:
    """The published plans of a department user's bureau with a target the department leads or
    co-owns (nothing for a user without a department)."""
    if not scope.department_ids(user):
        return Q(pk__in=[])
    return Q(pk__in=department_targets(user).values("plan_id"))


def department_targets(user: AnyUser) -> QuerySet[Target]:
    """The targets of the published plans of a department user's bureau that its departments
    lead or co-own (the user's 我的指标; empty for a user without a department)."""
    departments = scope.department_ids(user)
    if not departments:
        return Target.objects.none()
    theirs = Target.objects.filter(Q(lead_id__in=departments) | Q(co__in=departments)).values("pk")
    return Target.objects.filter(
        pk__in=theirs, plan__region_id__in=scope.department_region_ids(user), plan__status=Plan.Status.PUBLISHED,
    ).select_related("plan__region", "region", "lead")


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
    """The reported KPIs a user may report on: those of the published plans the user runs, and
    a department user's those its department leads (in its bureau's region)."""
    led = led_targets(user)
    return Target.objects.filter(
        Q(plan__in=plans_run_by(user)) | Q(pk__in=led.values("pk")),
        plan__status=Plan.Status.PUBLISHED, measure=Target.Measure.REPORTED,
    ).select_related("plan", "region", "lead")


def led_targets(user: AnyUser) -> QuerySet[Target]:
    """The reported KPIs of published plans that the user's departments lead (what a department
    user must report; empty for everyone else)."""
    departments = scope.department_ids(user)
    if not departments:
        return Target.objects.none()
    return Target.objects.filter(
        lead_id__in=departments, plan__region_id__in=scope.department_region_ids(user),
        plan__status=Plan.Status.PUBLISHED, measure=Target.Measure.REPORTED,
    ).select_related("plan", "region", "lead")


def reportable_ids(user: AnyUser, plan: Plan | None = None, among: list[Target] | None = None) -> set[int]:
    """The KPIs the user may report on, of the plan or ``among`` the targets given (the pages
    show 填报 beside them)."""
    found = targets_reported_by(user)
    if plan is not None:
        found = found.filter(plan=plan)
    if among is not None:
        found = found.filter(pk__in=[t.pk for t in among])
    return set(found.values_list("pk", flat=True))


def target_reported_by(user: AnyUser, pk: int) -> Target:
    return scope.get_in_scope(targets_reported_by(user), pk=pk)


def report_for_owner(user: AnyUser, pk: int) -> ProgressReport:
    """A progress report, for the administrators of the plan's owner (they accept or return it)."""
    return scope.get_in_scope(
        ProgressReport.objects.filter(target__plan__in=plans_run_by(user)).select_related("target__plan", "target__region"),
        pk=pk,
    )


def reports_for_owner(user: AnyUser) -> QuerySet[ProgressReport]:
    """The progress reports of the plans the user runs (to accept or return)."""
    return ProgressReport.objects.filter(target__plan__in=plans_run_by(user))


def task_run_by(user: AnyUser, pk: int) -> ConstructionTask:
    return scope.get_in_scope(
        ConstructionTask.objects.filter(plan__in=plans_run_by(user)).select_related("plan", "school__county"), pk=pk
    )


# --- what a new plan or target may name -----------------------------------------------------


def plan_regions(user: AnyUser) -> QuerySet[Region]:
    """The bureaus (cities and counties) in whose name the user may make a plan."""
    qs = Region.objects.filter(level__in=[Region.Level.CITY, Region.Level.COUNTY]).order_by("code")
    if scope.is_platform_admin(user):
        return qs
    return qs.filter(scope.region_q("", scope.places(user, scope.WRITE_ROLES)))


def answerable_plans(user: AnyUser) -> QuerySet[Plan]:
    """Published city plans a county plan of the user may answer."""
    return plans_for(user).filter(status=Plan.Status.PUBLISHED, region__level=Region.Level.CITY)


def plan_departments(plan: Plan) -> QuerySet[Department]:
    return Department.objects.filter(region=plan.region).order_by("name")
