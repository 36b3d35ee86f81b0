"""The background worker's loop (``campuseval worker``): imports and every later task.

django-tasks' own ``db_worker`` opens a write transaction on every poll, once a second even
when there is nothing to do; beside a web server on SQLite that takes the write lock from the
users' saves. This loop looks for ready tasks with one read (which never waits for a writer in
WAL mode) and runs ``db_worker``'s worker in batch mode only when there is work.

A worker killed in the middle of a task (SIGKILL, out of memory, the power) cannot say so: its
task stays "running" and an import job "正在导入" for ever. A worker's id names its machine, boot
and process, so the next worker started on that machine (and every worker there, once a minute)
finds such tasks, marks them failed and tells the app whose task it was (``ABANDONED``): an
import job is marked failed with what was written and what to do. A database that goes away
does not stop the loop: it waits and tries again, and the task the loss interrupted is
marked the same way once the database is back.
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import time
from collections.abc import Callable
from pathlib import Path

from django.db import DatabaseError, close_old_connections, connections, transaction
from django.utils import timezone
from django.utils.crypto import get_random_string
from django_tasks.base import TaskResultStatus
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from campuseval.busy_middleware import trouble

log = logging.getLogger(__name__)
HOUSEKEEPING_EVERY = 60.0  # seconds between two rounds of the apps' housekeeping
OUTAGE_WAIT = 2.0  # seconds between two tries while the database is away
# What the apps above want done once a minute (removing expired bulk exports): filled from
# their AppConfig.ready(), so the worker imports nothing of theirs.
HOUSEKEEPING: list[Callable[[], object]] = []
LOOPS: set[str] = set()  # the ids of this process's running loops (a test may run one in a thread)


class WorkerLost(RuntimeError):
    """The worker running a task stopped without finishing it (the failed task's exception)."""


# --- who runs a task, and whether it still runs ---------------------------------------------


def _boot() -> str:
    try:
        return Path("/proc/sys/kernel/random/boot_id").read_text().strip()[:8]
    except OSError:  # not Linux: a reboot is then told by the process id alone
        return "-"


def worker_id() -> str:
    """``host:boot:pid:random``; django-tasks records it on each task the worker claims."""
    return f"{socket.gethostname()}:{_boot()}:{os.getpid()}:{get_random_string(8)}"


def _gone(worker: str) -> bool:
    """Whether the worker of this id has stopped: known on this machine only (a task of a worker
    elsewhere is left to a worker started there)."""
    try:
        host, boot, pid, _ = worker.rsplit(":", 3)
        number = int(pid)
    except ValueError:  # not ours (django-tasks' own db_worker)
        return False
    if host != socket.gethostname():
        return False
    if boot != _boot():
        return True  # a worker before a reboot
    if number == os.getpid():  # this process: a loop running (in a thread), an id it left, or an earlier worker
        return worker not in LOOPS
    try:
        os.kill(number, 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # a process of another user
        return False
    return False


# --- what becomes of a task a worker left running -------------------------------------------


# task path -> what its app does when a stopped worker left the task running (its arguments)
# (each app registers its own in its AppConfig.ready: imports, exportjobs)
ABANDONED: dict[str, Callable[..., None]] = {}


def abandoned_tasks_fail() -> int:
    """Mark failed the tasks that a stopped worker of this machine left running, and tell their
    apps; one read when there are none."""
    running = DBTaskResult.objects.running().filter(backend_name="default")
    found = [t for t in running.only("id", "worker_ids", "task_path", "args_kwargs")
             if t.worker_ids and _gone(t.worker_ids[-1])]
    for task in found:
        with transaction.atomic():
            if not DBTaskResult.objects.filter(pk=task.pk, status=TaskResultStatus.RUNNING).update(
                status=TaskResultStatus.FAILED, finished_at=timezone.now(), return_value=None,
                exception_class_path=f"{WorkerLost.__module__}.{WorkerLost.__qualname__}",
                traceback=f"WorkerLost: the worker {task.worker_ids[-1]} stopped before the task finished\n",
            ):
                continue  # another worker of this machine marked it first
            handler = ABANDONED.get(task.task_path)
            if handler is not None:
                handler(*task.args_kwargs["args"], **task.args_kwargs["kwargs"])
        log.warning("task %s (%s) was left running by worker %s (stopped, or lost the database): marked failed",
                    task.pk, task.task_path, task.worker_ids[-1])
    return len(found)


# --- the loop -------------------------------------------------------------------------------


def _housekeeping() -> None:
    for job in (abandoned_tasks_fail, *HOUSEKEEPING):
        try:
            job()
        except Exception as exc:  # one failed round (storage down) must not stop the tasks
            if trouble(exc):
                raise  # the database is away: the loop waits for it
            log.exception("housekeeping %s failed; tried again in a minute", getattr(job, "__name__", job))


def work(running: Callable[[], bool], *, interval: float = 1.0, once: bool = False) -> None:
    """Run ready tasks while ``running()``; idle, look again every ``interval`` seconds. On start
    and once a minute: the tasks stopped workers left (``abandoned_tasks_fail``) and the apps'
    housekeeping (``HOUSEKEEPING``). While the database is away, try again every few seconds."""
    me = worker_id()
    kept = float("-inf")
    LOOPS.add(me)
    try:
        while running():
            try:
                close_old_connections()
                if time.monotonic() - kept >= HOUSEKEEPING_EVERY:
                    _housekeeping()
                    kept = time.monotonic()
                if DBTaskResult.objects.ready().filter(backend_name="default").exists():
                    _run_ready(me)
                elif once:
                    return
                else:
                    time.sleep(interval)
            except DatabaseError as exc:
                if trouble(exc) is None:
                    raise
                log.warning("worker: the database is away (%s); trying again in %g s", exc, OUTAGE_WAIT)
                # A task the old id was running is left over: marked as soon as the database is back.
                LOOPS.discard(me)
                me, kept = worker_id(), float("-inf")
                LOOPS.add(me)
                with contextlib.suppress(DatabaseError):  # closing connections already lost
                    connections.close_all()
                time.sleep(OUTAGE_WAIT)
    finally:
        LOOPS.discard(me)


def _run_ready(me: str) -> None:
    Worker(
        queue_names=["*"], interval=0, batch=True, backend_name="default",
        startup_delay=False, max_tasks=None, worker_id=me, excluded_queue_names=[],
    ).run()
