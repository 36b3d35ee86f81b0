"""API tokens: only a digest stored, several per account with names, ended idle or old,
listed and revoked by their owner on 我的账号 and through the API (issue 13, defect 4)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import override_settings
from django.utils import timezone

from campuseval.accounts.models import ApiToken
from campuseval.audit.models import AuditRecord
from tests.conftest import PASSWORD

from .conftest import client_for


def issue(username: str, **extra) -> dict:
    response = client_for().post("/api/token/", {"username": username, "password": PASSWORD, **extra})
    assert response.status_code == 200, response.content
    return response.json()


def with_key(key: str):
    client = client_for()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def test_the_database_never_holds_the_key(cast):
    key = issue("schoola")["token"]

    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM accounts_apitoken")
        stored = " ".join(str(value) for row in cursor.fetchall() for value in row)
    assert key not in stored
    assert key[:8] in stored  # the prefix, to tell tokens apart on the page


def test_a_token_unused_past_the_idle_limit_stops_working(cast):
    key = issue("schoola")["token"]
    ApiToken.objects.update(last_used_at=timezone.now() - dt.timedelta(hours=7 * 24, minutes=1))

    response = with_key(key).get("/api/schools/")

    assert response.status_code == 401
    assert "过期" in response.json()["detail"]
    assert not ApiToken.objects.exists()


def test_a_token_in_use_still_ends_at_its_absolute_lifetime(cast):
    key = issue("schoola")["token"]
    ApiToken.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))

    assert with_key(key).get("/api/schools/").status_code == 401


@override_settings(API_TOKEN_IDLE_HOURS=1)
def test_using_a_token_keeps_it_alive(cast):
    key = issue("schoola")["token"]
    ApiToken.objects.update(last_used_at=timezone.now() - dt.timedelta(minutes=50))

    assert with_key(key).get("/api/schools/").status_code == 200
    assert ApiToken.objects.get().last_used_at > timezone.now() - dt.timedelta(minutes=1)


def test_the_issued_token_says_when_it_ends(cast):
    body = issue("schoola")
    expires = dt.datetime.fromisoformat(body["expires_at"])

    assert dt.timedelta(days=29) < expires - timezone.now() <= dt.timedelta(days=30)


@override_settings(API_TOKENS_PER_USER=2)
def test_an_account_with_too_many_live_tokens_is_told_to_revoke_one(cast):
    issue("schoola")
    issue("schoola")

    response = client_for().post("/api/token/", {"username": "schoola", "password": PASSWORD})

    assert response.status_code == 400
    assert response.json()["code"] == "token_limit"
    assert "我的账号" in response.json()["detail"]


@override_settings(API_TOKENS_PER_USER=1)
def test_ended_tokens_do_not_count_towards_the_limit(cast):
    issue("schoola")
    ApiToken.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))

    issue("schoola")
    assert ApiToken.objects.count() == 1


def test_the_owner_lists_and_revokes_tokens_through_the_api(cast):
    first = issue("schoola", name="脚本一")
    second = issue("schoola", name="脚本二")
    client = with_key(first["token"])

    rows = client.get("/api/tokens/").json()
    assert {r["name"] for r in rows} == {"脚本一", "脚本二"}
    assert [r["current"] for r in rows if r["name"] == "脚本一"] == [True]
    assert all("token" not in r for r in rows)

    assert client.delete(f"/api/tokens/{second['id']}/").status_code == 204
    assert with_key(second["token"]).get("/api/schools/").status_code == 401
    assert client.get("/api/schools/").status_code == 200
    assert AuditRecord.objects.filter(action="logout", after__token__startswith="脚本二").exists()


def test_nobody_revokes_another_accounts_token(cast):
    theirs = issue("schoolb")

    response = with_key(issue("schoola")["token"]).delete(f"/api/tokens/{theirs['id']}/")

    assert response.status_code == 404
    assert with_key(theirs["token"]).get("/api/schools/").status_code == 200


@pytest.fixture
def page(client, cast):
    client.force_login(cast.school_user_a)
    return client


def test_my_account_lists_my_live_tokens_with_their_names(page, cast):
    issue("schoola", name="成绩导入脚本")
    issue("schoolb", name="别人的脚本")
    ended = issue("schoola", name="早已过期")
    ApiToken.objects.filter(pk=ended["id"]).update(expires_at=timezone.now() - dt.timedelta(days=1))

    html = page.get("/accounts/me/").content.decode()

    assert "成绩导入脚本" in html
    assert "别人的脚本" not in html
    assert "早已过期" not in html


def test_revoking_a_token_on_my_account_ends_it(page, cast):
    body = issue("schoola", name="旧脚本")

    response = page.post(f"/accounts/me/tokens/{body['id']}/revoke/", follow=True)

    assert "已作废" in response.content.decode()
    assert with_key(body["token"]).get("/api/schools/").status_code == 401


def test_my_account_cannot_revoke_someone_elses_token(page, cast):
    theirs = issue("schoolb")

    assert page.post(f"/accounts/me/tokens/{theirs['id']}/revoke/").status_code == 404
    assert ApiToken.objects.filter(pk=theirs["id"]).exists()
