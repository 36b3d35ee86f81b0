"""The door to the dashboards: which regions and schools a viewer may open, and what of the
experts a viewer may see. Regions and schools come through the regions' own door
(``regions_for``, ``schools_for``); outside scope is a 404, a role without dashboards a 403.
"""

from __future__ import annotations

from django.db.models import QuerySet

from campuseval.accounts import gates, scope
from campuseval.accounts.models import Role
from campuseval.accounts.scope import AnyUser
from campuseval.regions.models import Region, School
from campuseval.regions.selectors import regions_for, schools_for

LEVELS = (Region.Level.PROVINCE, Region.Level.CITY, Region.Level.COUNTY)


def dashboard_regions(user: AnyUser) -> QuerySet[Region]:
    """The regions whose dashboards the user may open (nothing without the gate)."""
    if not gates.passes(user, "dashboards"):
        return Region.objects.none()
    return regions_for(user).filter(level__in=LEVELS)


def dashboard_region(user: AnyUser, code: str) -> Region:
    gates.require(user, "dashboards")
    return scope.get_in_scope(dashboard_regions(user), code=code)


def dashboard_school(user: AnyUser, code: str) -> School:
    gates.require(user, "dashboards")
    return scope.get_in_scope(schools_for(user), code=code)


def dashboard_schools(user: AnyUser, region: Region) -> QuerySet[School]:
    """The schools behind a dashboard's numbers, as the viewer may see them."""
    return schools_for(user).filter(scope.region_q("county__", [region]))


def home_region(user: AnyUser) -> Region | None:
    """The region a viewer's dashboards open on: the highest one they may see."""
    regions = list(dashboard_regions(user).order_by("code"))
    for level in LEVELS:
        found = [r for r in regions if r.level == level]
        if found:
            return found[0]
    return None


def sees_experts(user: AnyUser) -> bool:
    """Each expert against the panel is the city's to judge: shown to city and platform
    administrators only (county administrators and observers see the indicators' spread)."""
    return scope.has_role(user, Role.CITY_ADMIN, Role.PLATFORM_ADMIN)
