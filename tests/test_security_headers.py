"""Security headers on every kind of answer (issue 13): pages, fragments, the API (its data, its
refusals, its 404), file downloads, the error pages (403, 404, 500) and the bad-host 400."""

from __future__ import annotations

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import Client, override_settings
from django.urls import path

from tests.api.conftest import client_for


def _boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a bug")


urlpatterns = [path("boom/", _boom)]  # this module is the URLconf of the 500 test


def assert_secure(response) -> None:
    headers = response.headers
    assert headers.get("X-Content-Type-Options") == "nosniff", response
    assert headers.get("X-Frame-Options") == "DENY", response
    assert headers.get("Referrer-Policy") == "same-origin", response
    assert headers.get("Cross-Origin-Opener-Policy") == "same-origin", response
    policy = headers.get("Content-Security-Policy", "")
    assert "frame-ancestors 'none'" in policy or policy.startswith("sandbox"), (response, policy)


def test_a_page_and_the_log_in_page(client, cast):
    assert_secure(client.get("/accounts/login/"))
    client.force_login(cast.school_user_a)
    assert_secure(client.get("/todo/"))
    assert_secure(client.get("/ping"))


def test_the_api_its_refusals_and_its_404(cast):
    assert_secure(client_for(cast.school_user_a).get("/api/schools/"))
    assert_secure(client_for().get("/api/schools/"))  # 401
    assert_secure(client_for(cast.school_user_a).get("/api/no-such-thing/"))  # 404 JSON
    assert_secure(client_for().post("/api/token/", {"username": "x", "password": "y"}))  # 400


def test_a_file_download(client, cast):
    client.force_login(cast.platform_admin)
    response = client.get("/imports/schools/template.xlsx")
    assert response.status_code == 200
    assert_secure(response)


def test_the_error_pages(client, cast):
    client.force_login(cast.school_user_a)
    forbidden = client.get("/accounts/users/")
    missing = client.get("/no-such-page/")
    assert (forbidden.status_code, missing.status_code) == (403, 404)
    assert_secure(forbidden)
    assert_secure(missing)


@override_settings(ROOT_URLCONF=__name__)
def test_the_server_error_page(db):
    response = Client(raise_request_exception=False).get("/boom/")
    assert response.status_code == 500
    assert_secure(response)


@pytest.mark.parametrize("host", ["evil.example.com", "127.0.0.1:8000@evil"])
def test_the_bad_host_answer(db, host):
    response = Client().get("/accounts/login/", HTTP_HOST=host)
    assert response.status_code == 400
    assert_secure(response)
