"""The one place that decides what a user may see and change.

Every view, export and API endpoint gets its objects through these functions. An object
outside a user's scope is answered with 404 (``get_in_scope``), never 403, so that its
existence is not revealed.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.contrib.auth.models import AnonymousUser
from django.db import models
from django.db.models import Q, QuerySet
from django.http import Http404

from campuseval.regions.models import Region, School

from .models import Role, RoleAssignment, User

M = TypeVar("M", bound=models.Model)
AnyUser = User | AnonymousUser


def _assignments(user: AnyUser) -> list[RoleAssignment]:
    if not user.is_authenticated:
        return []
    cached: list[RoleAssignment] | None = getattr(user, "_role_cache", None)
    if cached is None:
        cached = list(RoleAssignment.objects.filter(user=user).select_related("region", "school"))
        user._role_cache = cached  # type: ignore[union-attr]
    return cached


def roles_of(user: AnyUser) -> set[str]:
    return {a.role for a in _assignments(user)}


def has_role(user: AnyUser, *roles: str) -> bool:
    return bool(roles_of(user) & set(roles))


def is_platform_admin(user: AnyUser) -> bool:
    return has_role(user, Role.PLATFORM_ADMIN)


def is_admin(user: AnyUser) -> bool:
    """Platform, city or county administrator: may browse the audit trail of their region."""
    return has_role(user, Role.PLATFORM_ADMIN, Role.CITY_ADMIN, Role.COUNTY_ADMIN)


def _region_q(prefix: str, regions: list[Region]) -> Q:
    """Regions and everything below them, by GB/T 2260 code prefix."""
    q = Q(pk__in=[])
    for r in regions:
        stem = {"province": r.code[:2], "city": r.code[:4], "county": r.code}[r.level]
        q |= Q(**{f"{prefix}code__startswith": stem})
    return q


def _places(user: AnyUser, roles: set[str]) -> list[Region]:
    return [a.region for a in _assignments(user) if a.role in roles and a.region is not None]


WRITE_ROLES = {Role.CITY_ADMIN, Role.COUNTY_ADMIN}
READ_ROLES = WRITE_ROLES | {Role.OBSERVER}


def schools_for(user: AnyUser, *, write: bool = False) -> QuerySet[School]:
    """Schools the user may see (or change, with ``write``)."""
    qs = School.objects.select_related("county", "central_school")
    if not user.is_authenticated:
        return qs.none()
    if is_platform_admin(user):
        return qs
    regions = _places(user, WRITE_ROLES if write else READ_ROLES)
    own = [a.school_id for a in _assignments(user) if a.role == Role.SCHOOL_USER]
    return qs.filter(_region_q("county__", regions) | Q(pk__in=own))


def regions_for(user: AnyUser, *, write: bool = False) -> QuerySet[Region]:
    """Regions the user may see; only platform administrators change regions."""
    qs = Region.objects.select_related("parent")
    if not user.is_authenticated:
        return qs.none()
    if is_platform_admin(user):
        return qs
    if write:
        return qs.none()
    regions = _places(user, READ_ROLES)
    own_counties = [a.school.county_id for a in _assignments(user) if a.school is not None]
    return qs.filter(_region_q("", regions) | Q(pk__in=own_counties))


def users_for(user: AnyUser, *, write: bool = False) -> QuerySet[User]:
    """Accounts: managed by platform administrators (glossary: accounts, roles, settings)."""
    if is_platform_admin(user):
        return User.objects.all()
    return User.objects.none()


def audit_region_filter(user: AnyUser) -> Q | None:
    """Which audit records an administrator may browse; None for none at all."""
    if is_platform_admin(user):
        return Q()
    regions = _places(user, WRITE_ROLES)
    if not regions:
        return None
    q = Q(pk__in=[])
    for r in regions:
        stem = r.code[:4] if r.level == Region.Level.CITY else r.code
        q |= Q(region_code__startswith=stem)
    return q


def get_in_scope(qs: QuerySet[M], **lookup: Any) -> M:
    """The object from a scoped queryset, or 404 whether it is missing or out of scope."""
    try:
        return qs.get(**lookup)
    except (qs.model.DoesNotExist, ValueError) as exc:
        raise Http404("没有找到该对象，或您无权访问") from exc
