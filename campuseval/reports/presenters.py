"""Rows for the reports' pages and the API: a school's report on one application, and a
region's summary report. Charts are the dashboards' own (``analytics.presenters``: the radar,
the tier distribution, the most missed indicators, the experts' agreement, the plan board);
the way to the next tier is the school page's (``campaigns.presenters.score_summary``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from campuseval.accounts.scope import AnyUser
from campuseval.analytics import plan_reads, score_reads
from campuseval.analytics import presenters as charts
from campuseval.analytics import selectors as summary
from campuseval.analytics.pages import scope_for
from campuseval.analytics.selectors import Scope
from campuseval.campaigns.models import Application
from campuseval.campaigns.presenters import PathView, ScoreSummary, score_summary
from campuseval.campaigns.visibility import ApplicationView, application_view
from campuseval.engine import Rubric
from campuseval.plans import outlook
from campuseval.plans.progress import shared_reads
from campuseval.regions.models import Region

from . import access, selectors
from .selectors import EXPERT, Comment

LEADING = 3  # strengths and weaknesses shown: the areas furthest above and below the county


def level_label(level: str) -> str:
    return {
        selectors.SELF: _("学校自评"), selectors.COUNTY: _("县级评分"), selectors.EXPERT: _("专家合成评分"),
    }[level]


# --- the school's report -----------------------------------------------------------------------


@dataclass(frozen=True)
class AreaRow:
    code: str
    title: str
    points: float
    score: float
    county: float | None  # the county's mean; None when there is none to compare with
    city: float | None

    @property
    def vs_county(self) -> float | None:
        return None if self.county is None else round(self.score - self.county, 2)

    @property
    def vs_city(self) -> float | None:
        return None if self.city is None else round(self.score - self.city, 2)

    # As the score pages write figures (1.50 -> "1.5"; — for none); differences with their sign.
    @property
    def texts(self) -> dict[str, str]:
        return {
            "points": charts.number(self.points), "score": charts.number(self.score),
            "county": charts.number(self.county), "city": charts.number(self.city),
            "vs_county": signed(self.vs_county), "vs_city": signed(self.vs_city),
        }


def signed(value: float | None) -> str:
    if value is None:
        return "—"
    return f"+{charts.number(value)}" if value > 0 else charts.number(value)


def area_rows(rubric: Rubric, mine: dict[str, float], county: dict[str, float], city: dict[str, float]) -> list[AreaRow]:
    return [
        AreaRow(a.code, a.title, a.points, round(mine.get(a.code, 0.0), 2), county.get(a.code), city.get(a.code))
        for a in rubric.areas
    ]


def strengths(rows: list[AreaRow], n: int = LEADING) -> list[AreaRow]:
    """The areas furthest above the county's mean (in points), the furthest first."""
    above = [r for r in rows if r.vs_county is not None and r.vs_county > 0]
    return sorted(above, key=lambda r: (-(r.vs_county or 0), r.code))[:n]


def weaknesses(rows: list[AreaRow], n: int = LEADING) -> list[AreaRow]:
    """The areas furthest below the county's mean (in points), the furthest first."""
    below = [r for r in rows if r.vs_county is not None and r.vs_county < 0]
    return sorted(below, key=lambda r: (r.vs_county or 0, r.code))[:n]


@dataclass
class SchoolReport:
    application: Application
    view: ApplicationView
    level: str
    summary: ScoreSummary  # total, the tier the level's scores give, missed ★/▲, the way up
    total: float
    max_total: float
    basic_met: int
    demo_met: int
    decided_tier: str | None  # the tier awarded (or the rubric's no-tier), when the viewer sees it
    combined_total: Decimal | None
    shows_scored_tier: bool
    areas: list[AreaRow]
    strengths: list[AreaRow]
    weaknesses: list[AreaRow]
    chart: charts.Chart  # the radar: the school against its county and city
    county: Region
    city: Region | None
    live: bool  # the averages are today's (else: of published campaigns)
    comments: list[Comment]

    @property
    def level_label(self) -> str:
        return level_label(self.level)

    @property
    def has_averages(self) -> bool:
        return any(r.county is not None or r.city is not None for r in self.areas)

    @property
    def scored_tier(self) -> str | None:
        """The tier the shown level's scores give, unless that would tell the viewer more than
        the decision they see."""
        return self.summary.tier if self.shows_scored_tier else None

    @property
    def path(self) -> PathView | None:
        return self.summary.path if self.shows_scored_tier else None

    @property
    def top_tier(self) -> bool:
        return self.shows_scored_tier and self.summary.path is None and self.summary.has_tier

    @property
    def averages(self) -> str:
        return "live" if self.live else "published"

    @property
    def strength_codes(self) -> list[str]:
        return [r.code for r in self.strengths]

    @property
    def weakness_codes(self) -> list[str]:
        return [r.code for r in self.weaknesses]

    @property
    def basic_missed(self) -> list[str]:
        return [c.code for c in self.summary.basic_missed] if self.shows_scored_tier else []

    @property
    def demo_missed(self) -> list[str]:
        return [c.code for c in self.summary.demo_missed] if self.shows_scored_tier else []

    @property
    def basic_met_shown(self) -> int | None:
        return self.basic_met if self.shows_scored_tier else None

    @property
    def demo_met_shown(self) -> int | None:
        return self.demo_met if self.shows_scored_tier else None

    @property
    def county_comments(self) -> list[Comment]:
        return [c for c in self.comments if c.source == "county"]

    @property
    def expert_comments(self) -> list[Comment]:
        return [c for c in self.comments if c.source == "expert"]


