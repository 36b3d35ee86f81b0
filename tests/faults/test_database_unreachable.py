"""The database unreachable, then back (PostgreSQL): a real server (gunicorn, production settings,
persistent connections) reaches the suite's test database through a forwarder the test stops and
starts again. While it is stopped every page answers the 503 page (系统暂时无法连接数据库…), the
API a 503 JSON error with ``detail`` and ``code``, /healthz 503 naming the database; never a
500. Once it runs again the same server answers 200 to all three without a restart. The
background worker waits out the same loss: a job queued meanwhile runs once the database is back.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client

from campuseval.busy_middleware import UNAVAILABLE
from campuseval.imports.models import ImportJob
from campuseval.imports.services import import_job_create
from tests.api.conftest import token_key
from tests.imports.conftest import SCHOOL_HEADERS, xlsx

from .forwarder import Forwarder, free_port

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
NOT_PASSED = {
    "TEST_DATABASE_URL", "DATABASE_URL", "DATABASE_REPLICA_URL", "DATABASE_POOLER", "CAMPUSEVAL_TESTING",
    "CAMPUSEVAL_STORAGE", "CAMPUSEVAL_VAR_DIR", "CAMPUSEVAL_TASKS_IMMEDIATE", "DEBUG", "CAMPUSEVAL_HTTPS",
}

pytestmark = pytest.mark.django_db(transaction=True)


@dataclass
class Answer:
    status: int
    type: str
    body: str

    def json(self) -> dict:
        return json.loads(self.body)


@pytest.fixture(scope="module")
def var(tmp_path_factory) -> Path:
    """The servers' folder, with the static files collected as a deployment has them."""
    folder = tmp_path_factory.mktemp("var")
    env = _env(folder, "sqlite:///" + str(folder / "unused.sqlite3"))
    subprocess.run([BIN / "campuseval", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True, timeout=300)
    return folder


def _env(var: Path, database_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in NOT_PASSED and not k.startswith("S3_")}
    # The test's own key: the sessions and the tokens it made are the server's too.
    env.update(DATABASE_URL=database_url, CAMPUSEVAL_VAR_DIR=str(var), SECRET_KEY=settings.SECRET_KEY,
               ALLOWED_HOSTS="127.0.0.1", DJANGO_SETTINGS_MODULE="campuseval.settings", PYTHONPATH=str(ROOT))
    return env


@pytest.fixture
def forwarder(postgresql) -> Iterator[Forwarder]:
    params = connection.settings_dict
    f = Forwarder(params["HOST"] or "127.0.0.1", int(params["PORT"] or 5432))
    f.start()
    yield f
    f.stop()


def _database_url(forwarder: Forwarder) -> str:
    p = connection.settings_dict
    password = f":{p['PASSWORD']}" if p["PASSWORD"] else ""
    return f"postgres://{p['USER'] or 'postgres'}{password}@127.0.0.1:{forwarder.port}/{p['NAME']}"


def _log_of(path: Path) -> str:
    return path.read_text(errors="replace")[-4000:]


@pytest.fixture
def server(forwarder, var, tmp_path) -> Iterator[str]:
    port, log = free_port(), tmp_path / "gunicorn.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [BIN / "gunicorn", "campuseval.wsgi:application", "--bind", f"127.0.0.1:{port}", "--workers", "1",
             "--threads", "2", "--timeout", "60"],
            cwd=ROOT, env=_env(var, _database_url(forwarder)), stdout=out, stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        _until(lambda: _get(base + "/healthz").status == 200, f"the server at {base} did not start", log)
        yield base
        assert process.poll() is None, _log_of(log)  # the same server all along
    finally:
        process.terminate()
        process.wait(timeout=30)


def _get(url: str, **headers: str) -> Answer:
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return Answer(response.status, response.headers.get("Content-Type", ""), response.read().decode())
    except urllib.error.HTTPError as error:
        return Answer(error.code, error.headers.get("Content-Type", ""), error.read().decode())
    except OSError:  # not listening yet
        return Answer(0, "", "")


