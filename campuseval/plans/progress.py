"""Progress of a plan's targets, computed from the platform's own data, never typed:

- coverage and tier shares from published decisions (a decision counts from the day its
  campaign was published), over the target's school population;
- counts from published decisions or from construction tasks built or accepted;
- reported KPIs from their latest accepted report.

Each target's status, reason and gap come from the pure ``plans.outlook``; the projection of
certified targets uses the pipeline (the schools now in a campaign at each stage, times the
last published campaign's pass rate from that stage). Pages, the API, the exports and the
reminders read these functions."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Any, TypeVar

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from campuseval.campaigns import rules
from campuseval.campaigns.models import Application, Campaign, Status
from campuseval.engine.facts import FACTS, evaluate, expression_names
from campuseval.regions.models import Region, School, SchoolFacts

from . import outlook
from .models import ConstructionTask, Plan, ProgressReport, Target

DONE_TASKS = (ConstructionTask.Status.BUILT, ConstructionTask.Status.ACCEPTED)


@dataclass
class TargetProgress:
    target: Target
    current: Decimal | None  # a percent for coverage, a count, or the reported value
    numerator: int | None = None  # schools counted
    denominator: int | None = None  # the population (coverage)
    view: outlook.Outlook | None = None
    gap: str = ""  # what would close it, when not on track
    parts: list[TargetProgress] = field(default_factory=list)
    parts_problem: str = ""  # the county parts do not add up to the whole
    reported_on: dt.date | None = None  # the accepted report the value comes from
    as_of: dt.date | None = None  # the day the progress is computed for

    @property
    def since(self) -> dt.date | None:
        """Since when the status holds, as the daily job recorded it: only when the recorded
        status is the one computed and began on or before the day asked."""
        t = self.target
        if self.status is None or t.status != self.status.value or t.status_since is None:
            return None
        return t.status_since if self.as_of is None or t.status_since <= self.as_of else None

    @property
    def status(self) -> outlook.Status | None:
        return self.view.status if self.view else None


# --- the population and what counts --------------------------------------------------------


def population(target: Target) -> QuerySet[School]:
    """The schools the target counts in: its region's, narrowed by scope, stage and location
    (``narrowing``; ``Population`` reads the same rule from counts of schools)."""
    region = target.region
    qs = School.objects.filter(county=region) if region.level == Region.Level.COUNTY else School.objects.filter(
        county__in=Region.objects.filter(Q(parent=region) | Q(parent__parent=region))
    )
    for name, value, equal in narrowing(target):
        qs = qs.filter(**{name: value}) if equal else qs.exclude(**{name: value})
    return qs


Narrowing = list[tuple[str, str, bool]]  # (school field, value, equal: True; differs: False)


def narrowing(target: Target) -> Narrowing:
    """How the target narrows its region's schools: scope (teaching points or not), stage,
    location."""
    terms: Narrowing = []
    if target.scope == Target.Scope.SCHOOLS:
        terms.append(("stage", School.Stage.TEACHING_POINT, False))
    elif target.scope == Target.Scope.TEACHING_POINTS:
        terms.append(("stage", School.Stage.TEACHING_POINT, True))
    if target.school_stage:
        terms.append(("stage", target.school_stage, True))
    if target.location:
        terms.append(("location", target.location, True))
    return terms


GroupKey = tuple[int, str, str]  # a school's county id, stage and location
# A group of schools: county id, the county's parent and grandparent ids, stage, location, count.
Group = tuple[int, int | None, int | None, str, str, int]
SCHOOL_GROUP = ("county_id", "stage", "location")  # a row's school fields, in GroupKey order


@dataclass(frozen=True)
class Population:
    """A target's population as the groups of schools (county, stage, location) it takes in:
    whether a school belongs is whether its group does, and its size is the groups' sum, so
    neither needs every school's id."""

    groups: frozenset[GroupKey]
    size: int

    def has(self, *group: Any) -> bool:
        """Whether a school of this group (county id, stage, location) belongs."""
        return tuple(group) in self.groups


