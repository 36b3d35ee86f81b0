"""``campuseval remind_deadlines --days 3``: remind who still has work before the next deadline
(see ``campaigns.reminders``), then the later apps' daily reminders registered in
``campaigns.reminders.DAILY`` (the plans' 临近提醒, 催办 and 通报: ``plans.reminders``).
Meant for cron, once a day."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from campuseval.campaigns.reminders import DAILY, deadline_reminders_send


class Command(BaseCommand):
    help = "截止时间临近时，提醒还有工作未完成的学校、县级管理员、评估专家和市级管理员（每人每阶段一次）；并对规划的提交和指标填报临近提醒、逾期催办和通报。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=3, help="提前多少天提醒（默认 3 天）")

    def handle(self, *args: Any, days: int, **options: Any) -> None:
        if days < 0:
            self.stderr.write("--days 不能为负数")
            raise SystemExit(2)
        sent = deadline_reminders_send(days=days)
        for line in sent:
            self.stdout.write(line)
        self.stdout.write(f"共发送 {len(sent)} 条截止提醒")
        for more in DAILY:  # the later apps' reminders (plans' 催办), one summary line each
            self.stdout.write(more(days))
