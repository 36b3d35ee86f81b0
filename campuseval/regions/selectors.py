"""Reads on regions and schools: the door to both (``schools_for``, ``regions_for``) on the
roles and places of ``accounts.scope``."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import Enum

from django.db.models import Count, Q, QuerySet

from campuseval.accounts import scope
from campuseval.accounts.scope import AnyUser, is_admin, is_platform_admin
from campuseval.engine.facts import FACTS

from .models import Region, School, SchoolFacts


def schools_for(user: AnyUser, *, write: bool = False) -> QuerySet[School]:
    """Schools the user may see (or change, with ``write``): the door to schools."""
    qs = School.objects.select_related("county", "central_school")
    if not user.is_authenticated:
        return qs.none()
    if is_platform_admin(user):
        return qs
    regions = scope.places(user, scope.WRITE_ROLES if write else scope.READ_ROLES)
    return qs.filter(scope.region_q("county__", regions) | Q(pk__in=scope.own_school_ids(user)))


def regions_for(user: AnyUser, *, write: bool = False) -> QuerySet[Region]:
    """Regions the user may see; only platform administrators change regions."""
    qs = Region.objects.select_related("parent")
    if not user.is_authenticated:
        return qs.none()
    if is_platform_admin(user):
        return qs
    if write:
        return qs.none()
    regions = scope.places(user, scope.READ_ROLES)
    own_counties = School.objects.filter(pk__in=scope.own_school_ids(user)).values("county_id")
    return qs.filter(scope.region_q("", regions) | Q(pk__in=own_counties))


class SchoolAccess(Enum):
    """What a user may change on one school."""

    NONE = "none"
    CONTACT = "contact"  # the own school: contact fields and facts
    FULL = "full"  # an administrator of the school's county: the whole profile and facts


def counties_for_write(user: AnyUser) -> QuerySet[Region]:
    """Counties in which the user may add schools (or move schools to).

    Administrators (platform, city, county) may write in the counties they see; observers and
    school users see counties too but write in none.
    """
    counties = regions_for(user).filter(level=Region.Level.COUNTY)
    return counties if is_admin(user) else counties.none()


def may_create_regions(user: AnyUser) -> bool:
    return is_platform_admin(user)


def may_edit_schools(user: AnyUser) -> bool:
    """Whether the user may change any school at all (else a change page is 403, not 404)."""
    return schools_for(user, write=True).exists()


def school_access(user: AnyUser, school: School) -> SchoolAccess:
    if not schools_for(user, write=True).filter(pk=school.pk).exists():
        return SchoolAccess.NONE
    if counties_for_write(user).filter(pk=school.county_id).exists():
        return SchoolAccess.FULL
    return SchoolAccess.CONTACT


_DEPTH = {Region.Level.PROVINCE: 0, Region.Level.CITY: 1, Region.Level.COUNTY: 2}


@dataclass(frozen=True)
class RegionRow:
    region: Region
    depth: int
    schools: int


def region_rows(user: AnyUser) -> list[RegionRow]:
    """The regions the user sees, in tree order, each with the number of schools in scope."""
    per_county = schools_for(user).order_by().values_list("county__code").annotate(n=Count("id"))
    # A GB/T 2260 code's stem (2, 4 or 6 digits) names its province, city or county.
    totals: dict[str, int] = {}
    for code, n in per_county:
        for stem in (code[:2], code[:4], code):
            totals[stem] = totals.get(stem, 0) + n
    rows = []
    for region in regions_for(user):
        depth = _DEPTH[Region.Level(region.level)]
        rows.append(RegionRow(region, depth, totals.get(region.code[: 2 + 2 * depth], 0)))
    # A province, then each city followed by its counties.
    rows.sort(key=lambda r: (r.region.code[:2], r.region.code[:4] if r.depth else "", r.depth, r.region.code))
    return rows


def school_teaching_points(user: AnyUser, school: School) -> QuerySet[School]:
    return schools_for(user).filter(central_school=school).order_by("code")


@dataclass(frozen=True)
class FactsHistory:
    """A school's facts with the years as columns (newest first) and one row per fact."""

    years: list[int]
    rows: list[tuple[str, list[str]]]


def _shown(value: int | Decimal | None) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    return str(value)


def facts_history(school: School) -> FactsHistory:
    facts = list(SchoolFacts.objects.filter(school=school).order_by("-year"))
    rows = [
        (FACTS[name], [_shown(getattr(f, name)) for f in facts]) for name in SchoolFacts.NUMBER_FIELDS
    ]
    return FactsHistory(years=[f.year for f in facts], rows=rows)


def facts_of(school: School, year: int) -> SchoolFacts | None:
    return SchoolFacts.objects.filter(school=school, year=year).first()
