"""What is due: the campaign work that waits for someone, and until when.

One computation for the to-do page (``campuseval.todo``: the page and ``GET /api/todo/``) and
the deadline reminders (``campaigns/reminders.py``). The counting reads take the applications
or assignments the caller may see (a user's door for the to-do list, one campaign for the
reminders) and answer in one aggregated query each, however many applications there are. The
``*_due`` functions turn one user's doors into ``Due`` items, one per piece of work, with its
deadline and the page where it is done. Statuses and stages come from the rulebook
(``rules``), what a viewer may read of an application from ``visibility``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, F, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from campuseval.accounts import scope
from campuseval.accounts.models import Role
from campuseval.accounts.scope import AnyUser
from campuseval.campaigns import access, rules, visibility
from campuseval.campaigns.models import Application, Campaign, ExpertAssignment, Stage, Status
from campuseval.campaigns.selectors import school as school_reads

# How long the school's to-do list keeps the news that a campaign's results are published.
RESULTS_NEWS = dt.timedelta(days=30)

@dataclass(frozen=True)
class Due:
    role: str  # whose work: a Role value
    # school: returned, draft, apply, published; county: county_queue, county_list;
    # city: stage, assign, decide, publish; expert: review (the to-do page names each one)
    kind: str
    campaign: Campaign
    url: str  # the page where the work is done
    deadline: dt.datetime | None = None
    stage: str = ""  # the stage whose deadline (or start, not_open) ``deadline`` is
    count: int | None = None  # how many applications or reviews
    limit: int | None = None  # the county's quota, for the recommendation list
    place: str = ""  # the school or the county the work is for
    note: str = ""  # the county's note on a returned application
    tier: str = ""  # the tier awarded, once published and visible to the viewer


# --- the rulebook, read per campaign -----------------------------------------------------


def action_stages(action: str) -> set[str]:
    """Every stage in which ``action`` may be taken, from one status or another."""
    return set().union(*rules.RULES[action].starts.values())


def statuses_in(action: str, stage: str) -> list[str]:
    """The statuses from which ``action`` may be taken in ``stage``."""
    return [s for s, stages in rules.RULES[action].starts.items() if stage in stages]


def campaign_open(campaign: Campaign, action: str) -> bool:
    """Whether one of the stages of ``action`` is open now (for the campaign as a whole)."""
    return rules.any_open(campaign, action_stages(action))


def campaign_until(campaign: Campaign, action: str) -> tuple[str, dt.datetime]:
    """The last stage of ``action`` and its deadline."""
    last = max(action_stages(action), key=campaign.deadline_of)
    return last, campaign.deadline_of(last)


# --- the counting reads (one query each) -------------------------------------------------


def unsent(applications: QuerySet[Application], stage: str | None = None) -> QuerySet[Application]:
    """The applications the school has still to send: those it may submit (in ``stage``: those
    it may submit in that stage), i.e. drafts and returned ones."""
    statuses = rules.startable_statuses(rules.SUBMIT) if stage is None else statuses_in(rules.SUBMIT, stage)
    return applications.filter(status__in=statuses)


def _per(applications: QuerySet[Application], statuses: frozenset[str], *keys: str) -> dict[tuple[int, ...], int]:
    rows = (
        applications.filter(status__in=statuses)
        .order_by()
        .values(*keys)
        .annotate(n=Count("id", distinct=True))
    )
    return {tuple(r[k] for k in keys): r["n"] for r in rows}


def waiting_for_county(applications: QuerySet[Application]) -> dict[tuple[int, ...], int]:
    """Submissions awaiting the county's decision, per (campaign, county)."""
    return _per(applications, rules.AWAITING_COUNTY, "campaign_id", "school__county_id")


def recommended_by_county(applications: QuerySet[Application]) -> dict[tuple[int, ...], int]:
    """What each county has sent to the city (its recommendation list), per (campaign, county)."""
    return _per(applications, rules.RECOMMENDED_ONWARD, "campaign_id", "school__county_id")


