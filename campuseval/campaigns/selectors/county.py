"""Reads of the county review: a county's applications, their counts, quotas, the list."""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.db.models import Case, Count, IntegerField, Prefetch, Q, QuerySet, Value, When

from campuseval.accounts.scope import AnyUser
from campuseval.campaigns import access, rules
from campuseval.campaigns.models import Application, Campaign, IndicatorScore
from campuseval.regions.models import Region


def county_applications(user: AnyUser, campaign: Campaign, county: Region) -> QuerySet[Application]:
    """The county's applications in the campaign that the user may see."""
    return access.applications_for(user).filter(campaign=campaign, school__county=county)


def status_counts(qs: QuerySet[Application]) -> Counter[str]:
    """Applications per status (one query)."""
    rows = qs.order_by().values("status").annotate(n=Count("id", distinct=True))
    return Counter({r["status"]: r["n"] for r in rows})


def queue_filtered(qs: QuerySet[Application], data: dict[str, Any]) -> QuerySet[Application]:
    """The queue's filters; work in progress (drafts) only when asked for by status."""
    qs = qs.filter(status=data["status"]) if data.get("status") else qs.exclude(status__in=rules.WORK_IN_PROGRESS)
    if data.get("tier"):
        qs = qs.filter(applied_tier=data["tier"])
    if data.get("stage"):
        qs = qs.filter(school__stage=data["stage"])
    if q := (data.get("q") or "").strip():
        qs = qs.filter(Q(school__name__icontains=q) | Q(school__code__startswith=q))
    return qs


def with_self_scores(qs: QuerySet[Application]) -> QuerySet[Application]:
    """Prefetch what the queue's rows read of each application's self-assessment."""
    return qs.prefetch_related(
        Prefetch("scores", queryset=IndicatorScore.objects.only(
            "id", "application_id", "code", "self_score", "clause_met", "changed_after_return"
        ))
    )


def by_tier(qs: QuerySet[Application], tiers: list[str], order: list[Any]) -> QuerySet[Application]:
    """Ordered by ``order``, where ``tier_rank`` is the applied tier's place (highest first)."""
    ranks = Case(
        *(When(applied_tier=t, then=Value(n)) for n, t in enumerate(tiers)),
        default=Value(len(tiers)),
        output_field=IntegerField(),
    )
    return qs.annotate(tier_rank=ranks).order_by(*order)


def recommended(user: AnyUser, campaign: Campaign, county: Region) -> list[Application]:
    """What the county has sent to the city (its scores: ``selectors.score_lines``).

    Every row shares the one campaign (and its rubric) asked about: joining the rubric into
    each row would decode its whole content once per school (bench/bench_forms.py)."""
    rows = list(
        county_applications(user, campaign, county)
        .filter(status__in=rules.RECOMMENDED_ONWARD)
        .select_related(None).select_related("school__county")
        .order_by("school__code")
    )
    for row in rows:
        row.campaign = campaign
    return rows


def acting_ids(user: AnyUser, campaign: Campaign, county: Region) -> set[int]:
    """Applications of this county the user may act on (a county administrator's own)."""
    return set(
        access.applications_for(user, action="county")
        .filter(campaign=campaign, school__county=county)
        .values_list("pk", flat=True)
    )


def status_counts_by_county(user: AnyUser, campaign: Campaign) -> dict[int, Counter[str]]:
    """Applications per county and status, as far as the user may see them (one query)."""
    rows = (
        access.applications_for(user)
        .filter(campaign=campaign)
        .order_by()
        .values("school__county_id", "status")
        .annotate(n=Count("id", distinct=True))
    )
    counts: dict[int, Counter[str]] = {}
    for r in rows:
        counts.setdefault(r["school__county_id"], Counter())[r["status"]] = r["n"]
    return counts


def quota_usage(campaign: Campaign, county: Region) -> dict[str, Any]:
    """How many schools the county has recommended, overall and per applied tier, and the caps."""
    sent = Application.objects.filter(
        campaign=campaign, school__county=county, status__in=rules.RECOMMENDED_ONWARD
    )
    per_tier = dict(sent.values_list("applied_tier").annotate(n=Count("id")))
    tiers = {
        name: {"used": per_tier.get(name, 0), "cap": campaign.quota_per_tier.get(name)}
        for name in campaign.tier_names
    }
    return {"used": sum(per_tier.values()), "cap": campaign.quota_total, "tiers": tiers}


def history(application: Application) -> QuerySet[Any]:
    """The application's states, oldest first, with who moved it."""
    return application.events.select_related("actor").all()


