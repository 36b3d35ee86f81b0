"""The background worker killed in the middle of an import (SIGKILL: no handler runs).

The worker runs as a real process (``campuseval worker``) on a SQLite file of its own, migrated
first; a schools import of several batches is queued, and the worker is killed once the job has
written some batches and not all. An import commits batch by batch (``imports.services``: the
page shows its progress, and on SQLite a single transaction would hold the write lock from every
user for the whole import), so a killed import leaves the batches it wrote; what must not happen
is a job "正在导入" for ever, or a re-run that duplicates rows. The next worker started on the
machine marks the job failed with a Chinese message saying what was written and what to do, and
importing the same file again completes it: every school once.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from campuseval.imports import worker
from tests.imports.conftest import SCHOOL_HEADERS, xlsx

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
SCHOOLS = 5000  # five batches of 1,000 (the schools' batch size)
NOT_PASSED = {
    "TEST_DATABASE_URL", "DATABASE_URL", "DATABASE_REPLICA_URL", "DATABASE_POOLER", "CAMPUSEVAL_TESTING",
    "CAMPUSEVAL_STORAGE", "CAMPUSEVAL_VAR_DIR", "CAMPUSEVAL_TASKS_IMMEDIATE", "DEBUG",
}

QUEUE = r"""
import json, sys
import django
django.setup()
from django.core.files.uploadedfile import SimpleUploadedFile
from campuseval.accounts.models import RoleAssignment, User
from campuseval.imports.services import import_job_create
from campuseval.regions.models import Region

if not User.objects.filter(username="county-a").exists():
    province = Region.objects.create(code="340000", name="安徽省", level="province")
    city = Region.objects.create(code="341100", name="滁州市", level="city", parent=province)
    county = Region.objects.create(code="341102", name="琅琊区", level="county", parent=city)
    user = User.objects.create_user(username="county-a", password="Demo-Passw0rd!", full_name="琅琊区管理员")
    RoleAssignment.objects.create(user=user, role="county_admin", region=county)
with open(sys.argv[1], "rb") as f:
    upload = SimpleUploadedFile("琅琊区学校.xlsx", f.read())
job = import_job_create(kind="schools", upload=upload, by=User.objects.get(username="county-a"))
print(json.dumps({"job": job.pk}))
"""


class Instance:
    """A SQLite instance under a folder: the commands run against it, its file read directly."""

    def __init__(self, var: Path) -> None:
        self.var, self.db = var, var / "campuseval.sqlite3"
        self.env = {k: v for k, v in os.environ.items() if k not in NOT_PASSED and not k.startswith("S3_")}
        self.env.update(
            DATABASE_URL=f"sqlite:///{self.db}", CAMPUSEVAL_VAR_DIR=str(var), DJANGO_SETTINGS_MODULE="campuseval.settings",
            PYTHONPATH=str(ROOT),
        )

    def run(self, *args: str, timeout: float = 180) -> str:
        done = subprocess.run(args, cwd=ROOT, env=self.env, capture_output=True, text=True, timeout=timeout)
        assert done.returncode == 0, done.stderr[-3000:]
        return done.stdout + done.stderr

    def queue(self, workbook: Path) -> int:
        return _job_of(self.run(sys.executable, "-c", QUEUE, str(workbook)))

    def worker(self, log: Path) -> subprocess.Popen[bytes]:
        with log.open("wb") as out:
            return subprocess.Popen([BIN / "campuseval", "worker", "--interval", "0.05"], cwd=ROOT, env=self.env,
                                    stdout=out, stderr=subprocess.STDOUT)

    def one(self, sql: str, *params: object) -> tuple:
        with sqlite3.connect(self.db, timeout=30) as conn:
            return conn.execute(sql, params).fetchone()


def _job_of(out: str) -> int:
    line = next(line for line in reversed(out.strip().splitlines()) if line.startswith("{"))
    return int(json.loads(line)["job"])


def _job(instance: Instance, pk: int) -> dict:
    status, processed, total, errors, summary, finished = instance.one(
        "SELECT status, processed_rows, total_rows, errors, summary, finished_at FROM imports_importjob WHERE id = ?", pk
    )
    return {"status": status, "processed": processed, "total": total, "errors": json.loads(errors),
            "summary": json.loads(summary), "finished_at": finished}


def _task_of(instance: Instance, pk: int) -> tuple:
    for status, args, exception in _tasks(instance):
        if json.loads(args)["args"] == [pk]:
            return status, exception
    raise AssertionError(f"no task for job {pk}")


def _tasks(instance: Instance) -> list[tuple]:
    with sqlite3.connect(instance.db, timeout=30) as conn:
        return conn.execute("SELECT status, args_kwargs, exception_class_path FROM django_tasks_database_dbtaskresult").fetchall()


def _schools(instance: Instance) -> tuple[int, int]:
    return instance.one("SELECT count(*), count(DISTINCT code) FROM regions_school")


def _killed_half_way(instance: Instance, job: int, process: subprocess.Popen[bytes], log: Path) -> dict:
    """SIGKILL the worker once the job has written some of its batches and not all."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        state = _job(instance, job)
        if state["status"] == "importing" and 0 < state["processed"] < state["total"]:
            process.send_signal(signal.SIGKILL)
            process.wait(timeout=30)
            return state
        assert state["status"] in ("queued", "validating", "importing"), (state, log.read_text()[-3000:])
        assert process.poll() is None, log.read_text()[-3000:]
        time.sleep(0.02)
    process.kill()
    pytest.fail(f"the import never got half way: {_job(instance, job)}\n{log.read_text()[-3000:]}")