def _school_groups(regions: list[Region]) -> list[Group]:
    """The schools of these regions counted by county, stage and location."""
    ids = [r.pk for r in regions]
    up = {
        pk: (parent, grandparent) for pk, parent, grandparent in
        Region.objects.filter(Q(pk__in=ids) | Q(parent_id__in=ids) | Q(parent__parent_id__in=ids))
        .values_list("pk", "parent_id", "parent__parent_id")
    }
    counts = (
        School.objects.filter(county_id__in=list(up)).order_by()
        .values_list("county_id", "stage", "location").annotate(n=Count("pk"))
    )
    return [(county, *up[county], stage, location, n) for county, stage, location, n in counts]


def _by_region(groups: list[Group]) -> dict[int, list[Group]]:
    """Groups under each region they lie in: their county, its parent, its grandparent."""
    out: dict[int, list[Group]] = {}
    for group in groups:
        for pk in {*group[:3]} - {None}:
            out.setdefault(pk, []).append(group)  # type: ignore[arg-type]
    return out


def _above(region: Region) -> list[int]:
    """The ids of the regions above this one (its city, its province), from one read of the
    region tree per page."""
    parents = _shared("parents", lambda: dict(Region.objects.values_list("pk", "parent_id")))
    out, pk = [], parents.get(region.pk)
    while pk is not None and pk not in out:
        out.append(pk)
        pk = parents.get(pk)
    return out


def school_groups(region: Region) -> list[Group]:
    """The schools of the region counted by group. Within ``shared_reads`` read once per page,
    and taken from an enclosing region's groups where the page read those already (a province's
    dashboard and its cities' plans count the same schools)."""
    def compute() -> list[Group]:
        memo = _SHARED.get() or {}
        for pk in _above(region):
            if ("groups", pk) in memo:
                read = memo[("groups", pk)]
                return _shared(("groups by region", pk), lambda: _by_region(read)).get(region.pk, [])  # noqa: B023 (called at once)
        return _school_groups([region])

    return _shared(("groups", region.pk), compute)


def _population(target: Target) -> Population:
    region = target.region
    key = ("population", region.pk, target.scope, target.school_stage, target.location)

    def compute() -> Population:
        groups = school_groups(region)
        terms = narrowing(target)
        taken = [
            (county, stage, location, n) for county, _parent, _grandparent, stage, location, n in groups
            if all(({"stage": stage, "location": location}[name] == value) == equal for name, value, equal in terms)
        ]
        return Population(frozenset((c, st, loc) for c, st, loc, _n in taken), sum(n for *_k, n in taken))

    return _shared(key, compute)


def counted_campaigns(plan: Plan) -> QuerySet[Campaign]:
    """The campaigns whose results the plan counts (``counted_by_plan``)."""
    return Campaign.objects.filter(pk__in=[c.pk for c in counted_by_plan([plan])[plan.pk]])


def counted_by_plan(plans: list[Plan]) -> dict[int, list[Campaign]]:
    """Each plan's counted campaigns (rubric selected): those it names, else its city's; in
    three queries however many plans."""
    named: dict[int, list[Campaign]] = {}
    # The rubric's content is read only when its engine model is not cached yet (``engine_rubric``).
    links = (
        Plan.campaigns.through.objects.filter(plan_id__in=[p.pk for p in plans])
        .select_related("campaign__rubric").defer("campaign__rubric__content")
    )
    for link in links.order_by("campaign__pk"):
        named.setdefault(link.plan_id, []).append(link.campaign)
    rest = [p for p in plans if p.pk not in named]
    regions = {r.pk: r for r in Region.objects.filter(pk__in={p.region_id for p in rest})}
    city_of: dict[int, int | None] = {
        p.pk: p.region_id if regions[p.region_id].level == Region.Level.CITY else regions[p.region_id].parent_id
        for p in rest
    }
    by_city: dict[int, list[Campaign]] = {}
    for campaign in (
        Campaign.objects.filter(city_id__in=set(city_of.values())).select_related("rubric").defer("rubric__content").order_by("pk")
    ):
        by_city.setdefault(campaign.city_id, []).append(campaign)
    return {p.pk: named[p.pk] if p.pk in named else by_city.get(city_of[p.pk] or 0, []) for p in plans}


