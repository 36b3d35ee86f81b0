"""The background worker's loop (``campuseval worker``): imports and every later task.

django-tasks' own ``db_worker`` opens a write transaction on every poll, once a second even
when there is nothing to do; beside a web server on SQLite that takes the write lock from the
users' saves. This loop looks for ready tasks with one read (which never waits for a writer in
WAL mode) and runs ``db_worker``'s worker in batch mode only when there is work.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from django.db import close_old_connections
from django.utils.crypto import get_random_string
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

log = logging.getLogger(__name__)
HOUSEKEEPING_EVERY = 60.0  # seconds between two rounds of the apps' housekeeping
# What the apps above want done once a minute (removing expired bulk exports): filled from
# their AppConfig.ready(), so the worker imports nothing of theirs.
HOUSEKEEPING: list[Callable[[], object]] = []


def work(running: Callable[[], bool], *, interval: float = 1.0, once: bool = False) -> None:
    """Run ready tasks while ``running()``; idle, look again every ``interval`` seconds. Once a
    minute the apps' housekeeping runs (``HOUSEKEEPING``)."""
    worker_id = get_random_string(32)
    kept = 0.0
    while running():
        close_old_connections()
        if time.monotonic() - kept >= HOUSEKEEPING_EVERY:
            for job in HOUSEKEEPING:
                try:
                    job()
                except Exception:  # one failed round (storage down) must not stop the tasks
                    log.exception("housekeeping %s failed; tried again in a minute", getattr(job, "__name__", job))
            kept = time.monotonic()
        if DBTaskResult.objects.ready().filter(backend_name="default").exists():
            Worker(
                queue_names=["*"], interval=0, batch=True, backend_name="default",
                startup_delay=False, max_tasks=None, worker_id=worker_id, excluded_queue_names=[],
            ).run()
        elif once:
            return
        else:
            time.sleep(interval)
