"""Neutral Chinese 403, 404 and 500 pages with a way back to the user's own work (issue 8, 3)."""

from __future__ import annotations

import json

from django.test import RequestFactory
from django.views.defaults import server_error


def test_a_missing_application_says_so_neutrally_and_leads_back_to_the_schools_work(client, cast):
    client.force_login(cast.school_user_a)
    response = client.get("/campaigns/applications/999999/")
    body = response.content.decode()
    assert response.status_code == 404
    assert "找不到这个页面" in body and "评估标准" not in body.split("<main")[-1].split("</main>")[0]
    assert 'href="/campaigns/applications/"' in body  # 我的申报


def test_a_refused_page_names_who_may_and_leads_back(client, cast):
    client.force_login(cast.school_user_a)
    response = client.get("/campaigns/county/")
    body = response.content.decode()
    assert response.status_code == 403
    assert "县级初评仅限" in body
    assert 'href="/campaigns/applications/"' in body


def test_a_visitor_on_a_missing_page_is_offered_the_log_in(client, db):
    body = client.get("/no-such-page/").content.decode()
    assert "找不到这个页面" in body and 'href="/accounts/login/"' in body


def test_a_server_error_is_a_chinese_page(db):
    response = server_error(RequestFactory().get("/"))
    body = response.content.decode()
    assert response.status_code == 500
    assert "系统出错了" in body and "Server Error" not in body


def test_a_missing_api_path_answers_json_with_a_detail_not_a_page(client, db):
    response = client.get("/api/no-such-thing/")
    assert response.status_code == 404 and response["Content-Type"].startswith("application/json")
    assert response.json()["detail"] and response.json()["code"] == "not_found"


def test_a_server_error_on_an_api_path_answers_json(db):
    from campuseval.errors import server_error as site_server_error

    response = site_server_error(RequestFactory().get("/api/applications/"))
    assert response.status_code == 500 and response["Content-Type"].startswith("application/json")
    assert "系统出错了" in json.loads(response.content)["detail"]
    page = site_server_error(RequestFactory().get("/campaigns/"))
    assert page.status_code == 500 and "系统出错了" in page.content.decode()
