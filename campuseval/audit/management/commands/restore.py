"""`campuseval restore FILE.zip [--force] [--check]`: an empty, migrated instance rebuilt from a
backup; every checksum first, the audit chain verified last (campuseval/backup.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from campuseval.backup import BackupError, Checked, check_archive, restore

from .audit import SHOWN_IN_ERROR


def _checked_line(c: Checked) -> str:
    return (
        f"ok: 备份文件完整：{c.members} 个成员的 SHA-256 均与清单一致（备份于 {c.created_at}，"
        f"campuseval {c.app_version}，{c.database}；{c.tables} 张表 {c.rows} 行、{c.files} 个文件）"
    )


class Command(BaseCommand):
    help = (
        "恢复：先校验备份文件中每个成员的 SHA-256，再把数据和文件写入一个刚 migrate 过的空实例"
        "（SQLite 或 PostgreSQL，与备份时的数据库无关），最后校验审计日志的哈希链。"
        "审计密钥不在备份中：以密钥签名的审计日志须在本实例设置同一密钥才能校验。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", metavar="FILE.zip", help="campuseval backup 写的备份文件")
        parser.add_argument(
            "--force", action="store_true",
            help="数据库不空时先删除其中全部数据再恢复（不可撤销）；默认拒绝并列出有数据的表",
        )
        parser.add_argument("--check", action="store_true", help="只校验备份文件的校验和，不写数据库")

    def handle(self, *args: Any, file: str, force: bool, check: bool, **options: Any) -> None:
        path = Path(file)
        try:
            if check:
                self.stdout.write(_checked_line(check_archive(path)))
                return
            done = restore(path, force=force)
        except BackupError as exc:
            raise CommandError(f"恢复失败：{exc}") from exc
        c = done.checked
        self.stdout.write(_checked_line(c))
        self.stdout.write(f"ok: 已恢复 {c.tables} 张表 {c.rows} 行、{c.files} 个文件")
        if done.problems:
            shown = "；".join(p.message for p in done.problems[:SHOWN_IN_ERROR])
            more = f"；另有 {len(done.problems) - SHOWN_IN_ERROR} 处" if len(done.problems) > SHOWN_IN_ERROR else ""
            hints = []
            if c.keyed and settings.AUDIT_KEY is None:
                hints.append(
                    "备份中的审计日志以密钥签名，而审计密钥不在备份中：请把原实例的密钥配置到本实例"
                    "（CAMPUSEVAL_AUDIT_KEY_FILE）后运行 campuseval audit verify"
                )
            if c.unkeyed_until != settings.AUDIT_UNKEYED_UNTIL:
                hints.append(f"原实例的 CAMPUSEVAL_AUDIT_UNKEYED_UNTIL 是 {c.unkeyed_until}，本实例须设置同一值")
            raise CommandError(
                f"数据和文件已恢复，但审计日志校验失败（共 {done.audit_count} 条记录，"
                f"{len(done.problems)} 处问题）：{shown}{more}" + "".join(f"。{h}" for h in hints)
            )
        seq, digest = done.head
        same = "与备份清单记录的一致" if done.head == c.head else f"备份清单记录的是 #{c.head[0]} {c.head[1]}"
        self.stdout.write(f"ok: {done.audit_count} 条审计记录，哈希链完整；链头 #{seq} {digest}，{same}")
