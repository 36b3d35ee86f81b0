"""Roles and places: who holds which role where. The doors of the apps above build on these.

accounts knows roles and places only; each app's door (``campaigns/access.py``,
``evidence/access.py``, ``regions/selectors.py``, ``audit/selectors.py``) turns them into the
objects a user may see or act on. An object outside a user's scope is answered with 404
(``get_in_scope``), never 403, so that its existence is not revealed.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any, TypeVar

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.db.models import Q, QuerySet
from django.http import Http404

from campuseval.regions.models import Region, School

from .models import Role, RoleAssignment, User

M = TypeVar("M", bound=models.Model)
AnyUser = User | AnonymousUser

WRITE_ROLES = frozenset({Role.CITY_ADMIN, Role.COUNTY_ADMIN})
READ_ROLES = WRITE_ROLES | {Role.OBSERVER}


def _assignments(user: AnyUser) -> list[RoleAssignment]:
    if not user.is_authenticated:
        return []
    cached: list[RoleAssignment] | None = getattr(user, "_role_cache", None)
    if cached is None:
        cached = list(
            RoleAssignment.objects.filter(user=user).select_related("region", "school__county", "department__region")
        )
        user._role_cache = cached  # type: ignore[attr-defined]
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


def places(user: AnyUser, roles: Collection[str]) -> list[Region]:
    """The regions in which the user holds any of ``roles``."""
    return [a.region for a in _assignments(user) if a.role in roles and a.region is not None]


def own_school_ids(user: AnyUser) -> list[int]:
    """The schools whose school user this is."""
    return [a.school_id for a in _assignments(user) if a.role == Role.SCHOOL_USER and a.school_id]


def department_ids(user: AnyUser) -> list[int]:
    """The departments (处室) whose department user this is."""
    return [a.department_id for a in _assignments(user) if a.role == Role.DEPARTMENT_USER and a.department_id]


def department_region_ids(user: AnyUser) -> set[int]:
    """The bureaus (regions) of the user's departments."""
    return {
        a.department.region_id for a in _assignments(user) if a.role == Role.DEPARTMENT_USER and a.department is not None
    }


def departments_with_users(department_ids: Collection[int]) -> set[int]:
    """Which of these departments have an active department user (the others' work falls back
    to their bureau's administrators)."""
    return set(
        RoleAssignment.objects.filter(
            role=Role.DEPARTMENT_USER, department_id__in=list(department_ids), user__is_active=True
        ).values_list("department_id", flat=True)
    )


def city_ids(user: AnyUser) -> set[int]:
    """The cities a user works in, by any role."""
    ids: set[int] = set()
    for a in _assignments(user):
        region = a.department.region if a.department is not None else a.region
        if a.school is not None:
            ids.add(a.school.county.parent_id)  # type: ignore[arg-type]
        elif region is not None:
            if region.level == Region.Level.COUNTY:
                ids.add(region.parent_id)  # type: ignore[arg-type]
            elif region.level == Region.Level.CITY:
                ids.add(region.pk)
            else:
                ids.update(Region.objects.filter(parent=region).values_list("pk", flat=True))
    return ids


def region_prefix(region: Region) -> str:
    """The GB/T 2260 code prefix shared by a region and everything below it."""
    return {"province": region.code[:2], "city": region.code[:4], "county": region.code}[region.level]


def region_q(prefix: str, regions: list[Region]) -> Q:
    """Regions and everything below them, by GB/T 2260 code prefix (``prefix`` names the path
    to the region's code field, e.g. ``"school__county__"``)."""
    q = Q(pk__in=[])
    for r in regions:
        q |= Q(**{f"{prefix}code__startswith": region_prefix(r)})
    return q


def users_for(user: AnyUser, *, write: bool = False) -> QuerySet[User]:
    """Accounts: managed by platform administrators (glossary: accounts, roles, settings)."""
    if is_platform_admin(user):
        return User.objects.all()
    return User.objects.none()


def get_in_scope(qs: QuerySet[M], **lookup: Any) -> M:
    """The object from a scoped queryset, or 404 whether it is missing or out of scope."""
    try:
        return qs.get(**lookup)
    except (ObjectDoesNotExist, ValueError) as exc:
        raise Http404("没有找到该对象，或您无权访问") from exc


def linked_to_school(user: User, school: School) -> bool:
    """Whether the user holds a role at the school, or administers its county."""
    return any(
        a.school_id == school.pk or (a.role == Role.COUNTY_ADMIN and a.region_id == school.county_id)
        for a in _assignments(user)
    )


def holders(role: str, **place: Any) -> QuerySet[User]:
    """The active users who hold ``role`` at a place: ``school=``, ``school__in=``, ``region=``,
    ``department=`` (the people to notify, the experts of a city)."""
    lookups = {f"roles__{name}": value for name, value in place.items()}
    return User.objects.filter(is_active=True, roles__role=role, **lookups).distinct()
