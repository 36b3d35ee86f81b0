"""The blind review in the audit trail: who scored what, and the city's decision, are the city's
until the campaign is published (issue 7). Registered with ``audit.visibility`` from
``CampaignsConfig.ready()``.
"""

from __future__ import annotations

import operator
from functools import reduce
from typing import Any

from django.db.models import CharField, Q, QuerySet
from django.db.models.functions import Cast

from campuseval.accounts import scope
from campuseval.accounts.models import Role
from campuseval.audit import visibility
from campuseval.regions.models import Region

from .models import Application, ExpertAssignment, ExpertScore

# Keys of an Application record's ``after`` that carry the city's decision (``engine_tier`` is
# the older name of ``scored_tier``; records written under either name stay in the trail).
DECISION_KEYS = ("decided_tier", "combined_total", "engine_tier", "scored_tier", "override_reason")


def _visible_pks(qs: QuerySet[Any], campaign: str, cities: list[Region]) -> QuerySet[Any]:
    """The pks, as audit ``object_id`` strings, of objects whose campaign is published or is
    one of ``cities``' campaigns."""
    return (
        qs.filter(
            Q(**{f"{campaign}published_at__isnull": False}) | Q(**{f"{campaign}city__in": cities})
        )
        .annotate(audit_id=Cast("pk", CharField()))
        .values("audit_id")
    )


def _hidden(user: scope.AnyUser, qs: QuerySet[Any], campaign: str) -> Q | None:
    """Records of ``qs``'s objects the user may not see: all but those of published campaigns,
    unless the user is a platform administrator or the city administrator of the campaign."""
    if scope.is_platform_admin(user):
        return None
    cities = scope.places(user, {Role.CITY_ADMIN})
    visible = Q(object_id__in=_visible_pks(qs, campaign, cities))
    # A deleted assignment is no longer in the table: its records stay hidden from counties,
    # and its city administrator still reads them by region (a record's region is the school's
    # county, which lies in the campaign's city).
    for city in cities:
        visible |= Q(region_code__startswith=scope.region_prefix(city))
    return ~visible


def hidden_assignments(user: scope.AnyUser) -> Q | None:
    return _hidden(user, ExpertAssignment.objects.all(), "application__campaign__")


def hidden_scores(user: scope.AnyUser) -> Q | None:
    return _hidden(user, ExpertScore.objects.all(), "assignment__application__campaign__")


def hidden_decisions(user: scope.AnyUser) -> Q | None:
    hidden = _hidden(user, Application.objects.all(), "campaign__")
    if hidden is None:
        return None
    decision = reduce(operator.or_, (Q(after__has_key=key) for key in DECISION_KEYS))
    return decision & hidden


visibility.register(ExpertAssignment._meta.label_lower, hidden_assignments)
visibility.register(ExpertScore._meta.label_lower, hidden_scores)
visibility.register(Application._meta.label_lower, hidden_decisions)
