"""Reads of the dashboards: aggregates of the summary table over a region (and everything
below it, by code prefix), grouped by the region's units (a province's cities, a city's
counties), for a year and optionally as of a past day.

As of a day: the pipeline is rebuilt from the applications' state history (``ApplicationEvent``),
certifications count from their campaign's publication, plans from their own dated records,
and scores from the campaigns published by then (their results are final).
"""

from __future__ import annotations

import datetime as dt
import functools
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Avg, Count, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone

from campuseval.accounts import scope
from campuseval.campaigns.models import ApplicationEvent, Campaign, Status
from campuseval.campaigns.rules import RECOMMENDED_ONWARD
from campuseval.engine import Rubric
from campuseval.plans import progress
from campuseval.regions.models import Region, School

from .models import (
    ApplicationSummary,
    AreaSummary,
    IndicatorRollup,
    IndicatorSummary,
)


def end_of(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.max, tzinfo=timezone.get_current_timezone())


@dataclass(frozen=True)
class Unit:
    """A part of the region the dashboard compares: a city of a province, a county of a city,
    or the county itself."""

    code: str
    name: str
    pk: int = 0  # the region's id


@dataclass(frozen=True)
class Scope:
    region: Region
    year: int | None  # the campaigns' year the charts read; None: no campaign yet
    as_of: dt.date | None = None

    @property
    def prefix(self) -> str:
        return scope.region_prefix(self.region)

    @property
    def unit_length(self) -> int:
        """How many characters of a county code name the unit: a city's 4, a county's 6."""
        return 4 if self.region.level == Region.Level.PROVINCE else 6

    @functools.cached_property
    def units(self) -> list[Unit]:
        """The region's units, read once for every chart of the page."""
        return units(self.region)

    def unit_of(self, county_code: str) -> str:
        code = county_code[: self.unit_length]
        return code.ljust(6, "0")


def units(region: Region) -> list[Unit]:
    if region.level == Region.Level.COUNTY:
        return [Unit(region.code, region.name, region.pk)]
    return [Unit(r.code, r.name, r.pk) for r in Region.objects.filter(parent=region).order_by("code")]


def _in_region(qs: QuerySet[Any], s: Scope, field_name: str = "region_code") -> QuerySet[Any]:
    return qs.filter(**{f"{field_name}__startswith": s.prefix})


def campaigns(s: Scope) -> QuerySet[Campaign]:
    """The campaigns of the region's city (or the province's cities) in the scope's year,
    opened by the day asked."""
    qs = Campaign.objects.filter(city__code__startswith=s.prefix[:4], year=s.year or 0)
    if s.as_of is not None:
        qs = qs.filter(opens_at__lte=end_of(s.as_of))
    # The rubric's content is read only when its engine model is not cached yet (``engine_rubric``).
    return qs.select_related("rubric", "city").defer("rubric__content")


def years(region: Region) -> list[int]:
    """The years with campaigns in the region, latest first."""
    prefix = scope.region_prefix(region)[:4]
    return sorted(set(Campaign.objects.filter(city__code__startswith=prefix).values_list("year", flat=True)), reverse=True)


def _summaries(s: Scope, *, final: bool = False) -> QuerySet[ApplicationSummary]:
    """The summary rows of the scope's year; ``final`` (and as of a day): only campaigns
    published by then."""
    qs = _in_region(ApplicationSummary.objects.filter(year=s.year or 0), s)
    if s.as_of is not None:
        qs = qs.filter(campaign__published_at__lte=end_of(s.as_of))
    elif final:
        qs = qs.filter(campaign__published_at__isnull=False)
    return qs


def _scored(s: Scope, model: Any) -> QuerySet[Any]:
    """Area or indicator rows of the scope's year, counted (submitted, not withdrawn; the
    indicators' rollup holds only those); as of a day, of the campaigns published by then."""
    qs = _in_region(model.objects.filter(year=s.year or 0, **({} if model is IndicatorRollup else {"counted": True})), s)
    if s.as_of is not None:
        qs = qs.filter(campaign_id__in=Campaign.objects.filter(published_at__lte=end_of(s.as_of)).values("pk"))
    return qs


# --- certification and coverage ---------------------------------------------------------------


@dataclass
class TierRow:
    unit: Unit
    schools: int
    by_tier: dict[str, int] = field(default_factory=dict)

    @property
    def certified(self) -> int:
        return sum(self.by_tier.values())


def certified(s: Scope) -> dict[int, tuple[str, str]]:
    """Each certified school's latest tier by the day asked: school id -> (tier, county code)."""
    qs = _in_region(ApplicationSummary.objects.filter(status=Status.PUBLISHED).exclude(decided_tier=""), s)
    if s.as_of is not None:
        qs = qs.filter(campaign__published_at__lte=end_of(s.as_of))
    out: dict[int, tuple[str, str]] = {}
    for school, tier, code in qs.order_by("year", "campaign__published_at").values_list(
        "school_id", "decided_tier", "region_code"
    ):
        out[school] = (tier, code)
    return out


def school_counts(s: Scope) -> Counter[str]:
    """Schools (teaching points included) per unit code, from the groups of schools the plans'
    progress reads too (``school_groups``: once per page)."""
    codes = {u.pk: u.code for u in s.units}
    out: Counter[str] = Counter()
    for county, parent, grandparent, _stage, _location, n in progress.school_groups(s.region):
        unit = next((pk for pk in (county, parent, grandparent) if pk in codes), None)
        if unit is not None:
            out[codes[unit]] += n
    return out


