"""The door to campaigns, applications and expert assignments: the one road to them for pages,
the API, exports and jobs.

Querysets (``campaigns_for``, ``applications_for``, ``assignments_for``) are what a user may see
or act on; the ``*_for_*`` functions return one object for one purpose, answering 404 outside
scope (``Http404``) and 403 for a role that may never act (``PermissionDenied`` with the gate's
message). DRF turns both into its own responses.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from campuseval.accounts import gates, scope
from campuseval.accounts.models import Role
from campuseval.accounts.scope import AnyUser, get_in_scope
from campuseval.regions.models import Region, School
from campuseval.regions.selectors import regions_for, schools_for

from . import rules
from .models import Application, Campaign, ExpertAssignment, Objection

ACTIONS = ("view", "school", "county", "city")


# --- campaigns ----------------------------------------------------------------------------


def campaigns_for(user: AnyUser, *, write: bool = False) -> QuerySet[Campaign]:
    """Campaigns: everyone sees their city's; city administrators run them (``write``)."""
    qs = Campaign.objects.select_related("city", "rubric")
    if not user.is_authenticated:
        return qs.none()
    if write:
        return qs.filter(city__in=scope.places(user, {Role.CITY_ADMIN}))
    if scope.is_platform_admin(user):
        return qs
    return qs.filter(city_id__in=scope.city_ids(user))


def campaign_for_viewer(user: AnyUser, pk: int) -> Campaign:
    return get_in_scope(campaigns_for(user), pk=pk)


def campaign_run_by(user: AnyUser, pk: int) -> Campaign:
    """A campaign the user runs as its city's administrator."""
    gates.require(user, "city")
    return get_in_scope(campaigns_for(user, write=True), pk=pk)


def runs(user: AnyUser, campaign: Campaign) -> bool:
    return campaigns_for(user, write=True).filter(pk=campaign.pk).exists()


def cities_run_by(user: AnyUser) -> QuerySet[Region]:
    """The cities in which the user may open a campaign."""
    ids = [r.pk for r in scope.places(user, {Role.CITY_ADMIN})]
    return Region.objects.filter(level=Region.Level.CITY, pk__in=ids).order_by("code")


def counties_for(user: AnyUser, campaign: Campaign) -> list[Region]:
    """The counties of the campaign's city the user may open: their own, or all for the city."""
    return list(
        regions_for(user).filter(parent=campaign.city, level=Region.Level.COUNTY).order_by("code")
    )


def county_for_viewer(user: AnyUser, campaign: Campaign, code: str = "") -> tuple[Region, list[Region]]:
    """The county named by ``code`` (default: the first one the user may open), and the choice."""
    counties = counties_for(user, campaign)
    county: Region | None
    if code:
        county = next((c for c in counties if c.code == code), None)
    else:
        county = counties[0] if counties else None
    if county is None:
        raise Http404("没有找到该县（市、区），或您无权访问")
    return county, counties


def quota_counties(user: AnyUser, campaign: Campaign) -> list[Region]:
    """Whose recommendation quotas the user sees: every county for the city's (and platform)
    administrators, their own for county administrators, none for anyone else."""
    counties = Region.objects.filter(parent=campaign.city, level=Region.Level.COUNTY).order_by("code")
    if scope.is_platform_admin(user) or runs(user, campaign):
        return list(counties)
    own = {r.pk for r in scope.places(user, {Role.COUNTY_ADMIN})}
    return [c for c in counties if c.pk in own]


# --- applications -------------------------------------------------------------------------


def applications_for(user: AnyUser, *, action: str = "view") -> QuerySet[Application]:
    """Applications a user may see, or act on as ``school``, ``county`` or ``city``.

    Experts see only the applications assigned to them, and only while the city review runs.
    """
    # Never the rubric's text with each row : the engine's model of it is kept per
    # version, and decoding the text per row was most of a long list's time.
    qs = Application.objects.select_related("campaign__rubric", "campaign__city", "school__county").defer(
        "campaign__rubric__content"
    )
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action}")
    if not user.is_authenticated:
        return qs.none()
    if action == "school":
        return qs.filter(school_id__in=scope.own_school_ids(user))
    if action == "county":
        return qs.filter(scope.region_q("school__county__", scope.places(user, {Role.COUNTY_ADMIN})))
    if action == "city":
        return qs.filter(campaign__city__in=scope.places(user, {Role.CITY_ADMIN}))
    if scope.is_platform_admin(user):
        return qs
    regions = scope.places(user, scope.READ_ROLES)
    return qs.filter(
        scope.region_q("school__county__", regions) | Q(school_id__in=scope.own_school_ids(user)) | _reviewing(user)
    ).distinct()


def _reviewing(user: AnyUser, prefix: str = "") -> Q:
    """The applications assigned to the expert, while their city review runs."""
    return Q(**{f"{prefix}assignments__expert": user}) & rules.city_review_running_q(f"{prefix}campaign__")


