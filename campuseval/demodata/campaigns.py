"""Demo campaigns: one at each stage of the workflow, as it stands at the moment the demo runs.

Every write goes through ``campuseval.campaigns.services`` as the user who would make it (the
school, its county, an expert, the city), so the states, events, audit records and inbox
notifications are the real ones. The services compare deadlines with the real clock, so
each campaign is opened with the deadlines still ahead that its work needs, the work is done,
and then ``campaign_update`` moves the passed deadlines back into the past, one at a time
and always in order, until the campaign sits in its stage today. The times of the events
are therefore all "now"; the deadlines tell the story.

Scores come from each school's facts and a random stream seeded by ``--seed``: better
equipped schools score higher, a school whose facts contradict an indicator either claims it
anyway (reviewers see the warning and take the points away) or scores it honestly down.
The engine gives the tier each school applies for, the county's recommendation and the
city's decision.

The parts: ``stories`` (what each school is like and does), ``builder`` (the city, its
schools and users, who applies), ``steps`` (each user's workflow steps), ``stages`` (the five
campaigns) and ``summary`` (what was built, for the command's output).
"""

from __future__ import annotations

from django.db import transaction

from campuseval.rubrics.models import Rubric
from campuseval.rubrics.services import rubrics_load_shipped

from .stages import _Campaigns
from .summary import CampaignSummary, campaign_summary

__all__ = ["TAIZHOU", "WEIFANG", "CampaignSummary", "campaign_summary", "demo_campaigns_create"]

TAIZHOU, WEIFANG = "taizhou-2022", "weifang-2022"


def _rubrics() -> dict[str, Rubric]:
    """The latest versions of the demo's rubrics, loading the shipped files when one is missing."""

    def latest() -> dict[str, Rubric | None]:
        return {
            c: Rubric.objects.filter(code=c).order_by("-version").first()
            for c in (TAIZHOU, WEIFANG)
        }

    found = latest()
    if None in found.values():
        rubrics_load_shipped()
        found = latest()
    missing = [code for code, rubric in found.items() if rubric is None]
    if missing:
        raise LookupError(f"没有找到评估标准 {'、'.join(missing)}：请检查 rubrics/ 目录中的文件")
    return {code: rubric for code, rubric in found.items() if rubric is not None}


@transaction.atomic
def demo_campaigns_create(*, seed: int, year: int) -> list[CampaignSummary]:
    """Build one campaign at each stage in the demo city (``demo_create`` builds the city).

    Returns their summaries in workflow order: application, county review, city review,
    decision, published.
    """
    rubrics = _rubrics()
    builder = _Campaigns(seed=seed, year=year)
    built = [  # the oldest first, so that the audit trail reads in order
        builder.published(rubrics[TAIZHOU]),
        builder.decision_stage(rubrics[TAIZHOU]),
        builder.city_stage(rubrics[TAIZHOU]),
        builder.county_stage(rubrics[WEIFANG]),
        builder.application_stage(rubrics[TAIZHOU]),
    ]
    return [campaign_summary(c) for c in reversed(built)]
