"""Writes of plans: a plan and its targets, county parts, construction tasks, the plan's
workflow (submit, return, publish) and progress reports. Each asks the rulebook first, is one
transaction and leaves an audit record with ``by`` as the actor."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse

from campuseval.accounts import scope
from campuseval.accounts.models import Role, User
from campuseval.audit.services import audit_log, audited_update, snapshot
from campuseval.campaigns.models import Application, Status
from campuseval.notifications.services import notify
from campuseval.regions.models import Department, Region, School

from . import rules
from .models import ConstructionTask, Plan, ProgressReport, Target
from .progress import tier_choices
from .rules import PlanError

NOTE_LIMIT = 2000


def _region(plan: Plan) -> str:
    return plan.region.code


@transaction.atomic
def plan_create(*, by: User, **fields: Any) -> Plan:
    campaigns = fields.pop("campaigns", [])
    plan = Plan(created_by=by, **fields)
    plan.full_clean()
    plan.save()
    if campaigns:
        plan.campaigns.set(campaigns)
    audit_log("create", plan, after=snapshot(plan), region_code=_region(plan), by=by)
    return plan


@transaction.atomic
def target_add(*, by: User, plan: Plan, co: list[Any] | None = None, **fields: Any) -> Target:
    """A target of the plan (``parent`` for a county's part of a city target)."""
    rules.check(rules.EDIT, plan)
    fields.setdefault("region", plan.region)
    tier, tiers = fields.get("tier", ""), tier_choices(plan)
    if tier and tiers and tier not in tiers:  # a plan made before any campaign names its tiers freely
        raise ValidationError({"tier": f"“{tier}”不是本规划计入的年度创建所用评估标准的等级"})
    target = Target(plan=plan, **fields)
    target.full_clean()
    target.save()
    if co:
        target.co.set(co)
    audit_log("create", target, after=snapshot(target), region_code=target.region.code, by=by)
    return target


@transaction.atomic
def task_add(*, by: User, plan: Plan, school: School, category: str, year: int, **fields: Any) -> ConstructionTask:
    rules.check_task(plan, None)
    task = ConstructionTask(plan=plan, school=school, category=category, year=year, **fields)
    task.full_clean()
    task.save()
    audit_log("create", task, after=snapshot(task), region_code=school.county.code, by=by)
    return task


@transaction.atomic
def task_update(*, by: User | None, task: ConstructionTask, **fields: Any) -> ConstructionTask:
    """Move a construction task on (计划 → 在建 → 建成 → 验收通过), with its dates and evidence
    (and its planned year, from the 明细表 import); the rulebook says what a published plan or a
    certified task allows, the model checks the dates for the status."""
    rules.check_task(task.plan, task, year=fields.get("year"), status=fields.get("status"))
    audited_update(
        task, fields,
        tracked=["year", "status", "started_on", "built_on", "accepted_on", "evidence", "certified_by_id"],
        region_code=task.school.county.code, by=by,
    )
    return task


def changes_of(instance: Any, fields: dict[str, Any]) -> dict[str, Any]:
    """The fields whose values would change (an import counts a row unchanged without any)."""
    return {name: value for name, value in fields.items() if getattr(instance, name) != value}


TARGET_FIELDS = (
    "text", "project", "value", "unit", "milestone", "year", "due", "group", "stated_rate", "lead_id",
    "all_districts",
)  # fmt: skip


@transaction.atomic
def target_update(*, by: User, target: Target, co: list[Department] | None = None, **fields: Any) -> bool:
    """Change a target of a plan that may be edited (rules.EDIT); ``co`` replaces its 配合处室.
    Returns whether anything changed."""
    rules.check(rules.EDIT, target.plan)
    unknown = set(fields) - set(TARGET_FIELDS)
    if unknown:
        raise ValueError(f"target_update does not change {sorted(unknown)}")
    changes = changes_of(target, fields)
    if changes:
        audited_update(target, changes, tracked=list(changes), region_code=target.region.code, by=by)
    if co is None:
        return bool(changes)
    before = sorted(d.name for d in target.co.all())
    after = sorted(d.name for d in co)
    if before == after:
        return bool(changes)
    target.co.set(co)
    audit_log("update", target, before={"co": before}, after={"co": after}, region_code=target.region.code, by=by)
    return True


@transaction.atomic
def department_ensure(*, by: User, region: Region, name: str) -> Department:
    """The bureau's department of that name, made when it is first named."""
    found = Department.objects.filter(region=region, name=name).first()
    if found is not None:
        return found
    department = Department(region=region, name=name)
    department.full_clean()
    department.save()
    audit_log("create", department, after=snapshot(department), region_code=region.code, by=by)
    return department


@transaction.atomic
def tasks_close_certified(*, by: User | None, plan: Plan) -> int:
    """Tasks whose school is certified in a campaign the plan counts close themselves (验收通过),
    with the certification as their evidence; ``by`` None is the daily job (the system). Returns
    how many closed."""
    from .progress import counted_campaigns

    open_tasks = ConstructionTask.objects.filter(plan=plan).exclude(status=ConstructionTask.Status.ACCEPTED)
    certified = (
        Application.objects.filter(
            campaign__in=counted_campaigns(plan), status=Status.PUBLISHED, school__in=open_tasks.values("school")
        )
        .exclude(decided_tier="")
        .select_related("campaign")
        .order_by("campaign__published_at")
    )
    first: dict[int, Application] = {}
    for earliest in certified:
        first.setdefault(earliest.school_id, earliest)
    closed = 0
    for task in open_tasks.select_related("school__county"):
        application = first.get(task.school_id)
        published = application.campaign.published_at if application is not None else None
        if application is None or published is None:
            continue
        built = task.built_on or published.date()
        task_update(
            by=by, task=task, status=ConstructionTask.Status.ACCEPTED, accepted_on=max(built, published.date()),
            built_on=built, certified_by_id=application.pk,
            evidence=f"{application.campaign.name}认定为{application.decided_tier}",
        )
        closed += 1
    return closed


# --- the plan's workflow --------------------------------------------------------------------


@transaction.atomic
def plan_submit(*, by: User, plan: Plan) -> Plan:
    """A county submits its plan to the city plan it answers; the city's administrators hear."""
    rules.check(rules.SUBMIT, plan)
    audited_update(plan, {"status": Plan.Status.SUBMITTED, "version": plan.version + 1}, tracked=["status"], region_code=_region(plan), by=by)
    assert plan.answers is not None
    notify(
        scope.holders(Role.CITY_ADMIN, region=plan.answers.region), kind="plan_submitted",
        message=f"{plan.region.name}提交了{plan.title}，请审核", url=reverse("plans:detail", args=[plan.pk]),
    )
    return plan


@transaction.atomic
def plan_return(*, by: User, plan: Plan, reason: str) -> Plan:
    rules.check(rules.RETURN, plan)
    reason = reason.strip()
    if not reason:
        raise PlanError("退回须填写理由")
    if len(reason) > NOTE_LIMIT:
        raise PlanError(f"理由最多 {NOTE_LIMIT} 字，现在 {len(reason)} 字，未保存")
    audited_update(
        plan, {"status": Plan.Status.RETURNED, "note": reason, "version": plan.version + 1},
        tracked=["status", "note"], region_code=_region(plan), by=by,
    )
    notify(
        scope.holders(Role.COUNTY_ADMIN, region=plan.region), kind="plan_returned",
        message=f"{plan.title}被退回修改：{reason[:60]}", url=reverse("plans:detail", args=[plan.pk]),
    )
    return plan


@transaction.atomic
def plan_publish(*, by: User, plan: Plan) -> Plan:
    """Publish a city's plan, or accept (and publish) a county's plan that answers it."""
    rules.check(rules.PUBLISH, plan)
    audited_update(plan, {"status": Plan.Status.PUBLISHED, "version": plan.version + 1}, tracked=["status"], region_code=_region(plan), by=by)
    if plan.answers_id is not None:
        notify(
            scope.holders(Role.COUNTY_ADMIN, region=plan.region), kind="plan_accepted",
            message=f"{plan.title}已被采纳并发布", url=reverse("plans:detail", args=[plan.pk]),
        )
    return plan


# --- progress reports -----------------------------------------------------------------------


@transaction.atomic
def report_submit(
    *, by: User, target: Target, as_of: dt.date, value: Decimal | None = None, achieved: bool = False,
    note: str = "", evidence: str = "",
) -> ProgressReport:
    rules.check_report(target.plan)
    if target.measure != Target.Measure.REPORTED:
        raise PlanError("这个目标的进度由平台计算，不需要填报")
    if value is None and not achieved:
        raise PlanError("请填写进度值，或勾选里程碑已完成")
    if len(note) > NOTE_LIMIT:
        raise PlanError(f"进展说明最多 {NOTE_LIMIT} 字，现在 {len(note)} 字，未保存")
    report = ProgressReport(
        target=target, as_of=as_of, value=value, achieved=achieved, note=note.strip(), evidence=evidence.strip(),
        reported_by=by,
    )
    report.full_clean()
    report.save()
    audit_log("create", report, after=snapshot(report), region_code=target.region.code, by=by)
    return report


@transaction.atomic
def report_decide(*, by: User, report: ProgressReport, accept: bool, reason: str = "") -> ProgressReport:
    """The plan's owner accepts a report (it becomes the KPI's value) or returns it with a reason."""
    rules.check_report_decision(report)
    if not accept and not reason.strip():
        raise PlanError("退回须填写理由")
    if len(reason.strip()) > NOTE_LIMIT:
        raise PlanError(f"理由最多 {NOTE_LIMIT} 字，现在 {len(reason.strip())} 字，未保存")
    status = ProgressReport.Status.ACCEPTED if accept else ProgressReport.Status.RETURNED
    audited_update(
        report, {"status": status, "reason": reason.strip(), "decided_by": by},
        tracked=["status", "reason"], region_code=report.target.region.code, by=by,
    )
    notify(
        [report.reported_by], kind="report_decided",
        message=f"{report.target.text}的进度填报{'已采纳' if accept else '被退回：' + reason.strip()[:60]}",
        url=reverse("plans:detail", args=[report.target.plan_id]),
    )
    return report


# --- the recorded status (the daily job) ------------------------------------------------------

def _flatten(progress: list[Any]) -> list[Any]:
    found = []
    for p in progress:
        found.append(p)
        found.extend(_flatten(p.parts))
    return found


def _answer_for(target: Target) -> list[User]:
    """Who answers for a target: the plan's administrators, the county's for a county part, and
    the lead department's users."""
    from .due import owners

    users = {u.pk: u for u in owners(target.plan)}
    if target.region_id != target.plan.region_id:
        users.update({u.pk: u for u in scope.holders(Role.COUNTY_ADMIN, region=target.region)})
    if target.lead_id is not None:
        users.update({u.pk: u for u in scope.holders(Role.DEPARTMENT_USER, department=target.lead_id)})
    return list(users.values())


@transaction.atomic
def statuses_record(*, plan: Plan, today: dt.date) -> int:
    """Record each target's status of the published plan as computed ``today`` (county parts
    too), with its reason; a change of status starts ``status_since``, leaves an audit record
    (the system as actor), and a change for the worse into 滞后, 预警 or 逾期 is told to those
    who answer for the target (``_answer_for``). Returns how many statuses changed."""
    from .outlook import Status as Light
    from .progress import plan_progress

    changed = 0
    for p in _flatten(plan_progress(plan, today)):
        target: Target = p.target
        new = p.status.value if p.status else ""
        reason = (p.view.reason if p.view else "")[:500]
        if new == target.status:
            if reason != target.status_reason:
                Target.objects.filter(pk=target.pk).update(status_reason=reason)
            continue
        old = target.status
        Target.objects.filter(pk=target.pk).update(status=new, status_reason=reason, status_since=today)
        audit_log(
            "update", target, region_code=target.region.code,
            before={"status": old}, after={"status": new, "reason": reason, "since": today.isoformat()},
        )
        changed += 1
        # Told: a status that is 滞后 or worse and worse than the one recorded before.
        if new and Light(new).severity >= Light.BEHIND.severity and (not old or Light(new).severity > Light(old).severity):
            label = Light(new).label
            was = f"由“{Light(old).label}”转为" if old else "为"
            notify(
                _answer_for(target), kind="target_status",
                message=f"{plan.title}：“{target.text}”（{target.region.name}）{was}“{label}”。{reason}",
                url=reverse("plans:detail", args=[plan.pk]), dedupe_key=f"target-status:{target.pk}:{new}:{today:%Y%m%d}",
            )
    return changed
