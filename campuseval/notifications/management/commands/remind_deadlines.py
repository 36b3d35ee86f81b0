"""Remind the people who still have work before a campaign's next deadline.

Meant for cron, once a day: ``campuseval remind_deadlines --days 3``. Each person is reminded
once per campaign, stage and role (the notification's dedupe key), however often it runs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db.models import Count, QuerySet
from django.utils import timezone

from campuseval.accounts.models import Role, User
from campuseval.campaigns.models import Application, Campaign, ExpertAssignment, Stage, Status
from campuseval.notifications.services import notify

FMT = "%Y-%m-%d %H:%M"


@dataclass
class Reminder:
    user: User
    role: str
    message: str
    url: str


def _users(role: str, **place: Any) -> QuerySet[User]:
    return User.objects.filter(is_active=True, roles__role=role, **{f"roles__{k}": v for k, v in place.items()}).distinct()


def _school_reminders(campaign: Campaign, statuses: list[str], when: str) -> Iterable[Reminder]:
    for application in Application.objects.filter(campaign=campaign, status__in=statuses).select_related("school"):
        what = "还未提交" if application.status == Status.DRAFT else "被退回修改，还未重新提交"
        for user in _users(Role.SCHOOL_USER, school=application.school):
            yield Reminder(
                user,
                Role.SCHOOL_USER,
                f"{campaign.name}：{application.school}的申报{what}，{when}截止",
                f"/campaigns/applications/{application.pk}/",
            )


def reminders(campaign: Campaign, stage: Stage, deadline: dt.datetime) -> Iterable[Reminder]:
    """Who still has work before ``stage``'s deadline, and what to tell them."""
    when = f"“{stage.label}”将于 {timezone.localtime(deadline).strftime(FMT)} "
    if stage == Stage.APPLICATION:
        yield from _school_reminders(campaign, [Status.DRAFT, Status.RETURNED], when)
    elif stage == Stage.COUNTY_REVIEW:
        yield from _school_reminders(campaign, [Status.RETURNED], when)
        waiting = (
            Application.objects.filter(campaign=campaign, status=Status.SUBMITTED)
            .values("school__county")
            .annotate(n=Count("id"))
        )
        for row in waiting:
            for user in _users(Role.COUNTY_ADMIN, region=row["school__county"]):
                yield Reminder(
                    user,
                    Role.COUNTY_ADMIN,
                    f"{campaign.name}：本县还有 {row['n']} 份已提交的申报未作推荐决定，{when}截止",
                    f"/campaigns/county/{campaign.pk}/",
                )
    elif stage == Stage.CITY_REVIEW:
        pending = (
            ExpertAssignment.objects.filter(application__campaign=campaign, submitted_at=None, expert__is_active=True)
            .values("expert")
            .annotate(n=Count("id"))
        )
        experts = User.objects.in_bulk([row["expert"] for row in pending])
        for row in pending:
            yield Reminder(
                experts[row["expert"]],
                Role.EXPERT,
                f"{campaign.name}：您还有 {row['n']} 份评审未提交，{when}截止",
                "/campaigns/reviews/",
            )
    elif stage == Stage.DECISION:
        n = Application.objects.filter(campaign=campaign, status__in=[Status.RECOMMENDED, Status.UNDER_REVIEW]).count()
        if n:
            for user in _users(Role.CITY_ADMIN, region=campaign.city):
                yield Reminder(
                    user,
                    Role.CITY_ADMIN,
                    f"{campaign.name}：还有 {n} 份申报未认定，{when}截止公布",
                    f"/campaigns/{campaign.pk}/decisions/",
                )


class Command(BaseCommand):
    help = "截止时间临近时，提醒还有工作未完成的学校、县级管理员、评估专家和市级管理员（每人每阶段一次）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=3, help="提前多少天提醒（默认 3 天）")

    def handle(self, *args: Any, days: int, **options: Any) -> None:
        if days < 0:
            self.stderr.write("--days 不能为负数")
            raise SystemExit(2)
        now = timezone.now()
        horizon = now + dt.timedelta(days=days)
        sent = 0
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
                    sent += 1
                    self.stdout.write(f"{r.user.username}（{Role(r.role).label}）：{r.message}")
        self.stdout.write(f"共发送 {sent} 条截止提醒")
