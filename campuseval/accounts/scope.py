"""The one place that decides what a user may see and change.

Every view, export and API endpoint gets its objects through these functions. An object
outside a user's scope is answered with 404 (``get_in_scope``), never 403, so that its
existence is not revealed.
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


def _assignments(user: AnyUser) -> list[RoleAssignment]:
    if not user.is_authenticated:
        return []
    cached: list[RoleAssignment] | None = getattr(user, "_role_cache", None)
    if cached is None:
        cached = list(RoleAssignment.objects.filter(user=user).select_related("region", "school"))
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


def region_prefix(region: Region) -> str:
    """The GB/T 2260 code prefix shared by a region and everything below it."""
    return {"province": region.code[:2], "city": region.code[:4], "county": region.code}[region.level]


def _region_q(prefix: str, regions: list[Region]) -> Q:
    """Regions and everything below them, by GB/T 2260 code prefix."""
    q = Q(pk__in=[])
    for r in regions:
        q |= Q(**{f"{prefix}code__startswith": region_prefix(r)})
    return q


def _places(user: AnyUser, roles: Collection[str]) -> list[Region]:
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


def audit_regions_for(user: AnyUser) -> QuerySet[Region]:
    """Regions whose audit records the user may browse: the choices of the region filter."""
    qs = Region.objects.select_related("parent")
    if is_platform_admin(user):
        return qs
    return qs.filter(_region_q("", _places(user, WRITE_ROLES)))


def get_in_scope(qs: QuerySet[M], **lookup: Any) -> M:
    """The object from a scoped queryset, or 404 whether it is missing or out of scope."""
    try:
        return qs.get(**lookup)
    except (ObjectDoesNotExist, ValueError) as exc:
        raise Http404("没有找到该对象，或您无权访问") from exc


# --- campaigns ----------------------------------------------------------------------------
# Imported late: the campaigns app builds on accounts, not the other way round.


def _city_ids(user: AnyUser) -> set[int]:
    """The cities a user works in, by any role."""
    ids: set[int] = set()
    for a in _assignments(user):
        if a.school is not None:
            ids.add(a.school.county.parent_id)  # type: ignore[arg-type]
        elif a.region is not None:
            region = a.region
            if region.level == Region.Level.COUNTY:
                ids.add(region.parent_id)  # type: ignore[arg-type]
            elif region.level == Region.Level.CITY:
                ids.add(region.pk)
            else:
                ids.update(Region.objects.filter(parent=region).values_list("pk", flat=True))
    return ids


def campaigns_for(user: AnyUser, *, write: bool = False) -> QuerySet[Any]:
    """Campaigns: everyone sees their city's; city administrators run them."""
    from campuseval.campaigns.models import Campaign

    qs = Campaign.objects.select_related("city", "rubric")
    if not user.is_authenticated:
        return qs.none()
    if write:
        return qs.filter(city__in=_places(user, {Role.CITY_ADMIN}))
    if is_platform_admin(user):
        return qs
    return qs.filter(city_id__in=_city_ids(user))


def applications_for(user: AnyUser, *, action: str = "view") -> QuerySet[Any]:
    """Applications a user may see, or act on as ``school``, ``county`` or ``city``.

    Experts see only the applications assigned to them, and only while the city review
    runs; an application outside scope is a 404 through ``get_in_scope``.
    """
    from django.utils import timezone

    from campuseval.campaigns.models import Application

    qs = Application.objects.select_related("campaign__rubric", "campaign__city", "school__county")
    if not user.is_authenticated:
        return qs.none()
    if action == "school":
        own = [a.school_id for a in _assignments(user) if a.role == Role.SCHOOL_USER]
        return qs.filter(school_id__in=own)
    if action == "county":
        return qs.filter(_region_q("school__county__", _places(user, {Role.COUNTY_ADMIN})))
    if action == "city":
        return qs.filter(campaign__city__in=_places(user, {Role.CITY_ADMIN}))
    if action != "view":
        raise ValueError(f"unknown action {action}")
    if is_platform_admin(user):
        return qs
    regions = _places(user, READ_ROLES)
    own = [a.school_id for a in _assignments(user) if a.role == Role.SCHOOL_USER]
    now = timezone.now()
    reviewing = Q(
        assignments__expert=user,
        campaign__county_review_deadline__lt=now,
        campaign__city_review_deadline__gte=now,
        campaign__published_at__isnull=True,
    )
    return qs.filter(_region_q("school__county__", regions) | Q(school_id__in=own) | reviewing).distinct()


def assignments_for(user: AnyUser) -> QuerySet[Any]:
    """An expert's own assignments, only while the city review of their campaign runs."""
    from django.utils import timezone

    from campuseval.campaigns.models import ExpertAssignment

    if not user.is_authenticated:
        return ExpertAssignment.objects.none()
    now = timezone.now()
    return ExpertAssignment.objects.select_related("application__school__county", "application__campaign__rubric").filter(
        expert=user,
        application__campaign__county_review_deadline__lt=now,
        application__campaign__city_review_deadline__gte=now,
        application__campaign__published_at__isnull=True,
    )


def evidence_for(user: AnyUser) -> QuerySet[Any]:
    """Evidence files: the school's own, and what reviewers of its applications may open."""
    from campuseval.evidence.models import EvidenceItem

    if not user.is_authenticated:
        return EvidenceItem.objects.none()
    visible_schools = applications_for(user).values("school_id")
    return EvidenceItem.objects.filter(Q(school__in=schools_for(user)) | Q(school_id__in=visible_schools))
