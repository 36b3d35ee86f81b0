"""The default set-up never fails a lone user: on the SQLite file database, with the background
worker polling beside the web server, many score saves at once are all saved (issue 8, 1)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import OperationalError
from django.test import RequestFactory

ROOT = Path(__file__).resolve().parents[2]


def test_saves_beside_the_polling_worker_on_sqlite_never_fail(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("TEST_DATABASE_URL", "CAMPUSEVAL_TESTING", "DATABASE_URL")}
    env.update(CAMPUSEVAL_VAR_DIR=str(tmp_path), PYTHONPATH=str(ROOT), DEBUG="0")
    done = subprocess.run(
        [sys.executable, str(ROOT / "tests" / "sqlite_saves.py"), "6", "40"],
        env=env, cwd=ROOT, capture_output=True, text=True, timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["answers"] == {"200": 6 * 40}, (result, done.stderr[-3000:])


@pytest.mark.parametrize(("path", "headers", "kind"), [
    ("/campaigns/applications/1/scores/1.1.1/", {"HTTP_HX_REQUEST": "true"}, "text/plain"),
    ("/api/applications/1/submit/", {}, "application/json"),
    ("/campaigns/applications/1/submit/", {}, "text/html"),
])
def test_a_save_the_busy_database_still_refuses_answers_in_chinese(db, path, headers, kind):
    from django.contrib.auth.models import AnonymousUser

    from campuseval.busy_middleware import BUSY, DatabaseBusyMiddleware

    request = RequestFactory().post(path, **headers)
    request.user = AnonymousUser()
    response = DatabaseBusyMiddleware(lambda r: None).process_exception(request, OperationalError("database is locked"))
    assert response is not None and response.status_code == 503
    assert response["Content-Type"].startswith(kind)
    assert BUSY in response.content.decode() or BUSY in json.loads(response.content)["detail"]
    assert response["Retry-After"]
