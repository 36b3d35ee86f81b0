"""Answers to a signed-in user are never kept by a cache (issue 13, defect 8): pages and the API
(with a token) say no-store; what a view caches on purpose keeps its own rule; the anonymous
public pages are not touched."""

from __future__ import annotations

from tests.api.conftest import client_for, rubrics  # noqa: F401 (fixture)


def no_store(response) -> bool:
    return "no-store" in response.get("Cache-Control", "") and "private" in response.get("Cache-Control", "")


def test_a_signed_in_page_and_an_htmx_fragment_say_no_store(client, cast):
    client.force_login(cast.school_user_a)
    assert no_store(client.get("/accounts/me/"))
    assert no_store(client.get("/ping"))


def test_the_api_with_a_token_says_no_store(cast, rubrics):  # noqa: F811
    response = client_for(cast.city_admin).get("/api/rubrics/")
    assert response.status_code == 200 and no_store(response)


def test_the_anonymous_log_in_page_is_left_to_its_own_rules(client):
    response = client.get("/accounts/login/")
    assert response.status_code == 200 and "private" not in response.get("Cache-Control", "")


def test_a_signed_in_users_export_says_no_store(client, cast):
    client.force_login(cast.platform_admin)
    response = client.get("/imports/schools/template.xlsx")
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
    assert no_store(response)
