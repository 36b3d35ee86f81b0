"""A new or imported account must change its password at the first log-in, before anything else."""

from __future__ import annotations

import pytest

from tests.conftest import PASSWORD

from .conftest import log_in


@pytest.fixture
def newcomer(cast):
    cast.school_user_a.must_change_password = True
    cast.school_user_a.save()
    return cast.school_user_a


def test_it_sends_the_first_log_in_to_the_change_page(client, newcomer):
    response = log_in(client, "schoola")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/password/"
    assert "请先设置自己的新密码" in client.get("/accounts/password/").content.decode()


@pytest.mark.parametrize("path", ["/accounts/me/", "/rubrics/", "/audit/", "/accounts/users/"])
def test_it_sends_every_page_to_the_change_page(client, newcomer, path):
    log_in(client, "schoola")

    response = client.get(path)

    assert response.status_code == 302
    assert response["Location"] == "/accounts/password/"


def test_it_still_allows_logging_out(client, newcomer):
    log_in(client, "schoola")

    response = client.post("/accounts/logout/")

    assert response["Location"] == "/accounts/login/"


def test_it_lets_the_user_in_once_the_password_is_changed(client, newcomer):
    log_in(client, "schoola")

    client.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": "Kx7!mQ2#pLz9", "new_password2": "Kx7!mQ2#pLz9"},
    )

    newcomer.refresh_from_db()
    assert newcomer.must_change_password is False
    assert client.get("/accounts/me/").status_code == 200  # still logged in


def test_it_does_not_ask_an_account_that_changed_it_already(client, cast):
    response = log_in(client, "schoola")

    assert response["Location"] == "/todo/"