# --- reads shared by the targets of a page ----------------------------------------------------

T = TypeVar("T")
Row = TypeVar("Row", bound=tuple[Any, ...])
_SHARED: ContextVar[dict[Any, Any] | None] = ContextVar("plans_progress_shared", default=None)


@contextmanager
def shared_reads() -> Iterator[None]:
    """Within the block, what every target of a plan reads again (its counted campaigns, the
    last campaign's outcomes, a population's size) is read once. The memo lives only as long
    as the block (one page), so nothing read in it outlives the request."""
    if _SHARED.get() is not None:  # already shared by an enclosing block
        yield
        return
    token = _SHARED.set({})
    try:
        yield
    finally:
        _SHARED.reset(token)


def _shared(key: Any, compute: Callable[[], T]) -> T:
    memo = _SHARED.get()
    if memo is None:
        return compute()
    if key not in memo:
        memo[key] = compute()
    return memo[key]


def _counted(plan: Plan) -> list[Campaign]:
    return _shared(("counted", plan.pk), lambda: counted_by_plan([plan])[plan.pk])


def share_plans(plans: list[Plan]) -> None:
    """Within ``shared_reads``: read the rows many plans' targets need (certifications, done
    tasks, accepted reports, last campaigns' outcomes) in one query each rather than one per
    plan (a province's board holds a plan per city). Nothing is decided here: each plan's rows
    are what its own reads below would load."""
    memo = _SHARED.get()
    if memo is None or not plans:
        return
    counted = counted_by_plan(plans)
    for plan_id, found in counted.items():
        memo[("counted", plan_id)] = found
    regions = {p.region_id: p.region for p in plans}
    read = {key[1] for key in memo if isinstance(key, tuple) and key[0] == "groups"}
    if any(not read.intersection([r.pk, *_above(r)]) for r in regions.values()):  # else taken from those read
        by_region: dict[int, list[Group]] = {}
        for group in _school_groups(list(regions.values())):
            chain = group[:3]  # county, its parent, its grandparent: those read whole are the plans' and below
            top = max(n for n, pk in enumerate(chain) if pk in regions)
            for pk in chain[: top + 1]:
                by_region.setdefault(pk, []).append(group)  # type: ignore[arg-type]
        for pk, groups in by_region.items():
            memo[("groups", pk)] = groups
    published = {p: {c.pk for c in cs if c.published_at is not None} for p, cs in counted.items()}
    certified = _by_campaign(_certified_rows(set().union(*published.values())))
    for plan_id, ids in published.items():
        memo[("certified", plan_id)] = [r for pk in ids for r in certified.get(pk, [])]
    tasks, reports = _task_rows(plans), _accepted_reports(plans)
    finals = _final_rows({c.pk for c in map(_last_published, counted.values()) if c is not None})
    unpublished = {p: {c.pk: c for c in cs if c.published_at is None} for p, cs in counted.items()}
    running = _running_rows({pk: c for cs in unpublished.values() for pk, c in cs.items()})
    for plan_id in tasks:
        running_ids = unpublished[plan_id]
        memo[("running", plan_id)] = [r for r in running if r[1] in running_ids]
        memo[("tasks", plan_id)] = tasks[plan_id]
        memo[("reports", plan_id)] = reports[plan_id]
    for campaign_id, outcome in finals.items():
        memo[("finals", campaign_id)] = outcome


def _by_campaign(rows: list[Row]) -> dict[int, list[Row]]:
    """Rows whose second field is their campaign, by campaign (in their order)."""
    out: dict[int, list[Row]] = {}
    for row in rows:
        out.setdefault(row[1], []).append(row)
    return out


def _last_published(campaigns: list[Campaign]) -> Campaign | None:
    published = [c for c in campaigns if c.published_at is not None]
    return max(published, key=lambda c: c.published_at) if published else None  # type: ignore[arg-type,return-value]


