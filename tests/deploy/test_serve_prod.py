"""`make serve-prod`'s stack started here (scripts/serve-prod.sh): nginx with HTTPS in front of
gunicorn, PgBouncer in front of PostgreSQL, the worker. Plain HTTP is redirected (but
/healthz), HTML leaves gzipped, static files come from nginx, a user logs in over HTTPS, and
`stop` ends every process.

Runs in the suite's PostgreSQL pass (``TEST_DATABASE_URL``) with Debian's nginx and PgBouncer
(`make test` installs them when it may). Without them it skips and says why, except where
``CAMPUSEVAL_REQUIRE_PROD=1`` (CI): there it fails.
"""

from __future__ import annotations

import gzip
import http.cookiejar
import os
import re
import shutil
import socket
import ssl
import subprocess
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
URL = os.environ.get("TEST_DATABASE_URL", "")


def _missing() -> str:
    if not URL.startswith("postgres"):
        return "runs in the PostgreSQL pass (TEST_DATABASE_URL)"
    tools = [t for t in ("nginx", "pgbouncer", "openssl", "psql", "curl") if not shutil.which(t, path="/usr/sbin:/usr/bin:/sbin:/bin")]
    return f"needs {', '.join(tools)} (scripts/ensure-prod.sh installs nginx and PgBouncer)" if tools else ""


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def stack():
    reason = _missing()
    if reason:
        if URL.startswith("postgres") and os.environ.get("CAMPUSEVAL_REQUIRE_PROD"):
            pytest.fail(f"{reason} (CAMPUSEVAL_REQUIRE_PROD=1 requires the production stack's test)")
        pytest.skip(reason)
    # Under var/ (not the private temporary folder): nginx's workers and PgBouncer run as other accounts.
    run = ROOT / "var" / f"prod-test-{uuid.uuid4().hex[:8]}"
    db = f"campuseval_prod_test_{uuid.uuid4().hex[:8]}"
    ports = {"PROD_HTTPS_PORT": _port(), "PROD_HTTP_PORT": _port(), "PROD_APP_PORT": _port(), "PROD_POOL_PORT": _port()}
    env = {
        **{k: v for k, v in os.environ.items() if k not in {"CAMPUSEVAL_TESTING", "TEST_DATABASE_URL", "DATABASE_URL"}},
        **{k: str(v) for k, v in ports.items()},
        "PROD_DIR": str(run), "PROD_DB": db, "PROD_DEMO": "0", "PROD_WORKERS": "2", "PG_URL": URL,
    }
    script = str(ROOT / "scripts" / "serve-prod.sh")
    try:
        started = subprocess.run([script, "start"], env=env, capture_output=True, text=True, timeout=600)
        assert started.returncode == 0, started.stdout + started.stderr
        yield {"https": f"https://127.0.0.1:{ports['PROD_HTTPS_PORT']}", "http": f"http://127.0.0.1:{ports['PROD_HTTP_PORT']}",
               "started": started.stdout, "run": run, "env": env, "db": db, "script": script}
    finally:
        subprocess.run([script, "stop"], env=env, capture_output=True, timeout=120)
        subprocess.run(["psql", URL, "-qc", f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)'], capture_output=True, timeout=60)
        shutil.rmtree(run, ignore_errors=True)


INSECURE = ssl.create_default_context()
INSECURE.check_hostname = False
INSECURE.verify_mode = ssl.CERT_NONE  # the stack's own self-signed certificate


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        return None


def _opener(cookies: http.cookiejar.CookieJar | None = None, follow: bool = True) -> urllib.request.OpenerDirector:
    handlers: list[object] = [urllib.request.HTTPSHandler(context=INSECURE)]
    if cookies is not None:
        handlers.append(urllib.request.HTTPCookieProcessor(cookies))
    if not follow:
        handlers.append(_NoRedirect())
    return urllib.request.build_opener(*handlers)  # type: ignore[arg-type]


def _get(opener, url, **headers):
    try:
        return opener.open(urllib.request.Request(url, headers=headers), timeout=30)
    except urllib.error.HTTPError as answer:
        return answer


def test_the_stack_answers_over_https_and_says_where(stack):
    assert stack["https"] in stack["started"]
    answer = _get(_opener(), f"{stack['https']}/healthz")
    assert answer.status == 200 and b'"database": "ok"' in answer.read()
    assert answer.headers["Strict-Transport-Security"].startswith("max-age=")


def test_plain_http_is_redirected_but_the_health_check(stack):
    answer = _get(_opener(follow=False), f"{stack['http']}/results/")
    assert answer.status == 301 and answer.headers["Location"] == f"{stack['https']}/results/"
    assert _get(_opener(), f"{stack['http']}/healthz").status == 200


def test_html_leaves_gzipped_and_static_files_come_from_nginx(stack):
    page = _get(_opener(), f"{stack['https']}/accounts/login/", **{"Accept-Encoding": "gzip"})
    assert page.status == 200 and page.headers["Content-Encoding"] == "gzip"
    assert "登录" in gzip.decompress(page.read()).decode()
    css = _get(_opener(), f"{stack['https']}/static/vendor/bootstrap/bootstrap.min.css")
    assert css.status == 200 and "max-age" in (css.headers["Cache-Control"] or "")
    assert _get(_opener(), f"{stack['https']}/protected/anything").status == 404  # internal only


def test_a_user_logs_in_over_https_through_pgbouncer(stack):
    subprocess.run(
        [str(ROOT / ".venv" / "bin" / "campuseval"), "shell", "-c",
         "from campuseval.accounts.models import User; User.objects.create_user(username='prodcheck', password='Prod-Check-2026!')"],
        env={**stack["env"], "DATABASE_URL": URL.rpartition("/")[0] + "/" + stack["db"], "SECRET_KEY": "x" * 50},
        check=True, capture_output=True, timeout=120,
    )
    cookies = http.cookiejar.CookieJar()
    opener = _opener(cookies, follow=False)
    form = _get(opener, f"{stack['https']}/accounts/login/").read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    body = urllib.parse.urlencode({"csrfmiddlewaretoken": token, "username": "prodcheck", "password": "Prod-Check-2026!"}).encode()
    request = urllib.request.Request(
        f"{stack['https']}/accounts/login/", data=body,
        headers={"Referer": f"{stack['https']}/accounts/login/", "Origin": stack["https"]},
    )
    try:
        answer = opener.open(request, timeout=30)
    except urllib.error.HTTPError as redirect:
        answer = redirect
    assert answer.status == 302, answer.read()[:500]
    session = next(c for c in cookies if c.name == "sessionid")
    assert session.secure


def test_stop_ends_every_process(stack):
    status = subprocess.run([stack["script"], "status"], env=stack["env"], capture_output=True, text=True, timeout=30)
    assert status.stdout.split() == ["nginx:", "running", "gunicorn:", "running", "worker:", "running", "pgbouncer:", "running"]
    subprocess.run([stack["script"], "stop"], env=stack["env"], capture_output=True, timeout=120, check=True)
    status = subprocess.run([stack["script"], "status"], env=stack["env"], capture_output=True, text=True, timeout=30)
    assert status.stdout.split().count("stopped") == 4