def waiting_for_decision(applications: QuerySet[Application]) -> dict[int, int]:
    """Recommended applications the city has not decided yet, per campaign."""
    return {k[0]: n for k, n in _per(applications, rules.AWAITING_DECISION, "campaign_id").items()}


def waiting_for_experts(applications: QuerySet[Application]) -> dict[int, int]:
    """Applications the city may assign experts to that have fewer than the campaign asks,
    per campaign."""
    assigned = (
        ExpertAssignment.objects.filter(application=OuterRef("pk"))
        .order_by()
        .values("application")
        .annotate(c=Count("id"))
        .values("c")
    )
    short = applications.alias(
        assigned=Coalesce(Subquery(assigned, output_field=IntegerField()), 0)
    ).filter(assigned__lt=F("campaign__experts_per_application"))
    return {k[0]: n for k, n in _per(short, rules.startable_statuses(rules.ASSIGN), "campaign_id").items()}


def unsubmitted_reviews(assignments: QuerySet[ExpertAssignment]) -> dict[tuple[int, ...], int]:
    """Assignments not yet submitted, per (campaign, expert)."""
    rows = (
        assignments.filter(submitted_at=None)
        .order_by()
        .values("application__campaign_id", "expert_id")
        .annotate(n=Count("id"))
    )
    return {(r["application__campaign_id"], r["expert_id"]): r["n"] for r in rows}


# --- one user's work, role by role -------------------------------------------------------


def school_due(user: AnyUser, now: dt.datetime | None = None) -> list[Due]:
    """The school user's applications to finish, to revise, to start, and results published."""
    if not scope.has_role(user, Role.SCHOOL_USER):
        return []
    now = now or timezone.now()
    mine = access.applications_for(user, action="school")
    items: list[Due] = []
    for a in unsent(mine.filter(campaign__published_at=None)).order_by("campaign__application_deadline", "school__code"):
        found = rules.open_until(rules.SUBMIT, a)
        stage, at = found if found else ("", None)
        returned = a.status == Status.RETURNED
        view = visibility.application_view(user, a) if returned else None
        items.append(
            Due(
                Role.SCHOOL_USER, "returned" if returned else "draft", a.campaign,
                reverse("campaigns:school_application", args=[a.pk]), at, stage,
                place=a.school.name, note=a.county_note if view and view.county_comments else "",
            )
        )
    schools = access.own_schools(user)
    applied = list(mine.only("id", "campaign_id", "school_id"))
    for o in school_reads.openings(user, schools, applied):
        items.append(
            Due(
                Role.SCHOOL_USER, "apply", o.campaign, reverse("campaigns:school_applications"),
                o.deadline, Stage.APPLICATION, place=o.school.name,
            )
        )
    for a in mine.filter(campaign__published_at__gte=now - RESULTS_NEWS).order_by("-campaign__published_at"):
        view = visibility.application_view(user, a)
        items.append(
            Due(
                Role.SCHOOL_USER, "published", a.campaign,
                reverse("campaigns:school_application", args=[a.pk]), place=a.school.name,
                tier=a.decided_tier if view.decision else "",
            )
        )
    return items


