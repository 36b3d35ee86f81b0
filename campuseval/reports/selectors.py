"""Reads of the reports: the engine's result at the level of an application the viewer may see,
the county's and the city's averages from the dashboards' summary (``analytics.selectors``),
and the reviewers' comments the visibility rule lets the viewer read.

Nothing here decides what a viewer may see: ``campaigns.visibility.application_view`` does
(the county's work, the decision, the combined total, the city's detail), and
``access.live_averages`` (the dashboards' door) which averages a viewer compares with.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from campuseval.accounts.scope import AnyUser
from campuseval.analytics import selectors as summary
from campuseval.analytics.selectors import Scope
from campuseval.campaigns.models import Application, ExpertScore, IndicatorScore
from campuseval.campaigns.selectors import combined_result, county_result, self_result
from campuseval.campaigns.visibility import ApplicationView
from campuseval.engine import Rubric, SchoolResult

from . import access

SELF, COUNTY, EXPERT = "self", "county", "expert"


@dataclass(frozen=True)
class LevelResult:
    """The engine's result at one level, with the rows it came from (by indicator code) and
    the attribute of a row that holds its score (for ``score_summary``)."""

    level: str  # SELF, COUNTY or EXPERT
    result: SchoolResult
    rows: Mapping[str, Any]
    score_field: str


def level_result(application: Application, view: ApplicationView, rubric: Rubric) -> LevelResult:
    """The furthest level of the application the viewer may see in detail: the experts'
    combined scores (the city at any time; everyone else with the combined total, once
    published), else the county's scores when it has scored every indicator (a partial county
    review gives no meaningful total), else the school's own."""
    rows: list[IndicatorScore] = list(application.scores.all())
    if view.city_detail or view.combined_total:
        combined = combined_result(application)
        if combined is not None:
            return LevelResult(EXPERT, combined.result, combined.indicators, "value")
    by_code = {r.code: r for r in rows}
    if view.county_work and all(
        by_code.get(i.code) is not None and by_code[i.code].county_score is not None for i in rubric.indicators
    ):
        county = county_result(application)
        if county is not None:
            return LevelResult(COUNTY, county, by_code, "county_score")
    return LevelResult(SELF, self_result(application, rows), by_code, "self_score")


@dataclass(frozen=True)
class Averages:
    county: Scope
    city: Scope | None
    live: bool  # today's averages; otherwise those of the campaigns published by today
    county_means: dict[str, float]
    city_means: dict[str, float]


def averages(user: AnyUser, application: Application) -> Averages:
    """Each area's mean in the school's county and city for the campaign's year and rubric, at
    the level that counts (``analytics.selectors.area_means``): today's for whoever may open
    the county's dashboard, else only of campaigns already published."""
    county = application.school.county
    live = access.live_averages(user, county)
    as_of = None if live else timezone.localdate()
    year = application.campaign.year
    rubric_code = application.campaign.rubric.code
    in_county = Scope(county, year, as_of)
    in_city = Scope(county.parent, year, as_of) if county.parent is not None else None
    return Averages(
        in_county, in_city, live,
        summary.area_means(in_county, rubric_code),
        summary.area_means(in_city, rubric_code) if in_city is not None else {},
    )


@dataclass(frozen=True)
class Comment:
    source: str  # "county" or "expert"
    author: str  # the county's name, or the expert's
    code: str  # the indicator; blank for the application as a whole
    text: str


def comments(application: Application, view: ApplicationView, rubric: Rubric) -> list[Comment]:
    """The reviewers' comments the viewer may read: the county's (its note and each
    indicator's) where ``view.county_comments``, the experts' submitted ones where
    ``view.city_detail``; in the rubric's order."""
    order = {ind.code: n for n, ind in enumerate(rubric.indicators)}
    out: list[Comment] = []
    if view.county_comments:
        county = application.school.county.name
        if application.county_note:
            out.append(Comment("county", county, "", application.county_note))
        rows = sorted((r for r in application.scores.all() if r.county_comment), key=lambda r: order.get(r.code, len(order)))
        out += [Comment("county", county, r.code, r.county_comment) for r in rows]
    if view.city_detail:
        found = (
            ExpertScore.objects.filter(assignment__application=application, assignment__submitted_at__isnull=False)
            .exclude(comment="").select_related("assignment__expert")
        )
        experts = sorted(found, key=lambda e: (e.assignment.expert.username, order.get(e.code, len(order))))
        out += [
            Comment("expert", e.assignment.expert.full_name or e.assignment.expert.username, e.code, e.comment)
            for e in experts
        ]
    return out
