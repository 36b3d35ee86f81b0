"""The one deadline presenter: a campaign's stages, its timeline, where it stands now, the time
the school has left, and whether the county's decisions are locked."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from campuseval.campaigns import rules
from campuseval.campaigns.models import Application, Campaign, Stage
from campuseval.regions.models import School


@dataclass(frozen=True)
class DeadlineRow:
    label: str
    at: Any
    current: bool
    passed: bool


def campaign_deadlines(campaign: Campaign) -> list[DeadlineRow]:
    now = timezone.now()
    stage = campaign.stage_at(now)
    return [
        DeadlineRow(Stage(s).label, campaign.deadline_of(s), stage == s, now > campaign.deadline_of(s))
        for s in rules.DEADLINE_STAGES
    ]


@dataclass
class StageNow:
    label: str
    code: str
    when_label: str
    when: dt.datetime | None


def stage_now(campaign: Campaign, now: dt.datetime) -> StageNow:
    stage = campaign.stage_at(now)
    if stage == Stage.NOT_OPEN:
        return StageNow(stage.label, stage.value, "开始时间", campaign.opens_at)
    if stage == Stage.PUBLISHED:
        return StageNow(stage.label, stage.value, "公布时间", campaign.published_at)
    return StageNow(stage.label, stage.value, "截止时间", campaign.deadline_of(stage))


@dataclass
class TimelineStep:
    label: str
    when: dt.datetime | None
    state: str  # done, current, upcoming


def timeline(campaign: Campaign, now: dt.datetime) -> list[TimelineStep]:
    current = campaign.stage_at(now)
    order = [Stage.NOT_OPEN, *rules.DEADLINE_STAGES, Stage.PUBLISHED]
    rank = order.index(current)
    steps = [TimelineStep("开始", campaign.opens_at, "done" if rank > 0 else "upcoming")]
    for n, stage in enumerate(rules.DEADLINE_STAGES, start=1):
        state = "done" if rank > n else "current" if rank == n else "upcoming"
        label = f"{Stage(stage).label}截止"
        steps.append(TimelineStep(label, campaign.deadline_of(stage), state))
    steps.append(TimelineStep("结果公布", campaign.published_at, "done" if campaign.published_at else "upcoming"))
    return steps


@dataclass(frozen=True)
class DeadlineView:
    label: str  # the stage whose deadline this is
    at: dt.datetime
    remaining: str  # "还剩 3 天 4 小时", or "已截止"
    passed: bool
    soon: bool  # less than three days left


def remaining_text(delta: dt.timedelta) -> str:
    if delta.total_seconds() <= 0:
        return _("已截止")
    days, seconds = delta.days, delta.seconds
    hours, minutes = seconds // 3600, seconds % 3600 // 60
    if days:
        return _("还剩 %(d)d 天 %(h)d 小时") % {"d": days, "h": hours}
    if hours:
        return _("还剩 %(h)d 小时 %(m)d 分") % {"h": hours, "m": minutes}
    return _("还剩 %(m)d 分钟") % {"m": max(minutes, 1)}


def school_deadline(application: Application, now: dt.datetime | None = None) -> DeadlineView | None:
    """The time until which the school may still change the application (with any reopening)."""
    now = now or timezone.now()
    found = rules.open_until(rules.EDIT, application)
    if found is None:
        return None
    stage, at = found
    delta = at - now
    return DeadlineView(
        label=str(Stage(stage).label),
        at=at,
        remaining=remaining_text(delta),
        passed=delta.total_seconds() <= 0,
        soon=dt.timedelta(0) < delta < dt.timedelta(days=3),
    )


def county_lock(campaign: Campaign, school: School | None = None) -> dict[str, Any]:
    """Whether the county's decisions are locked now (for one school: honouring its reopening)."""
    return {"locked": rules.county_locked(campaign, school), "lock_at": campaign.county_review_deadline}


def lock_note(campaign: Campaign) -> str:
    """The line printed on the recommendation list once it is locked."""
    if not rules.county_locked(campaign):
        return ""
    return f"名单已于 {rules.local(campaign.county_review_deadline)}（县级初评截止）锁定。"
