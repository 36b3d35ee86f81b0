"""Reads of the campaign: the engine's results at each level, combined expert scores, what is
missing, published results. The county's, the city's and the school's page reads are in the
submodules ``county``, ``city`` and ``school``."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import FloatField, Q, QuerySet
from django.db.models.functions import Cast, Coalesce
from django.http import Http404

from campuseval.campaigns.models import (
    Application,
    Campaign,
    ExpertAssignment,
    ExpertScore,
    IndicatorScore,
    Status,
)
from campuseval.engine import Rubric, SchoolInput, SchoolResult, score_school
from campuseval.engine.facts import FactValue
from campuseval.regions.models import School, SchoolFacts


def latest_facts(school: School, year: int) -> SchoolFacts | None:
    """The school's facts of the year, or of the latest year before it."""
    return school.facts.filter(year__lte=year).order_by("-year").first()


def school_facts(application: Application) -> dict[str, FactValue]:
    facts = latest_facts(application.school, application.campaign.year)
    if facts is None:
        return {"stage": application.school.stage}
    return facts.as_engine_facts()


def _result(
    application: Application,
    scores: dict[str, float],
    clauses: dict[str, bool],
    *,
    rubric: Rubric | None = None,
    facts: dict[str, FactValue] | None = None,
    path: bool = True,
) -> SchoolResult:
    campaign = application.campaign
    applied = application.applied_tier if campaign.cap_at_applied_tier and application.applied_tier else None
    return score_school(
        rubric or campaign.rubric.engine_rubric(),
        SchoolInput(
            school=application.school.code,
            scores=scores,
            clauses=clauses,
            facts=school_facts(application) if facts is None else facts,
            applied_tier=applied,
        ),
        path=path,
    )


def result_for(
    application: Application,
    scores: dict[str, float],
    clauses: dict[str, bool],
    *,
    rubric: Rubric | None = None,
    facts: dict[str, FactValue] | None = None,
) -> SchoolResult:
    """The engine's result for these scores of the application (saved or not), capped at its
    applied tier when its campaign caps; no path up. For callers outside this module."""
    return _result(application, scores, clauses, rubric=rubric, facts=facts, path=False)


def self_result(application: Application, rows: list[IndicatorScore] | None = None) -> SchoolResult:
    """What the school's own scores give: totals, tier, missed ★/▲, checks, the way up."""
    rows = rows if rows is not None else list(application.scores.all())
    return _result(
        application,
        {r.code: float(r.self_score) for r in rows if r.self_score is not None},
        {r.code: bool(r.clause_met) for r in rows if r.clause_met is not None},
    )


def facts_for(applications: Sequence[Application]) -> dict[int, dict[str, FactValue]]:
    """Each application's facts as ``school_facts`` reads them (the latest up to the campaign's
    year), for many applications in one query."""
    if not applications:
        return {}
    latest_year = max(a.campaign.year for a in applications)
    rows = SchoolFacts.objects.filter(
        school__in={a.school_id for a in applications}, year__lte=latest_year
    ).select_related("school").order_by("school_id", "-year")
    by_school: dict[int, list[SchoolFacts]] = {}
    for row in rows:
        by_school.setdefault(row.school_id, []).append(row)
    out: dict[int, dict[str, FactValue]] = {}
    for application in applications:
        year = application.campaign.year
        facts_row = next((f for f in by_school.get(application.school_id, []) if f.year <= year), None)
        out[application.pk] = facts_row.as_engine_facts() if facts_row else {"stage": application.school.stage}
    return out


@dataclass(frozen=True)
class ScoreLine:
    """What a list page reads of one self score: a plain row, not a model object."""

    code: str
    self_score: Decimal | None
    clause_met: bool | None
    changed_after_return: bool


def score_lines(applications: Sequence[Application]) -> dict[int, list[ScoreLine]]:
    """The self scores of many applications in one query, as plain rows: a list of thousands of
    schools would otherwise build hundreds of thousands of model objects (bench/bench_forms.py)."""
    out: dict[int, list[ScoreLine]] = {a.pk: [] for a in applications}
    rows = IndicatorScore.objects.filter(application_id__in=list(out)).order_by().values_list(
        "application_id", "code", "self_score", "clause_met", "changed_after_return"
    )
    for application_id, code, score, clause, changed in rows.iterator(chunk_size=10_000):
        out[application_id].append(ScoreLine(code, score, clause, changed))
    return out


