"""Reads of the school's pages: its applications, their progress, the campaigns it may join."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, QuerySet

from campuseval.accounts.scope import AnyUser
from campuseval.campaigns import access, rules
from campuseval.campaigns.models import Application, Campaign, IndicatorScore
from campuseval.campaigns.selectors.carry import last_certified
from campuseval.regions.models import School


def my_applications(user: AnyUser) -> QuerySet[Application]:
    """The school user's applications, newest campaign first."""
    return access.applications_for(user, action="school").order_by(
        "-campaign__year", "-campaign__opens_at", "school__code"
    )


def scored_counts(applications: list[Application]) -> dict[int, int]:
    """How many indicators each application's self-assessment has scored (one query)."""
    rows = (
        IndicatorScore.objects.filter(application__in=applications, self_score__isnull=False)
        .values_list("application_id")
        .annotate(n=Count("id"))
    )
    return dict(rows)


@dataclass(frozen=True)
class Opening:
    campaign: Campaign
    school: School
    deadline: Any
    certified: Application | None = None  # the school's last certified application: 从上次认定的申报开始


def openings(user: AnyUser, schools: list[School], applications: list[Application]) -> list[Opening]:
    """The campaigns the user's schools may still apply to (and have not)."""
    applied = {(a.campaign_id, a.school_id) for a in applications}
    found = []
    for campaign in access.campaigns_for(user).filter(published_at__isnull=True).order_by("-opens_at"):
        for school in schools:
            if (campaign.pk, school.pk) not in applied and rules.may_apply(campaign, school):
                found.append(
                    Opening(campaign, school, campaign.application_deadline, last_certified(school, campaign))
                )
    return found


def application_of(campaign: Campaign, school: School) -> Application | None:
    return Application.objects.filter(campaign=campaign, school=school).first()


def own_application(user: AnyUser, pk: int) -> Application | None:
    """The application if it is the user's school's own (else None: the page is read-only)."""
    return access.applications_for(user, action="school").filter(pk=pk).first()


