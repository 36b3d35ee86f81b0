"""`campuseval backup FILE.zip`: every table, every stored file and the audit chain's head in one
archive, read in one transaction while the service runs (campuseval/backup.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from campuseval.backup import BackupError, backup


def size_text(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB" if size >= 1024 * 1024 else f"{size / 1024:.1f} KB"


class Command(BaseCommand):
    help = (
        "备份：把全部数据表、存储的文件（佐证材料、导入文件等）和审计链头写入一个 zip 文件，附清单"
        "（每个成员的 SHA-256）；服务照常运行。审计密钥和 SECRET_KEY 不在备份中，须另行保存。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", metavar="FILE.zip", help="备份文件（zip 格式）")
        parser.add_argument("--force", action="store_true", help="覆盖已有的同名文件")

    def handle(self, *args: Any, file: str, force: bool, **options: Any) -> None:
        path = Path(file)
        if path.suffix.lower() != ".zip":
            raise CommandError(f"{path}：备份文件是 zip 格式，文件名须以 .zip 结尾")
        if path.exists() and not force:
            raise CommandError(f"{path}：文件已存在；要覆盖请加 --force")
        try:
            done = backup(path)
        except (BackupError, OSError) as exc:
            raise CommandError(f"备份失败：{exc}") from exc
        for name in done.missing:
            self.stderr.write(f"warning: 存储中没有文件 {name}（仍有数据行引用它），未能备份")
        seq, digest = done.head
        self.stdout.write(
            f"ok: {path}：{done.tables} 张表 {done.rows} 行、{done.files} 个文件，共 {size_text(done.size)}；"
            f"审计链头 #{seq} {digest}"
        )
        self.stdout.write("提示：审计密钥和 SECRET_KEY 不在备份中，请与备份分开保存；链头请另记一处，恢复后用 audit verify --expect 核对。")