def tier_rows(s: Scope) -> list[TierRow]:
    counts = school_counts(s)
    rows = {u.code: TierRow(u, counts.get(u.code, 0)) for u in s.units}
    for tier, code in certified(s).values():
        row = rows.get(s.unit_of(code))
        if row is not None:
            row.by_tier[tier] = row.by_tier.get(tier, 0) + 1
    return list(rows.values())


# --- the pipeline ------------------------------------------------------------------------------


@dataclass
class PipelineRow:
    unit: Unit
    by_status: Counter[str]
    quota: int | None
    recommended: int


def statuses(s: Scope) -> dict[int, tuple[str, str]]:
    """Each application of the year's campaigns: id -> (status, county code), today's or as
    it stood at the end of the day asked (from the history of its states)."""
    if s.as_of is None:
        return {
            app: (status, code)
            for app, status, code in _in_region(ApplicationSummary.objects.filter(year=s.year or 0), s).values_list(
                "application_id", "status", "region_code"
            )
        }
    events = ApplicationEvent.objects.filter(
        application__campaign__in=campaigns(s), application__school__county__code__startswith=s.prefix,
        at__lte=end_of(s.as_of),
    ).order_by("at", "id").values_list("application_id", "to_status", "application__school__county__code")
    return {app: (status, code) for app, status, code in events}


def pipeline_rows(s: Scope) -> list[PipelineRow]:
    rows = {u.code: PipelineRow(u, Counter(), None, 0) for u in s.units}
    for status, code in statuses(s).values():
        row = rows.get(s.unit_of(code))
        if row is not None:
            row.by_status[status] += 1
            if status in RECOMMENDED_ONWARD:
                row.recommended += 1
    if s.region.level != Region.Level.PROVINCE:
        quotas = [c.quota_total for c in campaigns(s) if c.quota_total]
        for row in rows.values():
            row.quota = sum(quotas) if quotas else None
    return list(rows.values())


# --- scores ---------------------------------------------------------------------------------


def main_rubric(s: Scope) -> tuple[str, Rubric] | None:
    """The rubric most of the year's applications in the region use (code, engine rubric)."""
    counted = _summaries(s).values("campaign__rubric__code").annotate(n=Count("pk")).order_by("-n", "campaign__rubric__code")[:1]
    if not counted:
        return None
    code = counted[0]["campaign__rubric__code"]
    campaign = campaigns(s).filter(rubric__code=code).first() or Campaign.objects.filter(rubric__code=code).first()
    assert campaign is not None
    return code, campaign.rubric.engine_rubric()


COUNTED_AREA = Coalesce("expert_total", "county_total", "self_total")


def area_means(s: Scope, rubric_code: str, *, school: School | None = None) -> dict[str, float]:
    """The mean of each area's total at the level that counts."""
    qs = _scored(s, AreaSummary).filter(campaign__rubric__code=rubric_code)
    if school is not None:
        qs = qs.filter(application__school=school)
    return {a: round(v, 2) for a, v in qs.values("area").annotate(v=Avg(COUNTED_AREA)).values_list("area", "v")}


# --- the schools behind a number --------------------------------------------------------------


def behind(s: Scope, what: str, key: str, unit: str) -> tuple[set[int] | None, str]:
    """The school ids behind a dashboard number and what they are (None: all the unit's
    schools). ``what``: certified (key: a tier or blank for any), status, missed (key: an
    indicator code), schools."""
    in_unit = (lambda code: s.unit_of(code) == unit) if unit else (lambda code: True)
    if what == "certified":
        ids = {sid for sid, (tier, code) in certified(s).items() if in_unit(code) and (not key or tier == key)}
        return ids, f"已认定{key or ''}"
    if what == "status":
        chosen = {app for app, (status, code) in statuses(s).items() if status == key and in_unit(code)}
        ids = set(ApplicationSummary.objects.filter(pk__in=chosen).values_list("school_id", flat=True))
        return ids, f"{s.year} 年度 {Status(key).label}" if key in Status.values else ""
    if what == "missed":
        rows = _scored(s, IndicatorSummary).filter(missed=True, code=key).values_list("application_id", "region_code")
        apps = [app for app, code in rows if in_unit(code)]
        ids = set(ApplicationSummary.objects.filter(pk__in=apps).values_list("school_id", flat=True))
        return ids, f"{s.year} 年度未达到指标 {key}"
    return None, "全部学校"


def school_rows(s: Scope, school: School) -> list[ApplicationSummary]:
    """One school's applications, latest first (its own dashboard)."""
    qs = ApplicationSummary.objects.filter(school=school).select_related("campaign")
    if s.as_of is not None:
        qs = qs.filter(campaign__opens_at__lte=end_of(s.as_of))
    return list(qs.order_by("-year"))


def school_missed(application_id: int) -> list[tuple[str, str]]:
    """The ★/▲ indicators one application misses at the level that counts: (kind, code)."""
    return list(
        IndicatorSummary.objects.filter(application_id=application_id, missed=True)
        .order_by("kind", "code").values_list("kind", "code")
    )