def self_results(
    applications: Sequence[Application], lines: dict[int, list[ScoreLine]] | None = None
) -> dict[int, SchoolResult]:
    """``self_result`` for a list page: facts in one query, one rubric per campaign, no paths up.

    The scores: ``lines`` (``score_lines``), else the applications' prefetched ``scores`` (or
    each one costs a query).
    """
    facts = facts_for(applications)
    rubrics: dict[int, Rubric] = {}
    out: dict[int, SchoolResult] = {}
    for application in applications:
        campaign = application.campaign
        if campaign.pk not in rubrics:
            rubrics[campaign.pk] = campaign.rubric.engine_rubric()
        scores: Sequence[ScoreLine | IndicatorScore] = (
            lines[application.pk] if lines is not None else list(application.scores.all())
        )
        out[application.pk] = _result(
            application,
            {r.code: float(r.self_score) for r in scores if r.self_score is not None},
            {r.code: bool(r.clause_met) for r in scores if r.clause_met is not None},
            rubric=rubrics[campaign.pk],
            facts=facts[application.pk],
            path=False,
        )
    return out


def county_result(application: Application) -> SchoolResult | None:
    rows = [r for r in application.scores.all() if r.county_score is not None]
    if not rows:
        return None
    return _result(application, {r.code: float(r.county_score) for r in rows if r.county_score is not None}, {
        r.code: bool(r.clause_met) for r in application.scores.all() if r.clause_met is not None
    })


@dataclass
class Combined:
    code: str
    value: float
    scores: list[float]
    clause_votes: list[bool]
    gap: float
    flagged: bool


@dataclass
class CombinedResult:
    result: SchoolResult
    indicators: dict[str, Combined] = field(default_factory=dict)
    experts: int = 0

    @property
    def flagged(self) -> list[Combined]:
        return [c for c in self.indicators.values() if c.flagged]


def combine_scores(values: list[float], method: str) -> float:
    """Mean, or with 5 or more experts (trimmed_mean) the mean without the highest and lowest."""
    if method == Campaign.Combine.TRIMMED and len(values) >= 5:
        values = sorted(values)[1:-1]
    return sum(values) / len(values)


def gap_thresholds(campaign: Campaign, rubric: Rubric) -> dict[str, float]:
    """Per indicator, the gap between experts' scores that flags it: the campaign's share of
    its points (in decimals, then a float, as the flag compares)."""
    return {ind.code: float(campaign.gap_share * Decimal(str(ind.points))) for ind in rubric.indicators}


def combine(
    campaign: Campaign, rubric: Rubric, rows: Sequence[tuple[str, Decimal | float | None, bool | None]],
    thresholds: dict[str, float] | None = None,
) -> tuple[dict[str, Combined], dict[str, bool]]:
    """The experts' submitted ``(code, score, clause)`` rows combined as the campaign says:
    each indicator's value, gap and flag, and the clauses met (by more than half of the
    experts who judged them). The one rule for the decision page and the dashboards."""
    by_code: dict[str, list[tuple[Decimal | float | None, bool | None]]] = {}
    for code, score, clause in rows:
        by_code.setdefault(code, []).append((score, clause))
    indicators: dict[str, Combined] = {}
    thresholds = thresholds or gap_thresholds(campaign, rubric)
    for ind in rubric.indicators:
        got = by_code.get(ind.code, [])
        values = [float(score) for score, _clause in got if score is not None]
        votes = [bool(clause) for _score, clause in got if clause is not None]
        value = combine_scores(values, campaign.combine) if values else 0.0
        gap = max(values) - min(values) if len(values) > 1 else 0.0
        flagged = len(values) > 1 and gap >= thresholds[ind.code]
        indicators[ind.code] = Combined(ind.code, value, values, votes, gap, flagged)
    clauses = {c.code: sum(c.clause_votes) * 2 > len(c.clause_votes) for c in indicators.values() if c.clause_votes}
    return indicators, clauses


def combined_result(application: Application) -> CombinedResult | None:
    """The experts' submitted scores combined as the campaign says; None before any submit."""
    campaign = application.campaign
    rubric = campaign.rubric.engine_rubric()
    rows = ExpertScore.objects.filter(
        assignment__application=application, assignment__submitted_at__isnull=False
    ).values_list("code", "score", "clause_met")
    experts = application.assignments.filter(submitted_at__isnull=False).count()
    if experts == 0:
        return None
    indicators, clauses = combine(campaign, rubric, list(rows))
    result = _result(application, {c.code: c.value for c in indicators.values()}, clauses)
    return CombinedResult(result=result, indicators=indicators, experts=experts)