def tier_choices(plan: Plan) -> list[str]:
    """The tiers of the rubrics the plan's campaigns use, highest first, each once."""
    names: dict[str, None] = {}
    for campaign in sorted(_counted(plan), key=lambda c: -c.year):
        names.update(dict.fromkeys(campaign.tier_names))
    return list(names)


def _reaches(tier: str, wanted: str, tiers: list[str]) -> bool:
    """Whether an awarded ``tier`` is ``wanted`` or above in the campaign's rubric (highest
    first); no ``wanted`` tier: any award counts."""
    if not tier:
        return False
    if not wanted:
        return True
    return wanted in tiers and tier in tiers and tiers.index(tier) <= tiers.index(wanted)


def _awards(campaigns: dict[int, Campaign], wanted: str) -> set[tuple[int, str]]:
    """The (campaign, decided tier) pairs that reach ``wanted`` (``_reaches``)."""
    out: set[tuple[int, str]] = set()
    for pk, campaign in campaigns.items():
        tiers = campaign.tier_names
        out.update((pk, tier) for tier in tiers if _reaches(tier, wanted, tiers))
    return out


def _certified_rows(campaign_ids: set[int]) -> list[tuple[int, int, str, GroupKey]]:
    """The published applications of these campaigns: school, campaign, decided tier, and the
    school's group (county, stage, location)."""
    return [
        (school, campaign, tier, (county, stage, location))
        for school, campaign, tier, county, stage, location in Application.objects.filter(campaign_id__in=campaign_ids, status=Status.PUBLISHED)
        .order_by().values_list("school_id", "campaign_id", "decided_tier", *(f"school__{f}" for f in SCHOOL_GROUP))
    ]


def certified_schools(target: Target, as_of: dt.date) -> set[int]:
    """The schools of the population certified at the target's tier or above by ``as_of``
    (its year alone for a target that is not cumulative)."""
    end = dt.datetime.combine(as_of, dt.time.max, tzinfo=timezone.get_current_timezone())
    by_pk = {
        c.pk: c for c in _counted(target.plan)
        if c.published_at is not None and c.published_at <= end
        and (target.cumulative or timezone.localtime(c.published_at).year == target.year)
    }
    every = {c.pk for c in _counted(target.plan) if c.published_at is not None}
    rows = _shared(("certified", target.plan_id), lambda: _certified_rows(every))
    groups = _population(target).groups
    awards = _awards(by_pk, target.tier)
    return {school for school, campaign, tier, group in rows if (campaign, tier) in awards and group in groups}


def done_tasks(target: Target, as_of: dt.date) -> int:
    """The plan's tasks of the target's category in its population built (or, without a build
    date, accepted) by ``as_of``, planned up to its year (that year alone when not cumulative)."""
    tasks = _shared(("tasks", target.plan_id), lambda: _task_rows([target.plan])[target.plan_id])
    schools = _population(target)

    def counts(year: int, built: dt.date | None, accepted: dt.date | None) -> bool:
        done = built <= as_of if built is not None else accepted is not None and accepted <= as_of
        in_years = year <= target.year if target.cumulative else year == target.year
        return done and in_years

    return sum(
        1 for category, _school, year, built, accepted, *group in tasks
        if category == target.category and schools.has(*group) and counts(year, built, accepted)
    )


def _task_rows(plans: list[Plan]) -> dict[int, list[tuple[Any, ...]]]:
    """Each plan's done tasks: category, school, year, built on, accepted on, then the school's
    group (county, stage, location)."""
    out: dict[int, list[tuple[Any, ...]]] = {p.pk: [] for p in plans}
    for plan_id, *task in ConstructionTask.objects.filter(plan__in=plans, status__in=DONE_TASKS).values_list(
        "plan_id", "category", "school_id", "year", "built_on", "accepted_on", *(f"school__{f}" for f in SCHOOL_GROUP)
    ):
        out[plan_id].append(tuple(task))
    return out


