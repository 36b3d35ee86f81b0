"""Reads on import jobs: a job is seen only by the person who uploaded it."""

from __future__ import annotations

from django.db.models import QuerySet

from campuseval.accounts.scope import AnyUser

from .kinds import KINDS, Kind
from .models import ImportJob


def jobs_for(user: AnyUser) -> QuerySet[ImportJob]:
    if not user.is_authenticated:
        return ImportJob.objects.none()
    return ImportJob.objects.filter(created_by_id=user.pk)


def kinds_for(user: AnyUser) -> list[Kind]:
    """The kinds of import the user's roles allow (within scope, row by row, at import)."""
    if not user.is_authenticated:
        return []
    return [kind for kind in KINDS.values() if kind.may_import(user)]
