"""Two gunicorn servers on one PostgreSQL database, as a province runs several app servers
behind nginx: concurrent saves of one school's scores through both lose nothing, and two saves
of the same indicator from the same version raise the same conflict (409) as on one server.

Needs PostgreSQL (``TEST_DATABASE_URL``, which CI sets; SQLite is one writer on one machine):
without it the test skips and says why. The test makes a database of its own on that server,
migrates and fills it in a subprocess, starts the servers, and drops the database at the end.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
URL = os.environ.get("TEST_DATABASE_URL", "")

pytestmark = pytest.mark.skipif(
    not URL.startswith("postgres"), reason="needs PostgreSQL: set TEST_DATABASE_URL (CI does)"
)

SETUP = r"""
import datetime as dt, json
import django
django.setup()
from django.utils import timezone
from campuseval.api.services import token_issue
from campuseval.accounts.models import RoleAssignment, User
from campuseval.campaigns import services as s
from campuseval.regions.models import Region, School
from campuseval.rubrics.models import Rubric
from campuseval.rubrics.services import rubrics_load_shipped

rubrics_load_shipped()
province = Region.objects.create(code="340000", name="安徽省", level="province")
city = Region.objects.create(code="341100", name="滁州市", level="city", parent=province)
county = Region.objects.create(code="341102", name="琅琊区", level="county", parent=city)
school = School.objects.create(code="2134000001", name="琅琊区示例第一小学", stage="小学", location="urban", county=county)
admin = User.objects.create_user(username="cityadmin", password="Demo-Passw0rd!")
RoleAssignment.objects.create(user=admin, role="city_admin", region=city)
user = User.objects.create_user(username="schoola", password="Demo-Passw0rd!")
RoleAssignment.objects.create(user=user, role="school_user", school=school)
now = timezone.now()
campaign = s.campaign_open(
    by=admin, city=city, year=now.year, name="两台服务器的年度创建", rubric=Rubric.objects.get(code="taizhou-2022"),
    opens_at=now - dt.timedelta(days=1), application_deadline=now + dt.timedelta(days=10),
    county_review_deadline=now + dt.timedelta(days=20), city_review_deadline=now + dt.timedelta(days=30),
    publication_deadline=now + dt.timedelta(days=40),
)
application = s.application_create(by=user, campaign=campaign, school=school)
codes = [i.code for i in campaign.rubric.engine_rubric().indicators]
print(json.dumps({"application": application.pk, "token": token_issue(user=user, ip=None)[1], "codes": codes}))
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(URL, autocommit=True) as conn:
        conn.execute(sql)


@pytest.fixture(scope="module")
def servers() -> Iterator[dict[str, Any]]:
    name = f"campuseval_two_servers_{uuid.uuid4().hex[:8]}"
    _admin(f'CREATE DATABASE "{name}"')
    base, _, _ = URL.rpartition("/")
    env = {
        **{k: v for k, v in os.environ.items() if k not in {"CAMPUSEVAL_TESTING", "TEST_DATABASE_URL", "DEBUG"}},
        "DATABASE_URL": f"{base}/{name}", "SECRET_KEY": "two-servers-" + "x" * 40,
        "ALLOWED_HOSTS": "127.0.0.1", "CAMPUSEVAL_TASKS_IMMEDIATE": "1", "DJANGO_SETTINGS_MODULE": "campuseval.settings",
    }
    processes: list[subprocess.Popen[bytes]] = []
    try:
        subprocess.run([BIN / "campuseval", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True, timeout=600)
        made = subprocess.run([sys.executable, "-c", SETUP], cwd=ROOT, env=env, check=True, timeout=300,
                              capture_output=True, text=True)
        world = json.loads(made.stdout.strip().splitlines()[-1])
        bases = []
        for _ in range(2):
            port = _free_port()
            processes.append(subprocess.Popen(
                [BIN / "gunicorn", "campuseval.wsgi:application", "--bind", f"127.0.0.1:{port}", "--workers", "2",
                 "--threads", "4", "--log-level", "warning"],
                cwd=ROOT, env=env,
            ))
            bases.append(f"http://127.0.0.1:{port}")
        for address in bases:
            _wait(address)
        yield {**world, "bases": bases}
    finally:
        for p in processes:
            p.terminate()
        for p in processes:
            p.wait(timeout=30)
        _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _wait(base: str) -> None:
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=10) as r:
                if r.status == 200:
                    return
        except OSError:  # not listening yet (refused), or still loading (timed out)
            pass
        if time.monotonic() > deadline:
            raise AssertionError(f"{base} did not answer /healthz within 60 s")
        time.sleep(0.3)


def _call(world: dict[str, Any], base: str, method: str, path: str, body: Any = None) -> tuple[int, Any]:
    request = urllib.request.Request(
        f"{base}{path}", method=method, data=None if body is None else json.dumps(body).encode(),
        headers={"Authorization": f"Token {world['token']}", "Content-Type": "application/json", "Accept": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as r:
            return r.status, json.loads(r.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


def _save(world: dict[str, Any], base: str, code: str, score: float, version: int) -> tuple[int, Any]:
    path = f"/api/applications/{world['application']}/scores/{code}/"
    return _call(world, base, "PUT", path, {"version": version, "score": score})


def _saved(world: dict[str, Any], base: str) -> dict[str, Any]:
    status, rows = _call(world, base, "GET", f"/api/applications/{world['application']}/scores/")
    assert status == 200, rows
    items = rows if isinstance(rows, list) else rows.get("results", rows.get("indicators", rows))
    return {r["code"]: r for r in items}


def _at_once(calls: list[Any]) -> list[Any]:
    """Run the calls in threads released together."""
    gate = threading.Barrier(len(calls))
    answers: list[Any] = [None] * len(calls)

    def run(i: int) -> None:
        gate.wait()
        answers[i] = calls[i]()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return answers


def test_concurrent_saves_through_both_servers_lose_nothing(servers):
    codes = servers["codes"][:24]
    answers = _at_once([
        (lambda c=c, i=i: _save(servers, servers["bases"][i % 2], c, 0.5, 0)) for i, c in enumerate(codes)
    ])
    assert [status for status, _ in answers] == [200] * len(codes), answers
    for base in servers["bases"]:  # each server reads every save, whichever server took it
        saved = _saved(servers, base)
        assert all(float(saved[c]["self_score"]) == 0.5 for c in codes), {c: saved[c] for c in codes}


def test_the_same_indicator_saved_through_both_servers_at_once_raises_the_conflict(servers):
    for code in servers["codes"][30:35]:
        (a, body_a), (b, body_b) = _at_once([
            lambda code=code: _save(servers, servers["bases"][0], code, 1.0, 0),
            lambda code=code: _save(servers, servers["bases"][1], code, 0.5, 0),
        ])
        assert sorted([a, b]) == [200, 409], (a, body_a, b, body_b)
        winner = 1.0 if a == 200 else 0.5
        assert float(_saved(servers, servers["bases"][0])[code]["self_score"]) == winner
    # One server, the same stale version: the same answer.
    code = servers["codes"][40]
    assert _save(servers, servers["bases"][0], code, 1.0, 0)[0] == 200
    status, body = _save(servers, servers["bases"][0], code, 0.5, 0)
    assert status == 409
    status_other, body_other = _save(servers, servers["bases"][1], code, 0.5, 0)
    assert (status_other, sorted(body_other)) == (409, sorted(body))