def schools_meeting(target: Target, as_of: dt.date) -> tuple[int, int]:
    """How many schools of the population meet the target's fact condition in their latest
    facts up to ``as_of``'s year, of how many: a school without facts does not meet it."""
    schools = population(target)
    latest: dict[int, SchoolFacts] = {}
    for facts in SchoolFacts.objects.filter(school__in=schools, year__lte=as_of.year).order_by("school_id", "year"):
        latest[facts.school_id] = facts
    names = expression_names(target.fact_expr)
    meeting = 0
    for facts in latest.values():
        value = evaluate(target.fact_expr, {n: getattr(facts, n) for n in names if getattr(facts, n) is not None})
        if value is not None and target.fact_min is not None and Decimal(str(value)) >= target.fact_min:
            meeting += 1
    return meeting, schools.count()


def fact_condition(target: Target) -> str:
    """The condition as an action: “互联网（教育城域网）接入带宽（Mbit/s）提高到 200 及以上”."""
    label = FACTS.get(target.fact_expr.strip(), target.fact_expr)
    limit = f"{target.fact_min.normalize():f}" if target.fact_min is not None else ""
    return f"{label}提高到 {limit} 及以上"


def latest_accepted(target: Target, as_of: dt.date) -> ProgressReport | None:
    """The target's latest accepted report up to ``as_of`` (the latest made, on the same day)."""
    reports = _shared(("reports", target.plan_id), lambda: _accepted_reports([target.plan])[target.plan_id])
    found = [r for r in reports.get(target.pk, []) if r.as_of <= as_of]
    return max(found, key=lambda r: (r.as_of, r.created_at)) if found else None


def _accepted_reports(plans: list[Plan]) -> dict[int, dict[int, list[ProgressReport]]]:
    """Each plan's accepted reports by target."""
    out: dict[int, dict[int, list[ProgressReport]]] = {p.pk: {} for p in plans}
    for report in ProgressReport.objects.filter(target__plan__in=plans, status=ProgressReport.Status.ACCEPTED).select_related("target"):
        out[report.target.plan_id].setdefault(report.target_id, []).append(report)
    return out


# --- the pipeline ---------------------------------------------------------------------------

PIPELINE_STAGES = (
    ("已提交，待县级推荐", rules.AWAITING_COUNTY | {Status.RETURNED}),
    ("已推荐，待市级认定", rules.AWAITING_DECISION),
    ("已认定，待公布", frozenset({Status.DECIDED})),
)


def pass_rates(target: Target) -> list[Fraction]:
    """From each pipeline stage, the share of the last published campaign's applications that
    were certified at the target's tier or above (0 where that stage had none)."""
    last = _last_published(_counted(target.plan))
    if last is None:
        return [Fraction(0)] * len(PIPELINE_STAGES)
    tiers = last.tier_names
    finals = _shared(("finals", last.pk), lambda: _final_rows({last.pk})[last.pk])
    reached = sum(n for _s, tier, n in finals if _reaches(tier, target.tier, tiers))
    recommended = sum(n for status, _t, n in finals if status in rules.RECOMMENDED_ONWARD)
    submitted = sum(n for *_k, n in finals)
    return [
        Fraction(reached, submitted) if submitted else Fraction(0),
        Fraction(reached, recommended) if recommended else Fraction(0),
        Fraction(1),  # decided: the tier is known; counted below only when it reaches
    ]


def _final_rows(campaign_ids: set[int]) -> dict[int, list[tuple[str, str, int]]]:
    """Each campaign's submitted applications (not drafts, not withdrawn) counted by status and
    decided tier."""
    out: dict[int, list[tuple[str, str, int]]] = {pk: [] for pk in campaign_ids}
    for campaign_id, status, tier, n in (
        Application.objects.filter(campaign_id__in=campaign_ids)
        .exclude(status__in=[Status.DRAFT, Status.WITHDRAWN]).order_by()
        .values_list("campaign_id", "status", "decided_tier").annotate(n=Count("pk"))
    ):
        out[campaign_id].append((status, tier, n))
    return out


