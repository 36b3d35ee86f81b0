"""``campuseval worker [--interval S]``: the background worker (imports and every later task);
the loop is ``campuseval.imports.worker.work``."""

from __future__ import annotations

import signal
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from campuseval.imports.worker import work


class Command(BaseCommand):
    help = "后台任务（导入等）：空闲时每隔 --interval 秒只读地查看一次，有任务时才取出并执行。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--interval", type=float, default=1.0, help="空闲时查看的间隔（秒，默认 1）")
        parser.add_argument("--once", action="store_true", help="执行完现有任务后退出")

    def handle(self, *args: Any, interval: float, once: bool, **options: Any) -> None:
        running = True

        def stop(signum: int, frame: Any) -> None:
            nonlocal running
            running = False

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        work(lambda: running, interval=interval, once=once)