def school_report(user: AnyUser, application: Application) -> SchoolReport:
    """The report on an application (already through the door), as the viewer may see it."""
    view = application_view(user, application)
    rubric_row = application.campaign.rubric
    rubric = rubric_row.engine_rubric()
    found = selectors.level_result(application, view, rubric)
    result = found.result
    shown = score_summary(
        application, rubric_row, found.rows, result=result, score_field=found.score_field, engine=rubric,
    )
    decided = (application.decided_tier or rubric.no_tier) if view.decision else None
    # The experts' scores give a tier the city may have overridden; what would show it (the
    # tier, the missed ★/▲, the way up) stays the city's unless it is the decision itself.
    shows = view.city_detail or found.level != EXPERT or decided == result.tier_name
    means = selectors.averages(user, application)
    rows = area_rows(rubric, result.area_totals, means.county_means, means.city_means)
    chart = charts.area_chart(
        means.county, means.city, school_means={r.code: r.score for r in rows}, school_name=application.school.name,
        found=(rubric_row.code, rubric),
    )
    # A region without averages (none published yet) is not drawn as a polygon at 0.
    empty = {means.county.region.name} if not means.county_means else set()
    if means.city is not None and not means.city_means:
        empty.add(means.city.region.name)
    for series in chart.option.get("series", []):
        series["data"] = [d for d in series["data"] if d["name"] not in empty]
    return SchoolReport(
        application=application, view=view, level=found.level, summary=shown,
        total=round(result.total, 2), max_total=float(shown.max_total),
        basic_met=len(result.basic_met), demo_met=len(result.demo_met), decided_tier=decided,
        combined_total=application.combined_total if view.combined_total else None,
        shows_scored_tier=shows, areas=rows, strengths=strengths(rows), weaknesses=weaknesses(rows),
        chart=chart, county=means.county.region, city=means.city.region if means.city else None,
        live=means.live, comments=selectors.comments(application, view, rubric),
    )


# --- a region's summary report -----------------------------------------------------------------


@dataclass(frozen=True)
class TierCount:
    tier: str
    schools: int
    share: str  # of the region's schools, a whole percent


@dataclass(frozen=True)
class Totals:
    schools: int
    certified: int
    coverage: str
    by_tier: list[TierCount]


def totals(rows: list[summary.TierRow], tiers: list[str]) -> Totals:
    schools = sum(r.schools for r in rows)
    certified = sum(r.certified for r in rows)
    by_tier = [TierCount(t, n, charts.share(n, schools)) for t in tiers for n in [sum(r.by_tier.get(t, 0) for r in rows)]]
    return Totals(schools, certified, charts.share(certified, schools), by_tier)


@dataclass
class RegionReport:
    """The page: the headline figures and the dashboards' charts."""

    region: Region
    scope: Scope
    years: list[int]
    totals: Totals
    charts: list[charts.Chart] = field(default_factory=list)


def region_report(user: AnyUser, region: Region, year: int | None, as_of: dt.date | None) -> RegionReport:
    """Tier distribution, the most missed indicators and the experts' agreement of the year's
    campaigns (none before the first), and progress against the plans."""
    s = scope_for(region, year, as_of)
    with shared_reads():
        rows = summary.tier_rows(s)
        main = summary.main_rubric(s) if s.year is not None else None
        names = charts.tier_names(rows, main)
        found = [charts.tier_chart(s, rows, names)]
        if s.year is not None:
            sums = score_reads.indicator_sums(s)
            found += [charts.missed_chart(s, sums), charts.agreement_chart(s, experts=access.sees_experts(user), sums=sums)]
        found.append(charts.board_chart(s))
    return RegionReport(region, s, summary.years(region), totals(rows, names), found)


@dataclass(frozen=True)
class UnitTiers:
    code: str
    name: str
    schools: int
    certified: int
    by_tier: dict[str, int]


@dataclass(frozen=True)
class PlanRow:
    unit: str
    plan: int
    target: str
    status: str  # the status's label; blank when it has none
    reason: str
    gap: str


@dataclass
class RegionData:
    """The API: the same reads as the page's charts, as data."""

    region: Region
    scope: Scope
    tiers: list[str]
    totals: Totals
    units: list[UnitTiers]
    most_missed: list[score_reads.Missed]
    spreads: list[score_reads.Spread]
    experts: list[score_reads.ExpertAgreement] | None  # None: the viewer does not see experts
    plans: list[PlanRow]

    @property
    def year(self) -> int | None:
        return self.scope.year

    @property
    def as_of(self) -> dt.date | None:
        return self.scope.as_of


def region_data(user: AnyUser, region: Region, year: int | None, as_of: dt.date | None) -> RegionData:
    s = scope_for(region, year, as_of)
    sees = access.sees_experts(user)
    with shared_reads():
        rows = summary.tier_rows(s)
        names = charts.tier_names(rows, summary.main_rubric(s) if s.year is not None else None)
        scored = s.year is not None
        sums = score_reads.indicator_sums(s) if scored else []
        experts = (score_reads.expert_agreement(s) if scored else []) if sees else None
        board = plan_reads.board_rows(s)
    return RegionData(
        region=region, scope=s, tiers=names, totals=totals(rows, names),
        units=[UnitTiers(r.unit.code, r.unit.name, r.schools, r.certified, dict(r.by_tier)) for r in rows],
        most_missed=score_reads.most_missed(s, sums=sums) if scored else [],
        spreads=score_reads.spread_by_indicator(s, sums=sums) if scored else [],
        experts=experts, plans=[_plan_row(r) for r in board],
    )


def _plan_row(row: plan_reads.BoardRow) -> PlanRow:
    p = row.progress
    status: outlook.Status | None = p.status
    return PlanRow(row.unit, p.target.plan_id, p.target.text, status.label if status else "", p.view.reason if p.view else "", p.gap)
