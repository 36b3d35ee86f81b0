"""``campuseval purge_imports``: remove the imports' personal data whose time is up now (the
worker does it once a minute; this is for a deployment without it, or to see the counts)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from campuseval.imports.services import imports_purge


class Command(BaseCommand):
    help = (
        "清除到期的导入个人数据：超过 IMPORT_PASSWORDS_KEEP_HOURS 小时未查看的初始密码，"
        "导入完成超过 IMPORT_FILES_KEEP_DAYS 天的上传文件（导入记录保留）。"
    )

    def handle(self, *args: Any, **options: Any) -> None:
        purged = imports_purge()
        self.stdout.write(f"已清除 {purged.passwords} 次导入中到期未查看的初始密码，删除 {purged.files} 个到期的上传文件。")
