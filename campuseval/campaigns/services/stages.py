"""Ending a stage of the campaign now: the city's explicit stage action (结束申报、进入县级初评
...), and a deadline moved into the past, which asks the same confirmation and sends the same
notices. Deadlines still close stages by themselves when they pass."""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from campuseval.accounts import scope
from campuseval.accounts.models import Role, User
from campuseval.audit.services import audited_update
from campuseval.campaigns import rules
from campuseval.campaigns.models import Campaign
from campuseval.campaigns.selectors.stages import (
    CountyLocks,
    StageEnd,
    locked_applications,
    stage_end,
)
from campuseval.notifications.services import notify

from .common import tell_school


class StageEndUnconfirmed(rules.WorkflowError):
    """New deadlines would end running stages at once; ``ends`` says what they would lock."""

    def __init__(self, ends: list[StageEnd]) -> None:
        names = "、".join(f"“{e.label}”" for e in ends)
        super().__init__(f"这样修改会立即结束{names}阶段，请先确认")
        self.ends = ends


@transaction.atomic
def campaign_end_stage(*, by: User, campaign: Campaign, stage: str) -> Campaign:
    """End the running ``stage`` now: its deadline becomes now, the next stage begins, and the
    counties, the schools and the experts whose work it locks are told."""
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    now = timezone.now()
    rules.check_end_stage(campaign, stage, now)
    end = stage_end(campaign, stage)
    audited_update(
        campaign, {rules.DEADLINE_FIELDS[end.stage]: now}, tracked=[rules.DEADLINE_FIELDS[end.stage]],
        region_code=campaign.city.code, by=by,
    )
    tell_stage_ended(end)
    return campaign


def tell_stage_ended(end: StageEnd) -> None:
    """Every county of the city (with what its schools can no longer do), each school whose
    application is locked, each expert with an unsubmitted review."""
    campaign = end.campaign
    head = f"{campaign.name}：“{end.label}”已由市级结束，现为“{end.next_label}”阶段"
    by_county = {c.county.pk: c for c in end.counties}
    for county in campaign.city.children.all():
        parts = _county_parts(end, by_county.get(county.pk))
        detail = f"。本县{('、'.join(parts))}已不能再办理" if parts else ""
        notify(
            scope.holders(Role.COUNTY_ADMIN, region=county), kind="stage_ended",
            message=head + detail, url=reverse("campaigns:county_queue", args=[campaign.pk]),
        )
    for application in locked_applications(campaign, end.stage).select_related("school", "campaign"):
        actions = "、".join(end.locked[application.status])
        tell_school(
            application, kind="stage_ended",
            message=f"{head}。您的申报（{application.get_status_display()}）已不能再{actions}",
        )
    if end.experts:
        notify(
            scope.holders(Role.EXPERT, region=campaign.city).filter(pk__in=end.experts), kind="stage_ended",
            message=f"{head}。您未提交的评审已不能再提交",
            url=reverse("campaigns:review_list"),
        )


def _county_parts(end: StageEnd, locks: CountyLocks | None) -> list[str]:
    """“草稿 3 份、未申报的学校 2 所”: what the county's schools can no longer do."""
    if locks is None:
        return []
    parts = [f"{label} {locks.statuses[s]} 份" for s, label, _acts in end.status_columns if locks.statuses[s]]
    if locks.not_applied:
        parts.append(f"未申报的学校 {locks.not_applied} 所")
    return parts