def _running_rows(campaigns: dict[int, Campaign]) -> list[tuple[Any, ...]]:
    """The applications of campaigns not published yet (school, campaign, status, decided
    tier, then the school's group), the latest year's first: a school in two counts at its
    latest campaign's stage."""
    if not campaigns:
        return []
    rows = [
        (school, campaign, status, tier, (county, stage, location))
        for school, campaign, status, tier, county, stage, location in Application.objects.filter(campaign_id__in=list(campaigns))
        .order_by("campaign_id", "pk")
        .values_list("school_id", "campaign_id", "status", "decided_tier", *(f"school__{f}" for f in SCHOOL_GROUP))
    ]
    return sorted(rows, key=lambda r: -campaigns[r[1]].year)  # the latest year's campaign first


def pipeline(target: Target, counted: set[int]) -> outlook.Pipeline:
    """The schools of the population now in an unpublished campaign, per stage."""
    campaigns = {c.pk: c for c in _counted(target.plan) if c.published_at is None}
    awards = _awards(campaigns, target.tier)
    rows = _shared(("running", target.plan_id), lambda: _running_rows(campaigns))
    groups = _population(target).groups
    rates = pass_rates(target)
    seen: set[int] = set()
    counts = [0] * len(PIPELINE_STAGES)
    for school, campaign, status, tier, group in rows:
        if group not in groups or school in counted:
            continue
        for n, (_label, statuses) in enumerate(PIPELINE_STAGES):
            if status in statuses and school not in seen:
                if n == 2 and (campaign, tier) not in awards:
                    continue
                counts[n] += 1
                seen.add(school)
    return outlook.Pipeline([(label, counts[n], rates[n]) for n, (label, _s) in enumerate(PIPELINE_STAGES)])


# --- one target -----------------------------------------------------------------------------


def _start(target: Target) -> dt.date:
    return dt.date(target.plan.start_year, 1, 1)


def target_progress(target: Target, today: dt.date | None = None, *, with_parts: bool = True) -> TargetProgress:
    today = today or timezone.localdate()
    progress = measure(target, today)
    progress.as_of = today
    if progress.current is not None and target.value is not None:
        pipe = None
        # The running campaigns forecast only a target due this year; a later one is projected
        # from the growth so far.
        if target.measure == Target.Measure.CERTIFIED and today.year == target.due.year and today <= target.due:
            pipe = pipeline(target, certified_schools(target, today))
        progress.view = outlook.assess(
            target=target.value, current=progress.current, baseline=target.baseline,
            start=_start(target), due=target.due, today=today, pipeline=_as_percent(pipe, progress),
            unit=target.unit,
        )
        progress.gap = _gap(target, progress, today)
    elif target.milestone and target.value is None:
        progress.view = _milestone(target, today)
    elif today > target.due:
        progress.view = outlook.Outlook(outlook.Status.OVERDUE, f"已过截止日期 {target.due:%Y-%m-%d}，尚无已采纳的进度填报")
    if with_parts:
        parts = list(target.parts.select_related("region", "plan").order_by("region__code"))
        progress.parts = [target_progress(p, today, with_parts=False) for p in parts]
        progress.parts_problem = parts_problem(target, parts)
    return progress


def measure(target: Target, today: dt.date) -> TargetProgress:
    """The value reached by ``today`` alone (no status, no projection): the coverage line of
    the dashboards reads it year by year."""
    if target.measure == Target.Measure.REPORTED:
        report = latest_accepted(target, today)
        value = report.value if report is not None else None
        return TargetProgress(target, value, reported_on=report.as_of if report else None)
    if target.measure == Target.Measure.FACTS:
        count, whole = schools_meeting(target, today)
        share = outlook.percent_half_up(count, whole)
        return TargetProgress(target, Decimal(share) if share is not None else None, count, whole)
    count = (
        len(certified_schools(target, today)) if target.measure == Target.Measure.CERTIFIED
        else done_tasks(target, today)
    )
    if target.kind == Target.Kind.COVERAGE:
        whole = _population(target).size
        share = outlook.percent_half_up(count, whole)
        return TargetProgress(target, Decimal(share) if share is not None else None, count, whole)
    return TargetProgress(target, Decimal(count), count)


