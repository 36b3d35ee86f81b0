"""Reads of 从上次认定的申报开始: the school's last certified application, whether a new one may
still start from it, what would be carried, and how much of an application is carried.

Certified means published with a tier (``Status.PUBLISHED`` and a ``decided_tier``), as the
public results list it. Carried is a self-assessment row with ``carried_from`` set (cleared by
the school's first change of it) and an evidence link with ``carried``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q

from campuseval.campaigns.models import Application, Campaign, IndicatorScore, Status
from campuseval.campaigns.rules import TEXT_LIMITS, WorkflowError
from campuseval.evidence.models import EvidenceItem, EvidenceLink
from campuseval.regions.models import School


def last_certified(school: School | int, campaign: Campaign, *, exclude: int | None = None) -> Application | None:
    """The school's latest certified application of a campaign before ``campaign`` (an earlier
    year, or the same year opened earlier)."""
    school_id = school if isinstance(school, int) else school.pk
    qs = (
        Application.objects.filter(school_id=school_id, status=Status.PUBLISHED)
        .exclude(decided_tier="")
        .exclude(campaign=campaign)
        .filter(
            Q(campaign__year__lt=campaign.year)
            | Q(campaign__year=campaign.year, campaign__opens_at__lt=campaign.opens_at)
        )
        .select_related("campaign")
        .order_by("-campaign__year", "-campaign__opens_at", "-pk")
    )
    if exclude is not None:
        qs = qs.exclude(pk=exclude)
    return qs.first()


def has_work(application: Application) -> bool:
    """Whether the school has begun its self-assessment: a score, a clause, a comment or evidence."""
    started = (
        IndicatorScore.objects.filter(application=application)
        .filter(Q(self_score__isnull=False) | Q(clause_met__isnull=False) | ~Q(comment=""))
        .exists()
    )
    return started or EvidenceLink.objects.filter(application=application).exists()


@dataclass(frozen=True)
class CarriedScore:
    code: str
    score: Decimal
    clause_met: bool | None
    comment: str


@dataclass
class CarryPlan:
    """What starting from ``source`` copies into the application: the scores valid for its
    rubric, and the evidence links to indicator codes it has; the rest is skipped."""

    source: Application
    scores: list[CarriedScore] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # codes not carried: not in the rubric, or not a valid score
    links: list[EvidenceLink] = field(default_factory=list)
    links_skipped: int = 0
    file_bytes: int = 0  # distinct files the links bring


def carry_plan(application: Application, source: Application) -> CarryPlan:
    """Only indicator codes the new rubric has, with a score still valid for its points (and
    达到/未达到 for a criteria rubric); a clause judgement only where the new indicator has one."""
    # The one score rule (services import this module: importing it here would be a circle).
    from campuseval.campaigns.services.scores import parse_score

    rubric = application.campaign.rubric.engine_rubric()
    criteria = rubric.kind == "criteria"
    plan = CarryPlan(source)
    for row in IndicatorScore.objects.filter(application=source).order_by("id"):
        if row.self_score is None:
            continue
        if row.code not in rubric.index or len(row.comment) > TEXT_LIMITS["comment"]:
            plan.skipped.append(row.code)
            continue
        indicator = rubric.indicator(row.code)
        try:
            value = parse_score(row.self_score, indicator.points, criteria)
        except WorkflowError:
            plan.skipped.append(row.code)
            continue
        assert value is not None
        clause = row.clause_met if indicator.has_clause else None
        plan.scores.append(CarriedScore(row.code, value, clause, row.comment))
    files: dict[int, int] = {}
    for link in EvidenceLink.objects.filter(application=source).select_related("evidence").order_by("code", "id"):
        if link.code not in rubric.index:
            plan.links_skipped += 1
            continue
        plan.links.append(link)
        if link.evidence.kind == EvidenceItem.Kind.FILE:
            files[link.evidence_id] = link.evidence.size
    plan.file_bytes = sum(files.values())
    return plan


@dataclass(frozen=True)
class StartOffer:
    """从上次认定的申报开始, offered on an application (or a campaign to apply to)."""

    source: Application
    scores: int  # self-assessment scores that would be carried
    evidence: int  # evidence links that would be carried

    @property
    def campaign_name(self) -> str:
        return self.source.campaign.name

    @property
    def tier(self) -> str:
        return self.source.decided_tier


def start_offer(application: Application) -> StartOffer | None:
    """The offer for an application the school has not begun, when the school has a certified
    application before it and something of it fits the new rubric. The page asks only where the
    rulebook lets the school edit; the service checks everything again."""
    source = last_certified(application.school_id, application.campaign, exclude=application.pk)
    if source is None or has_work(application):
        return None
    plan = carry_plan(application, source)
    if not plan.scores and not plan.links:
        return None
    return StartOffer(source, len(plan.scores), len(plan.links))


@dataclass(frozen=True)
class CarriedCount:
    """How much of an application's self-assessment is carried (沿用上次) and how much is new."""

    carried: int
    new: int
    source: Application | None

    @property
    def any(self) -> bool:
        return self.carried > 0


def carried_count(rows: Iterable[IndicatorScore]) -> CarriedCount:
    """Carried: rows still marked ``carried_from``; new: the other self-scored rows."""
    rows = list(rows)
    carried = [r.carried_from_id for r in rows if r.carried_from_id is not None]
    new = sum(1 for r in rows if r.carried_from_id is None and r.self_score is not None)
    source = None
    if carried:
        source = Application.objects.filter(pk=carried[0]).select_related("campaign").first()
    return CarriedCount(len(carried), new, source)
