"""What each dashboard page shows, assembled from the selectors and the charts (no writes)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.paginator import Paginator

from campuseval.accounts import scope
from campuseval.accounts.scope import AnyUser
from campuseval.plans.progress import shared_reads
from campuseval.regions.models import Region, School

from . import access, presenters, selectors
from .models import RegionMap
from .selectors import Scope


@dataclass(frozen=True)
class Crumb:
    name: str
    link: str


def scope_for(region: Region, year: int | None, as_of: dt.date | None) -> Scope:
    """The year asked, else the latest with campaigns up to the day asked."""
    if year is None:
        years = [y for y in selectors.years(region) if as_of is None or y <= as_of.year]
        year = years[0] if years else None
    return Scope(region, year, as_of)


def region_map(region: Region) -> RegionMap | None:
    return RegionMap.objects.filter(region=region).first()


def crumbs(user: AnyUser, region: Region, s: Scope) -> list[Crumb]:
    """The way up to the highest region the viewer may open."""
    allowed = set(access.dashboard_regions(user).values_list("pk", flat=True))
    out: list[Crumb] = []
    node: Region | None = region
    while node is not None and node.pk in allowed:
        out.insert(0, Crumb(node.name, presenters.dashboard_link(node.code, s)))
        node = node.parent
    return out


def region_page(
    user: AnyUser, region: Region, year: int | None, as_of: dt.date | None, only: str | None = None
) -> dict[str, Any]:
    """A region's dashboard; ``only``: that one chart (an export)."""
    s = scope_for(region, year, as_of)
    parent = Scope(region.parent, s.year, as_of) if region.parent and region.level == Region.Level.COUNTY else None
    found = region_map(region)
    with shared_reads():
        charts = _charts(user, s, parent, found, only)
    return {
        "region": region, "scope": s, "charts": charts, "crumbs": crumbs(user, region, s),
        "years": selectors.years(region), "region_map": found,
        "units": s.units if region.level != Region.Level.COUNTY else [],
    }


def _charts(
    user: AnyUser, s: Scope, parent: Scope | None, found: RegionMap | None, only: str | None
) -> list[presenters.Chart]:
    return presenters.charts(s, parent, experts=access.sees_experts(user), geo=found.geojson if found else None, only=only)


SCHOOLS_PER_PAGE = 100


def schools_page(user: AnyUser, region: Region, data: dict[str, Any], page_number: str | None = None) -> dict[str, Any]:
    s = scope_for(region, data.get("year"), data.get("as_of"))
    what, key, unit = data.get("what") or "schools", data.get("key") or "", data.get("unit") or ""
    ids, label = selectors.behind(s, what, key, unit)
    unit_region = Region.objects.filter(code=unit).first() if unit else None
    qs = access.dashboard_schools(user, region)
    if unit:  # a unit of the region (one outside it, or unknown, has no schools here)
        qs = qs.filter(scope.region_q("county__", [unit_region] if unit_region else []))
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    page = Paginator(qs.select_related("county").order_by("county__code", "code"), SCHOOLS_PER_PAGE).get_page(page_number)
    certified = selectors.certified(s)
    return {
        "region": region, "scope": s, "label": label, "schools": list(page.object_list), "page": page,
        "crumbs": crumbs(user, region, s),
        "tiers": {sid: tier for sid, (tier, _code) in certified.items()},
        "unit": unit_region,
    }


def school_page(user: AnyUser, school: School, as_of: dt.date | None) -> dict[str, Any]:
    county = school.county
    rows = selectors.school_rows(Scope(county, None, as_of), school)
    latest = rows[0] if rows else None
    s = Scope(county, latest.year if latest else None, as_of)
    chart = None
    if latest is not None:
        found = selectors.main_rubric(s)
        mine = selectors.area_means(s, found[0], school=school) if found else {}
        city = Scope(county.parent, s.year, as_of) if county.parent else None
        chart = presenters.area_chart(s, city, school_means=mine, school_name=school.name, found=found)
    missed = selectors.school_missed(latest.application_id) if latest else []
    return {
        "school": school, "scope": s, "rows": rows, "chart": chart, "missed": missed,
        "crumbs": crumbs(user, county, s), "as_of": as_of,
    }