def _as_percent(pipe: outlook.Pipeline | None, progress: TargetProgress) -> outlook.Pipeline | None:
    """For a coverage target the pipeline counts schools; the outlook compares percents."""
    if pipe is None or progress.target.kind != Target.Kind.COVERAGE:
        return pipe
    whole = progress.denominator or 0
    if not whole:
        return None
    return outlook.Pipeline([(label, n, rate) for label, n, rate in pipe.stages], scale=Fraction(100, whole))


def _needed_schools(target: Target, progress: TargetProgress) -> int:
    """How many more schools reach the target; for coverage, the fewest whose share of the
    population rounds (half up) to the target."""
    assert target.value is not None
    have = progress.numerator if progress.numerator is not None else int(progress.current or 0)
    if target.kind != Target.Kind.COVERAGE and target.measure != Target.Measure.FACTS:
        return max(0, math.ceil(target.value) - have)
    return max(0, outlook.count_for_share(target.value, progress.denominator or 0) - have)


def _gap(target: Target, progress: TargetProgress, today: dt.date) -> str:
    view = progress.view
    if view is None or view.status in (outlook.Status.DONE, outlook.Status.ON_TRACK):
        return ""
    if target.measure == Target.Measure.CERTIFIED:
        what = f"学校被推荐并通过认定{('（' + target.tier + '及以上）') if target.tier else ''}"
        return outlook.gap_sentence(
            place=target.region.name, needed=_needed_schools(target, progress), unit="所", what=what,
            by=target.due if today <= target.due else None, today=today,
        )
    if target.measure == Target.Measure.FACTS:
        return outlook.gap_sentence(
            place=target.region.name, needed=_needed_schools(target, progress), unit="所",
            what=f"学校将{fact_condition(target)}", by=target.due if today <= target.due else None, today=today,
        )
    if target.measure == Target.Measure.TASKS:
        return outlook.shortfall_sentence(
            category=f"{target.region.name}{target.category}", year=target.year,
            needed=_needed_schools(target, progress), unit=target.unit,
        )
    needed = (target.value or Decimal(0)) - (progress.current or Decimal(0))
    who = target.lead.name if target.lead else target.plan.region.name
    return f"{who}：{target.text}还差 {needed.normalize():f}{target.unit}"


def _milestone(target: Target, today: dt.date) -> outlook.Outlook:
    report = latest_accepted(target, today)
    if report is not None and report.achieved:
        return outlook.Outlook(outlook.Status.DONE, f"已于 {report.as_of:%Y-%m-%d} 完成：{target.milestone}")
    if today > target.due:
        return outlook.Outlook(outlook.Status.OVERDUE, f"已过截止日期 {target.due:%Y-%m-%d}，尚未完成：{target.milestone}")
    return outlook.Outlook(outlook.Status.ON_TRACK, f"{target.due:%Y-%m-%d} 前完成：{target.milestone}")


def parts_problem(target: Target, parts: list[Target]) -> str:
    """A count split into county parts must add up to the whole (a warning naming the gap)."""
    if not parts or target.kind != Target.Kind.COUNT or target.value is None:
        return ""
    total = sum((p.value or Decimal(0) for p in parts), Decimal(0))
    if total == target.value:
        return ""
    diff = target.value - total
    side = "少" if diff > 0 else "多"
    return (
        f"各县目标合计 {total.normalize():f}{target.unit}，比全市目标 {target.value.normalize():f}{target.unit}"
        f"{side} {abs(diff).normalize():f}{target.unit}"
    )


def plan_progress(plan: Plan, today: dt.date | None = None) -> list[TargetProgress]:
    """Every whole target of the plan (parts under their target), in the plan's order."""
    targets = plan.targets.filter(parent__isnull=True).select_related("region", "plan", "lead").order_by(
        "order", "year", "pk"
    )
    with shared_reads():
        return [target_progress(t, today) for t in targets]
