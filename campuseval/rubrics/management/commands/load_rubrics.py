"""``campuseval load_rubrics [FILE.yaml ...]``: load the shipped rubric files (and any given)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from campuseval.rubricfile.load import shipped_rubric_paths
from campuseval.rubrics.services import RubricLoadError, rubrics_load_files


class Command(BaseCommand):
    help = "载入随产品提供的评估标准文件（以及命令行给出的文件）；内容有变化时保存为新版本。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="*", metavar="FILE.yaml", help="另外载入的评估标准文件")

    def handle(self, *args: Any, **options: Any) -> None:
        paths = [*shipped_rubric_paths(), *options["paths"]]
        if not paths:
            raise CommandError("没有找到评估标准文件（rubrics/*.yaml）。")
        try:
            results = rubrics_load_files(paths=paths)
        except RubricLoadError as exc:
            lines = "\n".join(f"  {p}" for p in exc.problems)
            raise CommandError(f"评估标准文件有误，未载入任何文件：\n{lines}") from exc
        for rubric, created in results:
            if created:
                state = f"已载入为第 {rubric.version} 版"
            else:
                state = f"未变化（仍为第 {rubric.version} 版）"
            self.stdout.write(f"{rubric.code}  {rubric.name}：{state}")
