"""The 公示 before publication: the city opens it, records the objections (异议) it receives,
and resolves each with a reason (an upheld one may change the decision, which keeps its
history) before it may publish (``rules.check_publish``)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from campuseval.accounts import scope
from campuseval.accounts.models import Role, User
from campuseval.audit.services import audit_log, snapshot
from campuseval.campaigns import rules
from campuseval.campaigns.models import Application, Campaign, Objection, Status
from campuseval.campaigns.rules import WorkflowError
from campuseval.notifications.services import notify
from campuseval.regions.models import School

from .city_review import application_decide

OBJECTION_FIELDS = ["application_id", "submitter", "contact", "text", "evidence", "received_on", "state", "resolution"]
LIMITS = {"submitter": 100, "contact": 100, "text": 5000, "evidence": 5000, "resolution": 2000}
LABELS = {"submitter": "提出人", "contact": "联系方式", "text": "异议内容", "evidence": "佐证材料", "resolution": "处理理由"}


def _text(field: str, value: str, *, required: bool = False) -> str:
    value = (value or "").strip()
    if required and not value:
        raise WorkflowError(f"请填写{LABELS[field]}")
    if len(value) > LIMITS[field]:
        raise WorkflowError(f"{LABELS[field]}最多 {LIMITS[field]} 个字（现有 {len(value)} 个）")
    return value


@transaction.atomic
def notice_open(*, by: User, campaign: Campaign) -> Campaign:
    """Open the 公示: the decided list becomes public for the campaign's period of working days."""
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    pending = Application.objects.filter(campaign=campaign, status__in=rules.AWAITING_DECISION)
    count = pending.count()
    rules.check_notice_open(campaign, pending=count, names="、".join(str(a.school) for a in pending[:5]) if count else "")
    now = timezone.now()
    campaign.notice_opened_at = now
    campaign.notice_ends_on = rules.notice_end(timezone.localdate(now), campaign.notice_days)
    campaign.save(update_fields=["notice_opened_at", "notice_ends_on"])
    audit_log(
        "update", campaign,
        after={"notice_opened_at": now.isoformat(), "notice_ends_on": campaign.notice_ends_on.isoformat()},
        region_code=campaign.city.code, by=by,
    )
    notify(
        scope.holders(Role.SCHOOL_USER, school__in=School.objects.filter(county__parent=campaign.city)),
        kind="notice",
        message=f"{campaign.name}认定名单公示中，至 {campaign.notice_ends_on:%Y-%m-%d}",
        url=reverse("results:detail", args=[campaign.pk]),
    )
    return campaign


@transaction.atomic
def objection_record(
    *, by: User, campaign: Campaign, application: Application, submitter: str, text: str,
    contact: str = "", evidence: str = "", received_on: dt.date | None = None,
) -> Objection:
    """Record an objection the city received about a school on the 公示 list."""
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    rules.check_objection(campaign)
    if application.campaign_id != campaign.pk or application.status != Status.DECIDED:
        raise WorkflowError("异议只能针对本次公示名单中的学校")
    received = received_on or timezone.localdate()
    if received > timezone.localdate():
        raise WorkflowError("收到日期不能晚于今天")
    objection = Objection.objects.create(
        campaign=campaign, application=application, submitter=_text("submitter", submitter, required=True),
        contact=_text("contact", contact), text=_text("text", text, required=True),
        evidence=_text("evidence", evidence), received_on=received, recorded_by=by,
    )
    audit_log("create", objection, after=snapshot(objection, OBJECTION_FIELDS), region_code=application.school.county.code, by=by)
    return objection


@transaction.atomic
def objection_resolve(
    *, by: User, objection: Objection, upheld: bool, reason: str, tier: str | None = None,
) -> Objection:
    """Resolve an objection with a reason. Upheld, it may change the school's decision to
    ``tier`` ("" for none): decided again with the reason, so the decision keeps its history."""
    objection = (
        Objection.objects.select_for_update(of=("self",))
        .select_related("campaign", "application__school__county")
        .get(pk=objection.pk)
    )
    rules.check_resolve(objection)
    reason = _text("resolution", reason, required=True)
    before = snapshot(objection, OBJECTION_FIELDS)
    application = objection.application
    if upheld and tier is not None and tier != application.decided_tier:
        application_decide(by=by, application=application, tier=tier, reason=f"因公示异议改判：{reason}")
    elif not upheld and tier is not None and tier != application.decided_tier:
        raise WorkflowError("异议不成立时不改变认定结果")
    objection.state = Objection.State.UPHELD if upheld else Objection.State.DISMISSED
    objection.resolution, objection.resolved_by, objection.resolved_at = reason, by, timezone.now()
    objection.save(update_fields=["state", "resolution", "resolved_by", "resolved_at"])
    audit_log(
        "update", objection, before=before, after=snapshot(objection, OBJECTION_FIELDS),
        region_code=application.school.county.code, by=by,
    )
    return objection
