"""``campuseval worker [--interval S]``: the background worker (imports and every later task).

django-tasks' own ``db_worker`` opens a write transaction on every poll, once a second even
when there is nothing to do; beside a web server on SQLite that takes the write lock from the
users' saves. This worker looks for ready tasks with one read (which never waits for a writer
in WAL mode) and runs ``db_worker``'s worker in batch mode only when there is work.
"""

from __future__ import annotations

import signal
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections
from django.utils.crypto import get_random_string
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult


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
        worker_id = get_random_string(32)
        while running:
            close_old_connections()
            if DBTaskResult.objects.ready().filter(backend_name="default").exists():
                Worker(
                    queue_names=["*"], interval=0, batch=True, backend_name="default",
                    startup_delay=False, max_tasks=None, worker_id=worker_id, excluded_queue_names=[],
                ).run()
            elif once:
                return
            else:
                time.sleep(interval)
