"""What the demo built for a campaign, as ``campuseval demo`` prints it and the tests read it."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from django.db import models
from django.utils import timezone

from campuseval.campaigns.models import Campaign, Stage, Status
from campuseval.campaigns.selectors import combined_result


@dataclass(frozen=True)
class CampaignSummary:
    """What the demo built for one campaign, for the command's output and the tests."""

    name: str
    year: int
    rubric: str
    stage: str  # the stage's label today
    dates: tuple[tuple[str, str], ...]  # (label, local time), in order
    statuses: tuple[tuple[str, int], ...]  # (status label, applications), in workflow order
    lines: tuple[str, ...]  # what else there is to see: assignments, gaps, tiers


def _local(value: dt.datetime) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")


def campaign_summary(campaign: Campaign) -> CampaignSummary:
    """Its stage today, its dates and what its applications, experts and decisions look like."""
    campaign.refresh_from_db()
    dates = tuple(
        (str(field.verbose_name), _local(getattr(campaign, field.name)))
        for field in Campaign._meta.concrete_fields
        if isinstance(field, models.DateTimeField)
        and field.name != "created_at"
        and getattr(campaign, field.name) is not None
    )
    applications = list(campaign.applications.select_related("school__county", "campaign__rubric"))
    statuses = Counter(a.status for a in applications)
    lines = []
    if campaign.quota_total or campaign.quota_per_tier:
        caps = [f"每县至多 {campaign.quota_total} 所"] if campaign.quota_total else []
        caps += [f"{tier}至多 {n} 所" for tier, n in campaign.quota_per_tier.items()]
        lines.append("推荐名额：" + "，".join(caps))
    assignments = [x for a in applications for x in a.assignments.all()]
    if assignments:
        done = sum(x.submitted_at is not None for x in assignments)
        experts = len({x.expert_id for x in assignments})
        lines.append(f"专家评审：{len(assignments)} 份分配给 {experts} 位专家，已提交 {done} 份")
        reviewed = [a for a in applications if a.status == Status.UNDER_REVIEW]
        gaps = [c for a in reviewed if (r := combined_result(a)) for c in r.flagged]
        if gaps:
            lines.append(f"分差待议：{len(gaps)} 个指标（{'、'.join(g.code for g in gaps)}）")
    decided = [a for a in applications if a.status in (Status.DECIDED, Status.PUBLISHED)]
    if decided:
        tiers = Counter(a.decided_tier or "未达标" for a in decided)
        names = [*campaign.tier_names, "未达标"]
        overrides = sum(bool(a.override_reason) for a in decided)
        lines.append(
            "认定："
            + "、".join(f"{t} {tiers[t]}" for t in names if tiers[t])
            + (f"；改判 {overrides} 份（理由见审计记录）" if overrides else "")
        )
    return CampaignSummary(
        name=campaign.name,
        year=campaign.year,
        rubric=str(campaign.rubric),
        stage=Stage(campaign.stage_at(timezone.now())).label,
        dates=dates,
        statuses=tuple((Status(s).label, statuses[s]) for s in Status.values if statuses[s]),
        lines=tuple(lines),
    )
