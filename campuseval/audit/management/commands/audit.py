"""`campuseval audit verify`: check the audit trail's hash chain; exit 1 on any problem."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from campuseval.audit.services import chain_head, verify_chain

SHOWN_IN_ERROR = 5


def _expected(text: str | None) -> tuple[int, str] | None:
    if not text:
        return None
    seq, _, digest = text.strip().lstrip("#").partition(":")
    if not seq.isdigit() or len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
        raise CommandError(f"--expect 应为 序号:哈希（如 1234:{'0' * 64}），而不是 {text}")
    return int(seq), digest


class Command(BaseCommand):
    help = "审计日志：verify 校验哈希链，发现被改动或删除的记录时以非零状态退出。"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        verify = sub.add_parser("verify", help="校验审计日志的哈希链")
        verify.add_argument(
            "--expect", metavar="SEQ:HASH",
            help="保存在系统之外的链头（以前 verify 打印的，或 syslog 副本中的）：该记录须仍在且哈希相同",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        count, problems = verify_chain(expect=_expected(options.get("expect")))
        for p in problems:
            self.stderr.write(f"error: {p.message}")
        if problems:
            # The error itself names the records, so that it is enough in a cron e-mail.
            shown = "；".join(p.message for p in problems[:SHOWN_IN_ERROR])
            more = f"；另有 {len(problems) - SHOWN_IN_ERROR} 处" if len(problems) > SHOWN_IN_ERROR else ""
            raise CommandError(
                f"审计日志校验失败（共 {count} 条记录，{len(problems)} 处问题）：{shown}{more}"
            )
        seq, digest = chain_head()
        # Printing the head lets an operator keep it elsewhere: rewriting the whole chain
        # (head included) would then still be noticed.
        self.stdout.write(f"ok: {count} 条审计记录，哈希链完整；链头 #{seq} {digest}")
