"""The production mode from the environment: Django's deployment check has nothing to say, and
behind the HTTPS proxy the cookies are secure-only and plain HTTP is redirected."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "SECRET_KEY": "a-long-random-production-key-" + "x" * 40,
    "ALLOWED_HOSTS": "zhxy.example.cn",
    "SITE_URL": "https://zhxy.example.cn",
    "CAMPUSEVAL_HTTPS": "1",
    "CAMPUSEVAL_AUDIT_KEY": "an-audit-key-kept-outside-the-database-" + "y" * 20,
}


def run(code: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "CAMPUSEVAL_TESTING", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env={**clean, "DJANGO_SETTINGS_MODULE": "campuseval.settings", **env},
        capture_output=True, text=True, timeout=120,
    )


CHECK = "import django; django.setup(); from django.core.management import call_command; call_command('check', '--deploy', '--fail-level', 'WARNING')"


def test_the_deployment_check_reports_nothing_in_production_mode():
    result = run(CHECK, **PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout + result.stderr


def test_without_https_mode_the_deployment_check_names_the_insecure_cookies():
    result = run(CHECK, **{k: v for k, v in PRODUCTION.items() if k != "CAMPUSEVAL_HTTPS"})
    assert result.returncode != 0
    assert "SESSION_COOKIE_SECURE" in result.stderr + result.stdout


def test_behind_the_proxy_plain_http_is_redirected_and_cookies_are_secure():
    code = (
        "import django; django.setup(); from django.conf import settings; from django.test import Client;"
        "c = Client(); r = c.get('/results/', HTTP_HOST='zhxy.example.cn');"
        "s = c.get('/healthz', HTTP_HOST='zhxy.example.cn', HTTP_X_FORWARDED_PROTO='https');"
        "h = c.get('/healthz', HTTP_HOST='zhxy.example.cn');"
        "print(r.status_code, r['Location'], s.status_code, s.get('Strict-Transport-Security'), h.status_code,"
        " settings.SESSION_COOKIE_SECURE, settings.CSRF_COOKIE_SECURE, sep='|')"
    )
    env = {**PRODUCTION, "DATABASE_URL": "sqlite:///:memory:", "CAMPUSEVAL_TASKS_IMMEDIATE": "1"}
    result = run(code, **env)
    assert result.returncode == 0, result.stderr
    plain, location, https, hsts, health, session_secure, csrf_secure = result.stdout.strip().splitlines()[-1].split("|")
    assert (plain, location) == ("301", "https://zhxy.example.cn/results/")
    assert https == "200" and hsts == "max-age=31536000; includeSubDomains"
    assert health == "200"  # the load balancer asks over plain HTTP
    assert (session_secure, csrf_secure) == ("True", "True")


def test_production_mode_refuses_to_start_with_the_development_secret_key():
    without = {k: v for k, v in PRODUCTION.items() if k != "SECRET_KEY"}
    for env in (without, {**without, "SECRET_KEY": "campuseval-development-only-not-secret"}, {**without, "SECRET_KEY": " "}):
        result = run(CHECK, **env)
        assert result.returncode != 0
        assert "SECRET_KEY" in result.stderr and "生产模式" in result.stderr


def test_the_deployment_check_names_an_unkeyed_audit_chain():
    result = run(CHECK, **{k: v for k, v in PRODUCTION.items() if k != "CAMPUSEVAL_AUDIT_KEY"})
    assert result.returncode != 0
    assert "campuseval.W001" in result.stderr + result.stdout


def test_production_mode_requires_two_factor_log_in_of_administrators_unless_turned_off():
    code = "import django; django.setup(); from django.conf import settings; print(settings.ADMIN_TWO_FACTOR)"
    assert run(code, **PRODUCTION).stdout.strip() == "True"
    assert run(code, **PRODUCTION, CAMPUSEVAL_ADMIN_2FA="0").stdout.strip() == "False"
    assert run(code, **{k: v for k, v in PRODUCTION.items() if k != "CAMPUSEVAL_HTTPS"}).stdout.strip() == "False"
