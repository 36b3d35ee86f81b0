"""催办: reminders of plans' deadlines, the closed loop of 督查督办 (ANCHORS "Plans, targets,
progress"): 临近提醒 ``days`` before a deadline, a 催办 the day after it if the work is still
due, and a 通报 five working days after the 催办 (Monday to Friday; public holidays and 调休
working weekends are not known to the platform and not counted, docs/decisions.md).

What is due comes from ``plans/due.py``, the same reads as the to-do page: a county's plan to
submit by ``Plan.submit_by``, a reported KPI's progress report by ``Target.report_by``. Each
step is sent once per recipient (the notification's dedupe key names the item, its deadline and
the step), in the inbox and by e-mail, and leaves one audit record on the plan or the target
(留痕). Only the latest step that applies is sent: a deadline found already well past gets its
通报, not all three at once. The 通报 also goes to those who supervise the work (the city for a
county's plan, the plan's administrators for a department's KPI).

``campuseval remind_deadlines`` (cron, once a day) calls ``remind_plans`` after the campaigns'.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone

from campuseval.accounts import scope
from campuseval.accounts.models import Role, User
from campuseval.audit.services import audit_log
from campuseval.notifications.services import notify

from . import due
from .models import Plan, Target

NEAR, URGE, NOTICE = "临近提醒", "催办", "通报"
STEP_KEYS = {NEAR: "near", URGE: "urge", NOTICE: "notice"}
STEP_KINDS = {NEAR: "plan_deadline", URGE: "plan_urge", NOTICE: "plan_notice"}
WORKING_DAYS_TO_NOTICE = 5


def add_working_days(day: dt.date, n: int) -> dt.date:
    """``n`` working days (Monday to Friday) after ``day``."""
    while n > 0:
        day += dt.timedelta(days=1)
        if day.weekday() < 5:
            n -= 1
    return day


def urge_on(deadline: dt.date) -> dt.date:
    """The day of the 催办: the day after the deadline."""
    return deadline + dt.timedelta(days=1)


def notice_on(deadline: dt.date) -> dt.date:
    """The day of the 通报: five working days after the 催办."""
    return add_working_days(urge_on(deadline), WORKING_DAYS_TO_NOTICE)


def step_on(deadline: dt.date, today: dt.date, days: int) -> str | None:
    """The latest step due ``today`` for work due by ``deadline``, or None."""
    if today >= notice_on(deadline):
        return NOTICE
    if today >= urge_on(deadline):
        return URGE
    if today >= deadline - dt.timedelta(days=days):
        return NEAR
    return None


@dataclass
class Work:
    """One due item: what, by when, for whom, and who supervises it."""

    obj: models.Model  # the plan or the target (the audit record's object)
    key: str  # names the item in the dedupe key
    deadline: dt.date
    subject: str  # "琅琊区智慧校园行动计划"
    verb: str  # "提交", "填报进度"
    url: str
    region_code: str
    recipients: list[User]
    supervisors: list[User]


def _plans() -> Iterator[Work]:
    for plan in due.plans_to_submit(Plan.objects.all()):
        if plan.submit_by is None:
            continue
        assert plan.answers is not None
        yield Work(
            plan, f"plan:{plan.pk}:submit", plan.submit_by, f"{plan.region.name}的{plan.title}", "提交",
            reverse("plans:detail", args=[plan.pk]), plan.region.code,
            list(scope.holders(Role.COUNTY_ADMIN, region=plan.region)),
            list(scope.holders(Role.CITY_ADMIN, region=plan.answers.region)),
        )


def _reports() -> Iterator[Work]:
    targets = due.reports_due(Target.objects.all())
    staffed = scope.departments_with_users({t.lead_id for t in targets if t.lead_id is not None})
    for target in targets:
        assert target.report_by is not None
        text = target.text if len(target.text) <= 60 else target.text[:59] + "…"
        yield Work(
            target, f"target:{target.pk}:report", target.report_by, f"{target.plan.title}指标“{text}”", "填报进度",
            reverse("plans:report_new", args=[target.pk]), target.plan.region.code,
            due.reporters(target, staffed), due.owners(target.plan),
        )


def _message(step: str, work: Work, today: dt.date) -> str:
    on = f"{work.deadline:%Y-%m-%d}"
    if step == NEAR:
        return f"临近提醒：{work.subject}须于 {on} 前{work.verb}，请按时办理"
    if step == URGE:
        return f"催办通知：{work.subject}已于 {on} 截止，尚未{work.verb}，请尽快办理"
    return f"通报：{work.subject}截止 {on}，催办后五个工作日仍未{work.verb}"


def remind_plans(today: dt.date | None = None, days: int = 3) -> int:
    """Send what is due ``today`` of every plan's deadlines; returns how many notices were sent."""
    today = today or timezone.localdate()
    sent = 0
    for work in (*_plans(), *_reports()):
        step = step_on(work.deadline, today, days)
        if step is None:
            continue
        users = {u.pk: u for u in work.recipients}
        if step == NOTICE:
            users.update({u.pk: u for u in work.supervisors})
        key = f"{work.key}:{work.deadline:%Y%m%d}:{STEP_KEYS[step]}"
        with transaction.atomic():
            n = notify(users.values(), kind=STEP_KINDS[step], message=_message(step, work, today), url=work.url, dedupe_key=key)
            if n:
                audit_log(
                    "update", work.obj, region_code=work.region_code,
                    after={"reminder": step, "due": work.deadline.isoformat(), "sent": n},
                )
        sent += n
    return sent


def close_certified_tasks() -> int:
    """Construction tasks whose school has been certified close themselves (published plans)."""
    from .services import tasks_close_certified

    plans = Plan.objects.filter(status=Plan.Status.PUBLISHED, tasks__isnull=False).distinct()
    return sum(tasks_close_certified(by=None, plan=plan) for plan in plans)


def record_statuses(today: dt.date | None = None) -> int:
    """Every published plan's target statuses recorded as of ``today`` (``statuses_record``)."""
    from .services import statuses_record

    today = today or timezone.localdate()
    return sum(statuses_record(plan=plan, today=today) for plan in Plan.objects.filter(status=Plan.Status.PUBLISHED))


def daily(days: int) -> str:
    """The daily job's part (``remind_deadlines``): construction tasks closed by certification
    (before the statuses, which count them), the targets' statuses recorded, today's reminders,
    and the summary line."""
    closed = close_certified_tasks()
    changed = record_statuses()
    return (
        f"共发送 {remind_plans(days=days)} 条规划提醒、催办和通报；{closed} 项建设任务因学校已获认定而验收通过；"
        f"{changed} 个目标的状态有变化"
    )