def applications_reviewed_by(user: AnyUser) -> QuerySet[Application]:
    """The applications the user reviews as an expert now (assigned, the city review running):
    what an expert may see of a school, and no more (its evidence: only what these link)."""
    if not user.is_authenticated:
        return Application.objects.none()
    return Application.objects.filter(_reviewing(user))


def acts_as(user: AnyUser, application: Application, action: str) -> bool:
    """Whether the user acts on this application as ``school``, ``county`` or ``city``."""
    return applications_for(user, action=action).filter(pk=application.pk).exists()


def application_for_viewer(user: AnyUser, pk: int, *, scores: bool = False) -> Application:
    qs = applications_for(user)
    return get_in_scope(qs.prefetch_related("scores") if scores else qs, pk=pk)


def _acting(user: AnyUser, pk: int, action: str, gate: str, scores: bool, **lookup: Any) -> Application:
    gates.require(user, gate)
    qs = applications_for(user, action=action).filter(**lookup)
    return get_in_scope(qs.prefetch_related("scores") if scores else qs, pk=pk)


def application_for_school(user: AnyUser, pk: int) -> Application:
    """The school's own application, to change it."""
    return _acting(user, pk, "school", "school", False)


def application_for_evidence(user: AnyUser, pk: int) -> Application:
    """The school's own application, to manage its evidence."""
    return _acting(user, pk, "school", "evidence", False)


def application_for_county(user: AnyUser, pk: int, *, scores: bool = False) -> Application:
    """An application of the county administrator's county, to score, return or recommend."""
    return _acting(user, pk, "county", "county", scores)


def application_for_county_reader(user: AnyUser, pk: int) -> Application:
    """An application on the county review pages (county administrators, and the city read-only)."""
    gates.require(user, "county_reader")
    return application_for_viewer(user, pk, scores=True)


def application_for_city(user: AnyUser, pk: int, campaign: Campaign | None = None) -> Application:
    """An application of the city administrator's city, to assign experts or decide."""
    lookup = {"campaign": campaign} if campaign is not None else {}
    return _acting(user, pk, "city", "city", False, **lookup)


def own_schools(user: AnyUser) -> list[School]:
    """The schools the user applies for as their school user."""
    return list(schools_for(user).filter(pk__in=scope.own_school_ids(user)).order_by("code"))


# --- expert assignments -------------------------------------------------------------------


def assignments_for(user: AnyUser) -> QuerySet[ExpertAssignment]:
    """An expert's own assignments, only while the city review of their campaign runs."""
    if not user.is_authenticated:
        return ExpertAssignment.objects.none()
    return ExpertAssignment.objects.select_related(
        "application__school__county", "application__campaign__rubric"
    ).defer("application__campaign__rubric__content").filter(rules.city_review_running_q("application__campaign__"), expert=user)


def assignment_for_expert(user: AnyUser, pk: int) -> ExpertAssignment:
    """The expert's own assignment, to score it: only while the city review runs."""
    gates.require(user, "expert")
    return get_in_scope(assignments_for(user), pk=pk)


def past_assignments_for(user: AnyUser) -> QuerySet[ExpertAssignment]:
    """The expert's own assignments whose city review has ended (read-only, kept for good)."""
    if not user.is_authenticated:
        return ExpertAssignment.objects.none()
    return ExpertAssignment.objects.select_related(
        "application__school__county", "application__campaign__rubric"
    ).defer("application__campaign__rubric__content").filter(expert=user).exclude(rules.city_review_running_q("application__campaign__")).filter(
        rules.city_review_started_q("application__campaign__")
    )


def assignment_for_expert_reader(user: AnyUser, pk: int) -> tuple[ExpertAssignment, bool]:
    """The expert's own assignment to read, and whether it may still be scored (the review runs)."""
    gates.require(user, "expert")
    running = assignments_for(user).filter(pk=pk).first()
    if running is not None:
        return running, True
    return get_in_scope(past_assignments_for(user), pk=pk), False


def assignment_for_city(user: AnyUser, campaign: Campaign, pk: int) -> ExpertAssignment:
    """An assignment of a campaign the user runs, to withdraw it."""
    gates.require(user, "city")
    qs = ExpertAssignment.objects.select_related("application__school__county", "expert").filter(
        application__in=applications_for(user, action="city").filter(campaign=campaign)
    )
    return get_in_scope(qs, pk=pk)


def objection_for_city(user: AnyUser, campaign: Campaign, pk: int) -> Objection:
    """An objection to the 公示 of a campaign the user runs (``campaign_run_by`` first)."""
    gates.require(user, "city")
    qs = Objection.objects.filter(campaign__in=campaigns_for(user, write=True), campaign=campaign)
    return get_in_scope(qs.select_related("application__school__county", "campaign"), pk=pk)
