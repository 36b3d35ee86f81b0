"""The door to the reports: no rule of its own. A school's report is open to whoever may see
its application (``campaigns.access.application_for_viewer``), a region's to whoever may open
its dashboards (``analytics.access.dashboard_region``); 404 outside scope, 403 for a role
without dashboards, as those doors answer."""

from __future__ import annotations

from campuseval.accounts.scope import AnyUser
from campuseval.analytics import access as dashboards
from campuseval.campaigns import access as campaigns
from campuseval.campaigns.models import Application
from campuseval.regions.models import Region


def report_application(user: AnyUser, pk: int) -> Application:
    """The application a school report is about, with its scores."""
    return campaigns.application_for_viewer(user, pk, scores=True)


def report_region(user: AnyUser, code: str) -> Region:
    """The region (city or county; a province too) a summary report is about."""
    return dashboards.dashboard_region(user, code)


def live_averages(user: AnyUser, county: Region) -> bool:
    """Whether the report compares with today's county and city averages: for whoever may open
    the county's dashboard, which shows them (a county against its city). Everyone else sees
    the averages of published campaigns only."""
    return dashboards.dashboard_regions(user).filter(pk=county.pk).exists()


def sees_experts(user: AnyUser) -> bool:
    """Each expert against the panel: the dashboards' rule."""
    return dashboards.sees_experts(user)
