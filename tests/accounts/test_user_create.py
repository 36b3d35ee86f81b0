"""POST /accounts/users/new/: a new account; its generated password is shown once."""

from __future__ import annotations

import html
import re

import pytest

from campuseval.accounts.models import User
from campuseval.audit.models import AuditRecord

from .conftest import log_in

FORM = {"username": "wanglaoshi", "full_name": "王老师", "phone": "0550-1234567", "email": ""}


def one_time_password(response) -> str:
    match = re.search(r'id="one-time-password">([^<]+)</p>', response.content.decode())
    assert match, "the page shows no password"
    return html.unescape(match.group(1))


def test_it_creates_an_account_that_must_change_its_password(client, cast):
    client.force_login(cast.platform_admin)

    response = client.post("/accounts/users/new/", {**FORM, "home_county": cast.county_a.pk})

    assert response.status_code == 200
    user = User.objects.get(username="wanglaoshi")
    assert user.full_name == "王老师" and user.home_county == cast.county_a
    assert user.must_change_password is True
    assert user.check_password(one_time_password(response))
    assert "只显示这一次" in response.content.decode()
    assert "no-store" in response["Cache-Control"]


def test_it_lets_the_new_account_log_in_once_to_change_the_password(client, cast):
    client.force_login(cast.platform_admin)
    password = one_time_password(client.post("/accounts/users/new/", FORM))
    client.logout()

    response = log_in(client, "wanglaoshi", password)

    assert response["Location"] == "/accounts/password/"


def test_it_records_the_creation_without_the_password(client, cast):
    client.force_login(cast.platform_admin)

    response = client.post("/accounts/users/new/", FORM)

    record = AuditRecord.objects.get(action="create", object_type="accounts.user")
    assert record.actor_id == cast.platform_admin.pk
    assert record.after["full_name"] == "王老师"
    assert "password" not in record.after
    assert one_time_password(response) not in str(record.after)


def test_it_refuses_a_username_in_use(client, cast):
    client.force_login(cast.platform_admin)

    response = client.post("/accounts/users/new/", {**FORM, "username": "schoola"})

    assert response.status_code == 200
    assert "已存在" in response.content.decode()
    assert 'id="one-time-password"' not in response.content.decode()


def test_it_requires_a_name(client, cast):
    client.force_login(cast.platform_admin)

    response = client.post("/accounts/users/new/", {**FORM, "full_name": ""})

    assert "该字段是必填项" in response.content.decode()
    assert not User.objects.filter(username="wanglaoshi").exists()


@pytest.mark.parametrize("who", ["city_admin", "county_admin_a", "school_user_a"])
def test_it_forbids_other_roles(client, cast, who):
    client.force_login(getattr(cast, who))

    response = client.post("/accounts/users/new/", FORM)

    assert response.status_code == 403
    assert not User.objects.filter(username="wanglaoshi").exists()