def test_a_worker_killed_mid_import_leaves_a_failed_job_and_the_same_file_again_completes(tmp_path):
    instance = Instance(tmp_path)
    instance.run(str(BIN / "campuseval"), "migrate", "-v0")
    rows = [[f"2134{n:06d}", f"琅琊区测试第{n}小学", "小学", "城镇", "341102", "", "", "", "", ""] for n in range(SCHOOLS)]
    workbook = tmp_path / "schools.xlsx"
    workbook.write_bytes(xlsx(SCHOOL_HEADERS, rows))
    first = instance.queue(workbook)

    log = tmp_path / "worker.log"
    _killed_half_way(instance, first, instance.worker(log), log)

    # The fault as it is left: some batches written, the job and its task "running" for ever.
    written, distinct = _schools(instance)
    assert 0 < written < SCHOOLS and written == distinct
    assert _job(instance, first)["status"] == "importing"
    assert _task_of(instance, first)[0] == "RUNNING"

    second = instance.queue(workbook)
    out = instance.run(str(BIN / "campuseval"), "worker", "--once", "--interval", "0.05")

    failed = _job(instance, first)
    assert failed["status"] == "failed" and failed["finished_at"]
    message = failed["errors"][0]["message"]
    assert "导入中途中断" in message and f"至少 {failed['processed']} 行" in message
    assert "请把同一文件重新导入" in message and "不会重复" in message
    assert failed["processed"] <= written  # what the job counted was written (the last batch may be too)
    assert _task_of(instance, first) == ("FAILED", "campuseval.imports.worker.WorkerLost")
    assert "marked failed" in out
    again = _job(instance, second)
    assert again["status"] == "done", (again, out[-3000:])
    assert again["summary"] == {"created": SCHOOLS - written, "updated": 0, "unchanged": written}
    assert _schools(instance) == (SCHOOLS, SCHOOLS)
    assert {status for status, _, _ in _tasks(instance)} == {"FAILED", "SUCCESSFUL"}


# --- whether a worker named on a task still runs ----------------------------------------------


def _dead_pid() -> int:
    done = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    return int(done.stdout)


def test_a_task_is_abandoned_only_by_a_stopped_worker_of_this_machine():
    host, boot = socket.gethostname(), worker._boot()
    living = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    looping = worker.worker_id()
    worker.LOOPS.add(looping)  # as work() does while it runs
    try:
        assert not worker._gone(looping)  # a loop of this process (the browser tests run one in a thread)
        assert worker._gone(f"{host}:{boot}:{os.getpid()}:abcdefgh")  # an id this process left, or had before
        assert not worker._gone(f"{host}:{boot}:{living.pid}:abcdefgh")  # another worker, running
        assert worker._gone(f"{host}:{boot}:{_dead_pid()}:abcdefgh")  # stopped
        assert worker._gone(f"{host}:another:{living.pid}:abcdefgh")  # before a reboot
        assert not worker._gone(f"elsewhere:{boot}:{_dead_pid()}:abcdefgh")  # another machine's
        assert not worker._gone("f7c3a0b1e2d4c5b6a7f8e9d0c1b2a3f4")  # django-tasks' own db_worker's
    finally:
        worker.LOOPS.discard(looping)
        living.kill()
        living.wait()
