"""Periodic password change (issue 13, defect 9): off by default; with PASSWORD_MAX_AGE_DAYS a
password past its age must be changed before anything else, on the pages and in the API, and a
change cannot go back to one of the last PASSWORD_HISTORY passwords."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.utils import timezone

from campuseval.accounts.models import PasswordHistory
from campuseval.accounts.services import user_set_password
from tests.conftest import PASSWORD

from .conftest import log_in

NEW = ["Fresh-Passw0rd-1!", "Fresh-Passw0rd-2!", "Fresh-Passw0rd-3!"]


def age(user, days: int) -> None:
    user.password_changed_at = timezone.now() - dt.timedelta(days=days)
    user.save(update_fields=["password_changed_at"])


def test_an_old_password_is_fine_while_expiry_is_off(client, cast):
    age(cast.school_user_a, 1000)

    log_in(client, "schoola")

    assert client.get("/todo/").status_code == 200


@override_settings(PASSWORD_MAX_AGE_DAYS=90)
def test_a_password_past_its_age_must_be_changed_first(client, cast):
    age(cast.school_user_a, 91)

    response = log_in(client, "schoola")
    page = client.get("/todo/", follow=True)

    assert response["Location"] == "/accounts/password/"
    assert page.redirect_chain[-1][0] == "/accounts/password/"
    assert "已使用超过 90 天" in page.content.decode()


@override_settings(PASSWORD_MAX_AGE_DAYS=90)
def test_a_password_within_its_age_logs_in_as_usual(client, cast):
    age(cast.school_user_a, 89)

    assert log_in(client, "schoola")["Location"] != "/accounts/password/"


@override_settings(PASSWORD_MAX_AGE_DAYS=90)
def test_the_api_refuses_an_account_whose_password_is_past_its_age(cast):
    from tests.api.conftest import client_for

    client = client_for(cast.school_user_a)
    age(cast.school_user_a, 91)

    assert client.get("/api/schools/").status_code == 403
    token = client_for().post("/api/token/", {"username": "schoola", "password": PASSWORD})
    assert token.status_code == 403
    assert "到期" in token.json()["detail"]


@override_settings(PASSWORD_MAX_AGE_DAYS=90)
def test_changing_it_starts_its_age_again(client, cast):
    age(cast.school_user_a, 91)
    log_in(client, "schoola")

    client.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": NEW[0], "new_password2": NEW[0]},
    )

    assert client.get("/todo/").status_code == 200


@override_settings(PASSWORD_HISTORY=2)
def test_a_change_cannot_go_back_to_a_recent_password(cast):
    user = cast.school_user_a
    user_set_password(user=user, password=NEW[0], by_self=True)
    user_set_password(user=user, password=NEW[1], by_self=True)

    with pytest.raises(ValidationError, match="最近 2 次"):
        user_set_password(user=user, password=PASSWORD, by_self=True)  # two changes ago
    user_set_password(user=user, password=NEW[2], by_self=True)
    assert PasswordHistory.objects.filter(user=user).count() == 2
    user.refresh_from_db()
    assert user.check_password(NEW[2])


def test_the_password_page_names_a_reused_password(client, cast):
    user = cast.school_user_a
    user_set_password(user=user, password=NEW[0], by_self=True)
    client.force_login(user)

    response = client.post(
        "/accounts/password/", {"old_password": NEW[0], "new_password1": PASSWORD, "new_password2": PASSWORD}
    )

    assert "不能与最近 5 次用过的密码相同" in response.content.decode()
    user.refresh_from_db()
    assert user.check_password(NEW[0])


def test_the_password_page_states_the_history_rule(client, cast):
    client.force_login(cast.school_user_a)

    html = client.get("/accounts/password/").content.decode()

    assert "不能与最近 5 次用过的密码相同" in html and "&lt;ul&gt;" not in html