def _until(done, message: str, log: Path | None = None, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if done():
            return
        time.sleep(0.02)
    pytest.fail(f"{message}\n{_log_of(log) if log else ''}")


def test_a_server_whose_database_goes_away_answers_503_and_recovers_by_itself(forwarder, cast, server, tmp_path):
    browser = Client()
    browser.force_login(cast.school_user_a)
    session = f"{settings.SESSION_COOKIE_NAME}={browser.cookies[settings.SESSION_COOKIE_NAME].value}"
    token = f"Token {token_key(cast.school_user_a)}"

    def page() -> Answer:
        return _get(server + "/campaigns/applications/", Cookie=session)

    def api() -> Answer:
        return _get(server + "/api/applications/", Authorization=token)

    def health() -> Answer:
        return _get(server + "/healthz")

    assert [page().status, api().status, health().status] == [200, 200, 200]

    forwarder.stop()
    for _ in range(2):  # each of the server's threads: its dropped connection, then a refused one
        shown, answered, told = page(), api(), health()
        assert shown.status == 503 and shown.type.startswith("text/html"), shown
        assert "系统暂时无法连接数据库" in shown.body and "Traceback" not in shown.body
        assert answered.status == 503 and answered.type.startswith("application/json"), answered
        assert answered.json() == {"detail": UNAVAILABLE, "code": "database_unavailable"}
        assert told.status == 503 and told.json() == {"status": "failed", "database": "failed", "storage": "ok"}

    forwarder.start()
    seen: list[int] = []

    def all_ok() -> bool:
        statuses = [page().status, api().status, health().status]
        seen.extend(statuses)
        return statuses == [200, 200, 200]

    _until(all_ok, "the server did not recover when the database came back", tmp_path / "gunicorn.log", timeout=30)
    assert set(seen) <= {200, 503}, seen  # never a server error on the way back
    assert "database database_unavailable: GET /campaigns/applications/" in (tmp_path / "gunicorn.log").read_text()


def test_the_worker_waits_while_the_database_is_away_and_then_runs_what_was_queued(
    forwarder, cast, var, tmp_path, settings
):
    settings.MEDIA_ROOT = var / "media"  # the worker's (CAMPUSEVAL_VAR_DIR/media)
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    log = tmp_path / "worker.log"
    with log.open("wb") as out:
        worker = subprocess.Popen([BIN / "campuseval", "worker", "--interval", "0.1"], cwd=ROOT,
                                  env=_env(var, _database_url(forwarder)), stdout=out, stderr=subprocess.STDOUT)
    try:
        forwarder.stop()
        _until(lambda: "the database is away" in log.read_text(errors="replace"), "the worker never lost the database", log)
        rows = [["2134000101", "琅琊区新建第一小学", "小学", "城镇", "341102", "", "", "", "", ""]]
        upload = SimpleUploadedFile("学校.xlsx", xlsx(SCHOOL_HEADERS, rows))
        job = import_job_create(kind="schools", upload=upload, by=cast.county_admin_a)  # queued meanwhile
        # It keeps trying (every 2 s), and stays running.
        _until(lambda: log.read_text(errors="replace").count("the database is away") >= 2, "the worker stopped trying", log)
        assert worker.poll() is None, _log_of(log)
        assert ImportJob.objects.get(pk=job.pk).status == ImportJob.Status.QUEUED

        forwarder.start()
        _until(lambda: ImportJob.objects.get(pk=job.pk).is_finished, "the queued job never ran", log, timeout=30)
        assert ImportJob.objects.get(pk=job.pk).status == ImportJob.Status.DONE
        assert worker.poll() is None, _log_of(log)
    finally:
        worker.terminate()
        worker.wait(timeout=30)


def test_a_database_lost_in_the_middle_of_an_import_leaves_a_failed_job_and_the_file_again_completes(
    forwarder, cast, var, tmp_path, settings
):
    from campuseval.regions.models import School

    settings.MEDIA_ROOT = var / "media"
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    count = 5000  # five batches of 1,000
    rows = [[f"21349{n:05d}", f"琅琊区测试第{n}小学", "小学", "城镇", "341102", "", "", "", "", ""] for n in range(count)]
    content = xlsx(SCHOOL_HEADERS, rows)

    def queue() -> ImportJob:
        return import_job_create(kind="schools", upload=SimpleUploadedFile("学校.xlsx", content), by=cast.county_admin_a)

    def imported() -> int:
        return School.objects.filter(code__startswith="21349").count()

    log = tmp_path / "worker.log"
    with log.open("wb") as out:
        worker = subprocess.Popen([BIN / "campuseval", "worker", "--interval", "0.05"], cwd=ROOT,
                                  env=_env(var, _database_url(forwarder)), stdout=out, stderr=subprocess.STDOUT)
    try:
        first = queue()

        def half_way() -> bool:
            job = ImportJob.objects.get(pk=first.pk)
            assert not job.is_finished, (job.status, job.processed_rows, job.errors)
            return job.status == ImportJob.Status.IMPORTING and 0 < job.processed_rows < job.total_rows

        _until(half_way, "the import never got half way", log, timeout=120)
        forwarder.stop()
        _until(lambda: "the database is away" in log.read_text(errors="replace"), "the worker never lost the database", log)
        written = imported()
        assert 0 < written < count
        assert ImportJob.objects.get(pk=first.pk).status == ImportJob.Status.IMPORTING  # as the loss left it
        forwarder.start()

        _until(lambda: ImportJob.objects.get(pk=first.pk).is_finished, "the interrupted job was never marked", log)
        failed = ImportJob.objects.get(pk=first.pk)
        assert failed.status == ImportJob.Status.FAILED
        assert "导入中途中断" in failed.errors[0]["message"] and "请把同一文件重新导入" in failed.errors[0]["message"]
        second = queue()
        _until(lambda: ImportJob.objects.get(pk=second.pk).is_finished, "the same file again never ran", log, timeout=120)
        again = ImportJob.objects.get(pk=second.pk)
        assert again.status == ImportJob.Status.DONE, again.errors
        assert again.summary == {"created": count - written, "updated": 0, "unchanged": written}
        assert imported() == count
        assert worker.poll() is None, _log_of(log)
    finally:
        worker.terminate()
        worker.wait(timeout=30)