def county_due(user: AnyUser, now: dt.datetime | None = None) -> list[Due]:
    """The county administrator's queue (submissions awaiting the county) and recommendation
    list, per campaign and county, until the county deadline (the queue stays, overdue, as long
    as something waits in it)."""
    if not scope.has_role(user, Role.COUNTY_ADMIN):
        return []
    counties = scope.places(user, {Role.COUNTY_ADMIN})
    campaigns = list(
        access.campaigns_for(user).filter(published_at=None, city_id__in={c.parent_id for c in counties})
        .order_by("county_review_deadline", "pk")
    )
    mine = access.applications_for(user, action="county").filter(campaign__in=campaigns)
    waiting = waiting_for_county(mine)
    sent = recommended_by_county(mine) if campaigns else {}
    items: list[Due] = []
    for campaign in campaigns:
        stage, at = campaign_until(campaign, rules.RECOMMEND)
        list_open = campaign_open(campaign, rules.RECOMMEND)
        for county in (c for c in counties if c.parent_id == campaign.city_id):
            query = f"?county={county.code}"
            n = waiting.get((campaign.pk, county.pk), 0)
            if n:
                url = reverse("campaigns:county_queue", args=[campaign.pk]) + query
                items.append(Due(Role.COUNTY_ADMIN, "county_queue", campaign, url, at, stage, n, place=county.name))
            if list_open:
                url = reverse("campaigns:county_list", args=[campaign.pk]) + query
                items.append(
                    Due(
                        Role.COUNTY_ADMIN, "county_list", campaign, url, at, stage,
                        sent.get((campaign.pk, county.pk), 0), campaign.quota_total, place=county.name,
                    )
                )
    return items


def city_due(user: AnyUser, now: dt.datetime | None = None) -> list[Due]:
    """Each campaign the city administrator runs, not yet published: its stage and deadline, the
    applications waiting for experts or a decision, and publication once it may happen."""
    if not scope.has_role(user, Role.CITY_ADMIN):
        return []
    now = now or timezone.now()
    campaigns = list(access.campaigns_for(user, write=True).filter(published_at=None).order_by("opens_at", "pk"))
    if not campaigns:
        return []
    mine = access.applications_for(user, action="city").filter(campaign__in=campaigns)
    undecided = waiting_for_decision(mine)
    unassigned = waiting_for_experts(mine)
    items: list[Due] = []
    for campaign in campaigns:
        stage = campaign.stage_at(now)
        at = campaign.deadline_of(stage) if stage in rules.DEADLINE_STAGES else campaign.opens_at
        detail = reverse("campaigns:campaign_detail", args=[campaign.pk])
        items.append(Due(Role.CITY_ADMIN, "stage", campaign, detail, at, stage.value))
        if unassigned.get(campaign.pk) and campaign_open(campaign, rules.ASSIGN):
            last, until = campaign_until(campaign, rules.ASSIGN)
            url = reverse("campaigns:assignments", args=[campaign.pk])
            items.append(Due(Role.CITY_ADMIN, "assign", campaign, url, until, last, unassigned[campaign.pk]))
        decisions = reverse("campaigns:decisions", args=[campaign.pk])
        pending = undecided.get(campaign.pk, 0)
        if pending and campaign_open(campaign, rules.DECIDE):
            last, until = campaign_until(campaign, rules.DECIDE)
            items.append(Due(Role.CITY_ADMIN, "decide", campaign, decisions, until, last, pending))
        try:
            rules.check_publish(campaign, pending=pending)
        except rules.WorkflowError:
            continue
        last, until = campaign_until(campaign, rules.DECIDE)
        items.append(Due(Role.CITY_ADMIN, "publish", campaign, decisions, until, last))
    return items


def expert_due(user: AnyUser, now: dt.datetime | None = None) -> list[Due]:
    """The expert's reviews not yet submitted, per campaign, until the city review's deadline."""
    if not scope.has_role(user, Role.EXPERT):
        return []
    pending = unsubmitted_reviews(access.assignments_for(user))
    campaigns = access.campaigns_for(user).in_bulk([c for c, _ in pending]) if pending else {}
    items = []
    for (campaign_id, _), n in pending.items():
        campaign = campaigns.get(campaign_id)
        if campaign is not None:
            at = campaign.deadline_of(Stage.CITY_REVIEW)
            url = reverse("campaigns:review_list")
            items.append(Due(Role.EXPERT, "review", campaign, url, at, Stage.CITY_REVIEW, n))
    return items


# The sources of the to-do list, in the order of its sections.
DUE_BY_ROLE = (
    (Role.SCHOOL_USER, school_due),
    (Role.COUNTY_ADMIN, county_due),
    (Role.CITY_ADMIN, city_due),
    (Role.EXPERT, expert_due),
)
