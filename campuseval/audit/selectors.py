"""Reads of the audit trail: the door to audit records, on the places of ``accounts.scope``.

Which region's records an administrator may browse is decided here; which records of a region
stay hidden (an expert's scores until publication, ...) is registered by the app that owns the
object (``audit.visibility``).
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from campuseval.accounts import scope
from campuseval.regions.models import Region

from . import visibility
from .models import AuditRecord


def audit_region_filter(user: scope.AnyUser) -> Q | None:
    """Which audit records an administrator may browse by region; None for none at all."""
    if scope.is_platform_admin(user):
        return Q()
    regions = scope.places(user, scope.WRITE_ROLES)
    if not regions:
        return None
    q = Q(pk__in=[])
    for r in regions:
        stem = r.code[:4] if r.level == Region.Level.CITY else r.code
        q |= Q(region_code__startswith=stem)
    return q


def audit_regions_for(user: scope.AnyUser) -> QuerySet[Region]:
    """Regions whose audit records the user may browse: the choices of the region filter."""
    qs = Region.objects.select_related("parent")
    if scope.is_platform_admin(user):
        return qs
    return qs.filter(scope.region_q("", scope.places(user, scope.WRITE_ROLES)))


def may_browse(user: scope.AnyUser) -> bool:
    return audit_region_filter(user) is not None


def records_for(user: scope.AnyUser) -> QuerySet[AuditRecord]:
    """The records the user may browse, newest first; none for a user who may browse none."""
    q = audit_region_filter(user)
    if q is None:
        return AuditRecord.objects.none()
    records = AuditRecord.objects.filter(q)
    hidden = visibility.hidden_records_q(user)  # records of objects hidden from the user
    if hidden is not None:
        records = records.exclude(hidden)
    return records.order_by("-seq")
