"""`campuseval analytics rebuild`: recompute the dashboards' summary table from scratch."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from campuseval.analytics.services import rebuild


class Command(BaseCommand):
    help = "数据看板的汇总表：rebuild 从各次年度创建的申报、评分重新计算全部汇总（服务会随时保持它最新）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["rebuild"], help="rebuild：重新计算全部汇总")

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        count = rebuild()
        self.stdout.write(f"已重新计算 {count} 份申报的汇总，用时 {time.perf_counter() - started:.1f} 秒")
