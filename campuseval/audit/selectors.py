"""Reads of the audit trail, scoped by ``accounts.scope``."""

from __future__ import annotations

from django.db.models import QuerySet

from campuseval.accounts import scope

from .models import AuditRecord


def may_browse(user: scope.AnyUser) -> bool:
    return scope.audit_region_filter(user) is not None


def records_for(user: scope.AnyUser) -> QuerySet[AuditRecord]:
    """The records the user may browse, newest first; none for a user who may browse none."""
    q = scope.audit_region_filter(user)
    if q is None:
        return AuditRecord.objects.none()
    return AuditRecord.objects.filter(q).order_by("-seq")
