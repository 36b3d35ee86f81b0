"""campuseval enrolment_code USERNAME: a one-time code for binding an authenticator.

For the first platform administrator of a new instance, who has nobody to ask on the pages
(after that, platform administrators hand codes out with 发放绑定码 on the account's page).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from campuseval.accounts import selectors, services


class Command(BaseCommand):
    help = "为账号发放一次性绑定码（凭它和密码绑定身份验证器），只显示这一次"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", help="账号的用户名")

    def handle(self, *args: Any, **options: Any) -> None:
        user = selectors.user_by_username(options["username"])
        if user is None or not user.is_active:
            raise CommandError(f"没有启用的账号 {options['username']}")
        code = services.enrolment_code_issue(user=user, by=None)
        self.stdout.write(
            f"账号 {user.username} 的绑定码（{settings.ENROLMENT_CODE_HOURS:g} 小时内有效，只显示这一次）：{code}"
        )
