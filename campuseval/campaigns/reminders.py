"""Deadline reminders: who still has work before a campaign's next deadline, and the notices.

``campuseval remind_deadlines --days 3`` (cron, once a day) calls ``deadline_reminders_send``.
Each person is reminded once per campaign, stage and role (the notification's dedupe key),
however often it runs. Who "still has work" is counted by ``selectors/due.py``, the same reads
as the to-do page's (``campuseval.todo``), on the rulebook's status groups.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from campuseval.accounts import scope
from campuseval.accounts.models import Role, User
from campuseval.notifications.services import notify

from . import rules
from .models import Application, Campaign, ExpertAssignment, Stage, Status
from .selectors import due

# The daily reminders of apps above campaigns (the plans' 催办), registered from their
# ``AppConfig.ready()`` so that one cron line runs them all: each takes ``--days`` and sends its
# reminders, returning the line the command prints ("共发送 N 条…").
DailyReminder = Callable[[int], str]
DAILY: list[DailyReminder] = []


def register_daily(reminder: DailyReminder) -> None:
    if reminder not in DAILY:
        DAILY.append(reminder)


@dataclass
class Reminder:
    user: User
    role: str
    message: str
    url: str


def _users(role: str, **place: Any) -> QuerySet[User]:
    return scope.holders(role, **place)


def _school_reminders(campaign: Campaign, stage: str, when: str) -> Iterable[Reminder]:
    """The schools that may still change their application in this stage and have not sent it."""
    for application in due.unsent(Application.objects.filter(campaign=campaign), stage).select_related("school"):
        what = "还未提交" if application.status == Status.DRAFT else "被退回修改，还未重新提交"
        for user in _users(Role.SCHOOL_USER, school=application.school):
            yield Reminder(
                user,
                Role.SCHOOL_USER,
                f"{campaign.name}：{application.school}的申报{what}，{when}截止",
                reverse("campaigns:school_application", args=[application.pk]),
            )


def reminders(campaign: Campaign, stage: Stage, deadline: dt.datetime) -> Iterable[Reminder]:
    """Who still has work before ``stage``'s deadline, and what to tell them."""
    when = f"“{stage.label}”将于 {rules.local(deadline)} "
    if stage == Stage.APPLICATION:
        yield from _school_reminders(campaign, stage, when)
    elif stage == Stage.COUNTY_REVIEW:
        yield from _school_reminders(campaign, stage, when)
        waiting = due.waiting_for_county(Application.objects.filter(campaign=campaign))
        for (_, county_id), n in waiting.items():
            for user in _users(Role.COUNTY_ADMIN, region=county_id):
                yield Reminder(
                    user,
                    Role.COUNTY_ADMIN,
                    f"{campaign.name}：本县还有 {n} 份已提交的申报未作推荐决定，{when}截止",
                    reverse("campaigns:county_queue", args=[campaign.pk]),
                )
    elif stage == Stage.CITY_REVIEW:
        pending = due.unsubmitted_reviews(
            ExpertAssignment.objects.filter(application__campaign=campaign, expert__is_active=True)
        )
        experts = User.objects.in_bulk([expert_id for _, expert_id in pending])
        for (_, expert_id), n in pending.items():
            yield Reminder(
                experts[expert_id],
                Role.EXPERT,
                f"{campaign.name}：您还有 {n} 份评审未提交，{when}截止",
                reverse("campaigns:review_list"),
            )
    elif stage == Stage.DECISION:
        n = due.waiting_for_decision(Application.objects.filter(campaign=campaign)).get(campaign.pk, 0)
        if n:
            for user in _users(Role.CITY_ADMIN, region=campaign.city):
                yield Reminder(
                    user,
                    Role.CITY_ADMIN,
                    f"{campaign.name}：还有 {n} 份申报未认定，{when}截止公布",
                    reverse("campaigns:decisions", args=[campaign.pk]),
                )


def deadline_reminders_send(*, days: int, now: dt.datetime | None = None) -> list[str]:
    """Send the reminders of every campaign whose current stage ends within ``days``; the lines
    say who was reminded of what."""
    now = now or timezone.now()
    horizon = now + dt.timedelta(days=days)
    sent: list[str] = []
    for campaign in Campaign.objects.filter(published_at=None).select_related("city"):
        stage = campaign.stage_at(now)
        if stage in (Stage.NOT_OPEN, Stage.PUBLISHED):
            continue
        # The next deadline is the current stage's: remind only when it is near.
        deadline = campaign.deadline_of(stage)
        if deadline > horizon:
            continue
        for r in reminders(campaign, stage, deadline):
            key = f"deadline:{campaign.pk}:{stage.value}:{r.role}"
            if notify([r.user], kind="deadline", message=r.message, url=r.url, dedupe_key=key):
                sent.append(f"{r.user.username}（{Role(r.role).label}）：{r.message}")
    return sent
