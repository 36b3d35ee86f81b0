"""A session idle for more than 30 minutes ends; every request pushes the limit forward."""

from __future__ import annotations

import datetime as dt
from unittest import mock

from django.conf import settings
from django.utils import timezone

from .conftest import log_in


def at(moment: dt.datetime):
    return mock.patch.object(timezone, "now", return_value=moment)


def test_it_is_set_to_30_minutes_refreshed_on_each_request():
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST is True


def test_it_keeps_an_active_session_and_ends_an_idle_one(client, cast):
    start = timezone.now()
    with at(start):
        log_in(client, "schoola")
    # 29 minutes after the log-in, then 29 minutes after that: each request keeps it alive.
    with at(start + dt.timedelta(minutes=29)):
        assert client.get("/accounts/me/").status_code == 200
    with at(start + dt.timedelta(minutes=58)):
        assert client.get("/accounts/me/").status_code == 200
    # Then 31 idle minutes.
    with at(start + dt.timedelta(minutes=58 + 31)):
        response = client.get("/accounts/me/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_it_ends_a_session_idle_for_31_minutes_after_log_in(client, cast):
    start = timezone.now()
    with at(start):
        log_in(client, "schoola")
    with at(start + dt.timedelta(minutes=31)):
        response = client.get("/accounts/me/")

    assert response.status_code == 302


def test_it_ends_the_session_when_the_browser_closes(client, cast):
    response = log_in(client, "schoola")

    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["max-age"] == "" and cookie["expires"] == ""
    assert cookie["httponly"] is True


def test_an_active_session_still_ends_12_hours_after_its_log_in(client, cast):
    assert settings.SESSION_ABSOLUTE_AGE == 12 * 3600
    start = timezone.now()
    with at(start):
        log_in(client, "schoola")
    for minutes in range(20, 12 * 60, 20):  # a request every 20 minutes, all day
        with at(start + dt.timedelta(minutes=minutes)):
            assert client.get("/accounts/me/").status_code == 200, minutes
    with at(start + dt.timedelta(hours=12, minutes=1)):
        response = client.get("/accounts/me/", follow=True)

    assert response.redirect_chain[0][0].startswith("/accounts/login/")
    assert "登录已超过 12 小时" in response.content.decode()
    with at(start + dt.timedelta(hours=12, minutes=2)):
        log_in(client, "schoola")
        assert client.get("/accounts/me/").status_code == 200
