"""Reads of the city review: campaigns' counts, experts and their load, the reviewed
applications, the experts' submitted scores."""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from campuseval.accounts import scope
from campuseval.accounts.models import Role, User
from campuseval.accounts.scope import AnyUser
from campuseval.campaigns import access, rules
from campuseval.campaigns.models import (
    Application,
    Campaign,
    ExpertAssignment,
    ExpertScore,
    Objection,
    Status,
)


def status_counts(user: AnyUser, campaigns: list[Campaign]) -> dict[int, list[tuple[str, int]]]:
    """Applications per status of each campaign, as far as the user may see them (one query)."""
    rows = (
        access.applications_for(user)
        .filter(campaign__in=campaigns)
        .order_by()
        .values("campaign_id", "status")
        .annotate(n=Count("id", distinct=True))
    )
    counts: dict[int, Counter[str]] = {}
    for row in rows:
        counts.setdefault(row["campaign_id"], Counter())[row["status"]] += row["n"]
    return {
        pk: [(str(label), c[value]) for value, label in Status.choices if c[value]]
        for pk, c in counts.items()
    }


def experts_of(campaign: Campaign) -> list[User]:
    """The active experts of the campaign's city."""
    return list(scope.holders(Role.EXPERT, region=campaign.city).order_by("username"))


def expert_load_counts(campaign: Campaign) -> dict[int, dict[str, int]]:
    """Per expert: assignments in the campaign (``n``) and those submitted (``done``)."""
    rows = (
        ExpertAssignment.objects.filter(application__campaign=campaign)
        .values("expert_id")
        .annotate(n=Count("id"), done=Count("id", filter=Q(submitted_at__isnull=False)))
    )
    return {r["expert_id"]: {"n": r["n"], "done": r["done"]} for r in rows}


def reviewed_applications(user: AnyUser, campaign: Campaign) -> QuerySet[Application]:
    """The applications the county sent to the city, with their assignments and experts."""
    return (
        access.applications_for(user, action="city")
        .filter(campaign=campaign, status__in=rules.RECOMMENDED_ONWARD)
        .prefetch_related(
            Prefetch("assignments", queryset=ExpertAssignment.objects.select_related("expert__home_county"))
        )
        .order_by("school__county__code", "school__code")
    )


def assigned_expert_ids(application: Application) -> set[int]:
    return set(application.assignments.values_list("expert_id", flat=True))


def assignment_counts(application: Application) -> dict[str, int]:
    """The application's experts: assigned (``total``) and submitted (``done``)."""
    return application.assignments.aggregate(
        total=Count("id"), done=Count("id", filter=Q(submitted_at__isnull=False))
    )


def other_submitted_scores(assignment: ExpertAssignment) -> list[list[ExpertScore]]:
    """The other experts' submitted scores, one list per expert in the order they submitted."""
    others = list(
        assignment.application.assignments.exclude(pk=assignment.pk)
        .filter(submitted_at__isnull=False)
        .order_by("submitted_at", "pk")
        .values_list("pk", flat=True)
    )
    by_assignment: dict[int, list[ExpertScore]] = {pk: [] for pk in others}
    for row in ExpertScore.objects.filter(assignment_id__in=others).order_by("assignment_id", "id"):
        by_assignment[row.assignment_id].append(row)
    return [by_assignment[pk] for pk in others]


def submitted_scores(codes: dict[int, list[str]]) -> dict[int, dict[str, list[tuple[str, Any]]]]:
    """Each expert's submitted score of the named indicators of each application (application
    id -> codes), in one query: (expert, score) by code, by application."""
    found: dict[int, dict[str, list[tuple[str, Any]]]] = {pk: {} for pk in codes}
    if not codes:
        return found
    rows = (
        ExpertScore.objects.filter(
            assignment__application_id__in=list(codes), assignment__submitted_at__isnull=False,
            code__in={c for named in codes.values() for c in named},
        )
        .select_related("assignment__expert")
        .order_by("assignment__expert__username")
    )
    for row in rows:
        application_id = row.assignment.application_id
        if row.code in codes[application_id]:
            found[application_id].setdefault(row.code, []).append((str(row.assignment.expert), row.score))
    return found


def expert_reviews(user: AnyUser) -> QuerySet[ExpertAssignment]:
    """The expert's own assignments with how many indicators each has scored."""
    scored = (
        ExpertScore.objects.filter(assignment=OuterRef("pk"), score__isnull=False)
        .order_by().values("assignment").annotate(n=Count("pk"))
    )
    return (
        access.assignments_for(user)
        .select_related("application__campaign")
        # A subquery, not a GROUP BY over every column read with it (the rubric's whole text
        # among them): the database would compare those per row, a third of a second for 50.
        .annotate(done=Coalesce(Subquery(scored.values("n")), 0))
        .order_by("submitted_at", "application__campaign__city_review_deadline", "application__school__code")
    )


def expert_past_reviews(user: AnyUser) -> QuerySet[ExpertAssignment]:
    """The expert's reviews whose city review has ended, newest campaign first."""
    return access.past_assignments_for(user).select_related("application__campaign").order_by(
        "-application__campaign__city_review_deadline", "application__school__code"
    )


def scored_count(assignment: ExpertAssignment) -> int:
    return assignment.scores.exclude(score=None).count()


def reopenings(campaign: Campaign, limit: int | None = None) -> list[Any]:
    qs = campaign.reopenings.select_related("school__county", "created_by")
    return list(qs[:limit] if limit else qs)


def has_applications(campaign: Campaign) -> bool:
    return campaign.applications.exists()


def objections_of(campaign: Campaign) -> list[Objection]:
    """The objections to the campaign's 公示, open ones first (the city's to resolve)."""
    found = Objection.objects.filter(campaign=campaign).select_related("application__school__county", "resolved_by")
    return sorted(found, key=lambda o: (o.state != Objection.State.OPEN, o.received_on, o.pk))