def combined_results(applications: Sequence[Application]) -> dict[int, CombinedResult | None]:
    """``combined_result`` for a list page (the decisions, the gaps): the experts' scores, the
    submitted experts and the facts in one query each, however many applications; its results
    carry no way to the next tier (``next_tier`` is None)."""
    out: dict[int, CombinedResult | None] = {a.pk: None for a in applications}
    if not applications:
        return out
    experts = Counter(
        ExpertAssignment.objects.filter(application_id__in=list(out), submitted_at__isnull=False)
        .order_by().values_list("application_id", flat=True)
    )
    rows: dict[int, list[tuple[str, Decimal | float | None, bool | None]]] = {}
    scores = (
        ExpertScore.objects.filter(assignment__application_id__in=list(out), assignment__submitted_at__isnull=False)
        .order_by("assignment__application_id", "assignment__expert", "id")  # as combined_result reads them
        # As floats, which combine() takes of them: a Decimal made per row and then turned
        # into a float was a third of a long list's time.
        .values_list("assignment__application_id", "code", Cast("score", FloatField()), "clause_met")
    )
    for application_id, code, score, clause in scores:
        rows.setdefault(application_id, []).append((code, score, clause))
    facts = facts_for(applications)
    rubrics: dict[int, Rubric] = {}
    thresholds: dict[int, dict[str, float]] = {}
    for application in applications:
        if not experts[application.pk]:
            continue
        campaign = application.campaign
        if campaign.pk not in rubrics:
            rubrics[campaign.pk] = campaign.rubric.engine_rubric()
            thresholds[campaign.pk] = gap_thresholds(campaign, rubrics[campaign.pk])
        indicators, clauses = combine(
            campaign, rubrics[campaign.pk], rows.get(application.pk, []), thresholds[campaign.pk]
        )
        result = _result(  # no way to the next tier: no list page shows it
            application, {c.code: c.value for c in indicators.values()}, clauses,
            rubric=rubrics[campaign.pk], facts=facts[application.pk], path=False,
        )
        out[application.pk] = CombinedResult(result=result, indicators=indicators, experts=experts[application.pk])
    return out


def published_applications(campaign: Campaign) -> QuerySet[Application]:
    """The certified schools of a published campaign (or the decided ones of its 公示), as the
    public page and the API list them: schools without a tier are not listed, and nothing but
    names and tiers is read from them."""
    status = Status.PUBLISHED if campaign.published_at is not None else Status.DECIDED
    return (
        Application.objects.filter(campaign=campaign, status=status)
        .exclude(decided_tier="")
        .select_related("school__county")
        .order_by("school__county__code", "school__code")
    )


def published_campaigns() -> QuerySet[Campaign]:
    """The campaigns whose results are public: published, or in their 公示 (``rules.notice_running``)."""
    return (
        Campaign.objects.filter(Q(published_at__isnull=False) | Q(notice_opened_at__isnull=False))
        .select_related("city").order_by(Coalesce("published_at", "notice_opened_at").desc())
    )


def published_campaign(pk: int) -> Campaign:
    """A campaign whose results are public (published, or in its 公示), or 404."""
    campaign = published_campaigns().filter(pk=pk).first()
    if campaign is None:
        raise Http404("没有找到已公布的结果")
    return campaign


def _missing(rubric: Rubric, scored: set[str]) -> list[str]:
    return [i.code for i in rubric.indicators if i.code not in scored]


def submit_problems(application: Application) -> list[str]:
    """What stops the school from submitting: no applied tier, indicators not self-assessed."""
    problems = []
    if not application.applied_tier:
        problems.append("请选择申报类型")
    rubric = application.campaign.rubric.engine_rubric()
    missing = _missing(rubric, set(application.scores.exclude(self_score=None).values_list("code", flat=True)))
    if missing:
        shown = "、".join(missing[:8]) + ("等" if len(missing) > 8 else "")
        problems.append(f"还有 {len(missing)} 个指标未自评：{shown}")
    return problems


def missing_expert_scores(assignment: ExpertAssignment) -> list[str]:
    """The indicators the expert has not scored yet."""
    rubric = assignment.application.campaign.rubric.engine_rubric()
    return _missing(rubric, set(assignment.scores.exclude(score=None).values_list("code", flat=True)))


def no_applications() -> QuerySet[Application]:
    """An empty list of applications (the API schema's placeholder)."""
    return Application.objects.none()


def expert_result(assignment: ExpertAssignment) -> SchoolResult:
    """What the expert's own scores give so far: total and tier (capped as the campaign says)."""
    rows = list(assignment.scores.all())
    return result_for(
        assignment.application,
        {r.code: float(r.score) for r in rows if r.score is not None},
        {r.code: bool(r.clause_met) for r in rows if r.clause_met is not None},
    )
