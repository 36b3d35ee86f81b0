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

from .models import Plan


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
