"""The campaign itself: open, change its settings, reopen a stage for one school, publish."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from campuseval.accounts import scope
from campuseval.accounts.models import Role, User
from campuseval.audit.services import audit_log, audited_update, snapshot
from campuseval.campaigns import hooks, rules
from campuseval.campaigns.models import Application, Campaign, Objection, Reopening, Status
from campuseval.campaigns.rules import WorkflowError
from campuseval.campaigns.selectors.stages import stage_end
from campuseval.notifications.services import notify
from campuseval.regions.models import School

from .common import transition
from .stages import StageEndUnconfirmed, tell_stage_ended

CAMPAIGN_FIELDS = [
    "name", "year", "city_id", "rubric_id", "opens_at", "application_deadline",
    "county_review_deadline", "city_review_deadline", "publication_deadline",
    "cap_at_applied_tier", "experts_per_application", "combine", "gap_share",
    "quota_total", "quota_per_tier", "notice_days", "notice_contact", "published_at",
]


@transaction.atomic
def campaign_open(*, by: User, **fields: Any) -> Campaign:
    """A city administrator opens a campaign; the rubric version it names is frozen for it."""
    campaign = Campaign(created_by=by, **fields)
    campaign.full_clean()
    campaign.save()
    audit_log("create", campaign, after=snapshot(campaign, CAMPAIGN_FIELDS), region_code=campaign.city.code, by=by)
    return campaign


@transaction.atomic
def campaign_update(
    *, by: User, campaign: Campaign, confirm_stage_end: bool = False, history: bool = False, **fields: Any
) -> Campaign:
    """Change the settings. New deadlines that end running stages at once need
    ``confirm_stage_end`` (else StageEndUnconfirmed says what they would lock) and then tell
    everyone concerned, as the stage action does. ``history`` records dates that have already
    passed in fact (the demo's campaigns, a past campaign entered afterwards): no one is told."""
    if "rubric_id" in fields and fields["rubric_id"] != campaign.rubric_id and campaign.applications.exists():
        raise WorkflowError("已有学校申报，评估标准版本已冻结，不能更换")
    if campaign.notice_opened_at is not None and fields.get("notice_days", campaign.notice_days) != campaign.notice_days:
        raise WorkflowError("公示已经开始，不能再更改公示期")
    ended = [] if history else rules.stages_ended(campaign, fields)
    ends = [stage_end(campaign, stage) for stage in ended]
    if ends and not confirm_stage_end:
        raise StageEndUnconfirmed(ends)
    audited_update(campaign, fields, tracked=CAMPAIGN_FIELDS, region_code=campaign.city.code, by=by)
    if {"combine", "cap_at_applied_tier", "gap_share", "rubric_id"} & set(fields):
        hooks.changed(campaign.applications.values_list("pk", flat=True))
    for end in ends:
        tell_stage_ended(end)
    return campaign


@transaction.atomic
def campaign_reopen(*, by: User, campaign: Campaign, school: School, stage: str, until: dt.datetime, reason: str) -> Reopening:
    """Reopen one stage for one school past its deadline; the reason is kept and audited."""
    if not reason.strip():
        raise WorkflowError("重新开放须填写理由")
    if until <= timezone.now():
        raise WorkflowError("延长时间须晚于现在")
    rules.check_reopen(campaign)
    reopening = Reopening(campaign=campaign, school=school, stage=stage, until=until, reason=reason.strip(), created_by=by)
    reopening.full_clean()
    reopening.save()
    audit_log("create", reopening, after=snapshot(reopening), region_code=school.county.code, by=by)
    return reopening


@transaction.atomic
def campaign_publish(*, by: User, campaign: Campaign) -> Campaign:
    """Publish the results: every reviewed application must be decided first."""
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    pending = Application.objects.filter(campaign=campaign, status__in=rules.AWAITING_DECISION)
    count = pending.count()
    rules.check_publish(
        campaign, pending=count, names="、".join(str(a.school) for a in pending[:5]) if count else "",
        open_objections=campaign.objections.filter(state=Objection.State.OPEN).count(),
    )
    now = timezone.now()
    for application in Application.objects.filter(campaign=campaign, status=Status.DECIDED):
        transition(application, by, Status.PUBLISHED)
    campaign.published_at = now
    campaign.save(update_fields=["published_at"])
    audit_log("update", campaign, after={"published_at": now.isoformat()}, region_code=campaign.city.code, by=by)
    hooks.published(campaign, by)  # the certificates are issued
    schools = School.objects.filter(county__parent=campaign.city)
    notify(
        scope.holders(Role.SCHOOL_USER, school__in=schools),
        kind="published",
        message=f"{campaign.name}结果已公布",
        url=reverse("results:detail", args=[campaign.pk]),
    )
    return campaign
