"""What ending a stage now would lock: the applications per county and status whose actions
close with the stage (read off the rulebook; a school's reopening keeps the stage open for it),
the schools that could still apply, the experts' unsubmitted reviews. The confirmation page, the API, the deadline edit and the notices read it."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, QuerySet
from django.utils import timezone

from campuseval.campaigns import rules
from campuseval.campaigns.models import (
    Application,
    Campaign,
    ExpertAssignment,
    Reopening,
    Stage,
    Status,
)
from campuseval.regions.models import Region, School

NAMES_SHOWN = 100  # schools named on the page; the counts cover all


@dataclass
class CountyLocks:
    county: Region
    statuses: Counter[str] = field(default_factory=Counter)  # status -> applications locked
    not_applied: int = 0  # schools of the county that could still start an application

    @property
    def total(self) -> int:
        return sum(self.statuses.values()) + self.not_applied


@dataclass
class StageEnd:
    """Ending ``stage`` of ``campaign`` now, and what it locks."""

    campaign: Campaign
    stage: Stage
    next_stage: Stage
    deadline: dt.datetime  # the deadline as it stands
    locked: dict[str, list[str]]  # status -> the actions that close for it
    counties: list[CountyLocks]
    schools: list[tuple[School, str]]  # (school, status label) locked, at most NAMES_SHOWN
    closes_applying: bool
    open_reviews: int  # experts' assignments not submitted (when expert scoring closes)
    experts: list[int]  # the experts with open reviews

    @property
    def label(self) -> str:
        return str(self.stage.label)

    @property
    def next_label(self) -> str:
        return str(self.next_stage.label)

    @property
    def status_columns(self) -> list[tuple[str, str, list[str]]]:
        """(status, label, actions) of the locked statuses that occur."""
        seen = {s for c in self.counties for s in c.statuses}
        return [(s, str(Status(s).label), acts) for s, acts in self.locked.items() if s in seen]

    @property
    def applications(self) -> int:
        return sum(sum(c.statuses.values()) for c in self.counties)

    @property
    def not_applied(self) -> int:
        return sum(c.not_applied for c in self.counties)

    @property
    def nothing(self) -> bool:
        return not (self.applications or self.not_applied or self.open_reviews)

    @property
    def rows(self) -> list[tuple[CountyLocks, list[int]]]:
        """Each county with its locked applications per column of ``status_columns``."""
        columns = [s for s, _label, _acts in self.status_columns]
        return [(c, [c.statuses[s] for s in columns]) for c in self.counties]

    @property
    def schools_not_named(self) -> int:
        return self.applications - len(self.schools)


def reopened_schools(campaign: Campaign, stage: str) -> QuerySet[Reopening, Any]:
    """Schools for which ``stage`` stays open past the end by a reopening (not locked)."""
    return Reopening.objects.filter(campaign=campaign, stage=stage, until__gt=timezone.now()).values("school_id")


def locked_applications(campaign: Campaign, stage: str) -> QuerySet[Application]:
    """The applications whose actions close when ``stage`` ends (the notices go to these)."""
    return Application.objects.filter(campaign=campaign, status__in=rules.locked_on_ending(stage)).exclude(
        school_id__in=reopened_schools(campaign, stage)
    )


def stage_end(campaign: Campaign, stage: str) -> StageEnd:
    """What ending ``stage`` now would lock (a fixed number of queries)."""
    stage = Stage(stage)
    locked = rules.locked_on_ending(stage)
    counties = {
        c.pk: CountyLocks(c)
        for c in Region.objects.filter(parent=campaign.city, level=Region.Level.COUNTY).order_by("code")
    }
    applications = locked_applications(campaign, stage)
    for row in applications.values("school__county_id", "status").annotate(n=Count("id")).order_by():
        if row["school__county_id"] in counties:
            counties[row["school__county_id"]].statuses[row["status"]] += row["n"]
    named = applications.select_related("school__county").order_by("school__county__code", "school__code")
    schools = [(a.school, a.get_status_display()) for a in named[:NAMES_SHOWN]]
    closes_applying = rules.closes_with(stage, rules.APPLY_STAGES)
    if closes_applying:
        idle = (
            School.objects.filter(county__parent=campaign.city)
            .exclude(applications__campaign=campaign)
            .exclude(pk__in=reopened_schools(campaign, stage))
            .values("county_id")
            .annotate(n=Count("id"))
            .order_by()
        )
        for row in idle:
            if row["county_id"] in counties:
                counties[row["county_id"]].not_applied = row["n"]
    experts: list[int] = []
    open_reviews = 0
    if rules.closes_with(stage, rules.EXPERT_STAGES):
        pending = ExpertAssignment.objects.filter(application__campaign=campaign, submitted_at__isnull=True)
        ids = list(pending.values_list("expert_id", flat=True))
        open_reviews, experts = len(ids), sorted(set(ids))
    return StageEnd(
        campaign=campaign,
        stage=stage,
        next_stage=rules.NEXT_STAGE[stage],
        deadline=campaign.deadline_of(stage),
        locked=locked,
        counties=[c for c in counties.values() if c.total],
        schools=schools,
        closes_applying=closes_applying,
        open_reviews=open_reviews,
        experts=experts,
    )


def endable_stage(campaign: Campaign) -> Stage | None:
    """The running stage the city may end now, if any."""
    current = campaign.stage_at(timezone.now())
    try:
        rules.check_end_stage(campaign, current)
    except rules.WorkflowError:
        return None
    return current
