"""Rows for the campaign and city review pages: campaigns with their counts, experts and their
load, decisions, gaps between experts, and the public results grouped by tier and county."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q

from campuseval.accounts.models import User
from campuseval.campaigns import rules
from campuseval.campaigns.models import Application, Campaign
from campuseval.campaigns.selectors import CombinedResult, combined_results, published_applications
from campuseval.campaigns.selectors.city import (
    assigned_expert_ids,
    expert_load_counts,
    experts_of,
    reviewed_applications,
    submitted_scores,
)

from .deadlines import StageNow


@dataclass
class CampaignRow:
    campaign: Campaign
    stage: StageNow
    counts: list[tuple[str, int]] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(n for _, n in self.counts)


@dataclass
class ExpertLoad:
    expert: User
    assigned: int
    submitted: int


def expert_loads(campaign: Campaign) -> list[ExpertLoad]:
    by_expert = expert_load_counts(campaign)
    loads = [
        ExpertLoad(e, by_expert.get(e.pk, {}).get("n", 0), by_expert.get(e.pk, {}).get("done", 0))
        for e in experts_of(campaign)
    ]
    return sorted(loads, key=lambda x: (-x.assigned, x.expert.username))


@dataclass
class ExpertChoice:
    expert: User
    load: int
    assigned: bool
    reason: str | None  # the conflict that rules the expert out


def expert_choices(campaign: Campaign, application: Application) -> list[ExpertChoice]:
    """Every expert of the city for one application; conflicted experts carry their reason."""
    have = assigned_expert_ids(application)
    loads = {x.expert.pk: x.assigned for x in expert_loads(campaign)}
    return [
        ExpertChoice(e, loads.get(e.pk, 0), e.pk in have, rules.expert_conflict(e, application.school))
        for e in experts_of(campaign)
    ]


def understaffed(campaign: Campaign, applications: list[Application]) -> list[Application]:
    """Applications waiting for a decision with fewer experts than the campaign asks for."""
    return [
        a for a in applications
        if a.status in rules.AWAITING_DECISION and len(a.assignments.all()) < campaign.experts_per_application
    ]


@dataclass
class DecisionRow:
    application: Application
    submitted: int
    assigned: int
    combined: CombinedResult | None
    form_tier: str
    reason: str = ""
    error: str = ""

    @property
    def scored_tier(self) -> str:
        if self.combined is None:
            return ""
        return self.combined.result.tier or ""

    @property
    def scored_tier_name(self) -> str:
        return self.combined.result.tier_name if self.combined else ""

    @property
    def flagged(self) -> int:
        return len(self.combined.flagged) if self.combined else 0

    @property
    def decidable(self) -> bool:
        return self.combined is not None and rules.allowed(rules.DECIDE, self.application)


def decision_rows(user: Any, campaign: Campaign) -> list[DecisionRow]:
    rows = []
    applications = list(reviewed_applications(user, campaign))
    results = combined_results(applications)  # flat in the number of applications
    for application in applications:
        assigned = list(application.assignments.all())
        combined = results[application.pk]
        scored = combined.result.tier or "" if combined else ""
        default = application.decided_tier if application.decided_at else scored
        rows.append(
            DecisionRow(
                application=application,
                submitted=sum(1 for a in assigned if a.submitted_at),
                assigned=len(assigned),
                combined=combined,
                form_tier=default,
                reason=application.override_reason,
            )
        )
    return rows


@dataclass
class GapScore:
    expert: str
    score: float | None


@dataclass
class GapRow:
    code: str
    text: str
    points: float
    threshold: float
    gap: float
    combined: float
    scores: list[GapScore]


def gap_rows(user: Any, campaign: Campaign) -> list[tuple[Application, list[GapRow]]]:
    """Indicators where the experts' scores differ by the campaign's gap or more: to discuss."""
    rubric = campaign.rubric.engine_rubric()
    found: list[tuple[Application, list[GapRow]]] = []
    applications = list(reviewed_applications(user, campaign))
    results = combined_results(applications)
    flagged = {pk: [c.code for c in r.flagged] for pk, r in results.items() if r is not None and r.flagged}
    each = submitted_scores(flagged)  # one query for every flagged application
    for application in applications:
        combined = results[application.pk]
        if combined is None or not combined.flagged:
            continue
        scores = each[application.pk]
        rows = []
        for c in combined.flagged:
            ind = rubric.indicator(c.code)
            rows.append(
                GapRow(
                    code=c.code,
                    text=ind.text,
                    points=ind.points,
                    threshold=float(campaign.gap_share) * ind.points,
                    gap=c.gap,
                    combined=c.value,
                    scores=[
                        GapScore(expert, float(score) if score is not None else None)
                        for expert, score in scores.get(c.code, [])
                    ],
                )
            )
        found.append((application, rows))
    return found


@dataclass
class CountyGroup:
    county: str
    schools: list[str]


@dataclass
class TierGroup:
    tier: str
    count: int
    counties: list[CountyGroup]


def published_results(campaign: Campaign, q: str = "") -> tuple[list[TierGroup], int]:
    """The certified schools, by tier (highest first) and county; schools without a tier are
    not listed. Only names: no scores, no people."""
    rows = published_applications(campaign)
    total = rows.count()
    if q:
        rows = rows.filter(Q(school__name__icontains=q) | Q(school__county__name__icontains=q))
    groups: dict[str, dict[str, list[str]]] = {t: {} for t in campaign.tier_names}
    for a in rows:
        groups.setdefault(a.decided_tier, {}).setdefault(a.school.county.name, []).append(a.school.name)
    tiers = [
        TierGroup(tier, sum(len(s) for s in counties.values()), [CountyGroup(c, s) for c, s in counties.items()])
        for tier, counties in groups.items()
    ]
    return tiers, total
