"""POST /accounts/users/<pk>/password/: a new password, shown once, to be changed at next log-in."""

from __future__ import annotations

import html
import re

import pytest

from campuseval.audit.models import AuditRecord
from tests.conftest import PASSWORD

from .conftest import log_in


def reset(client, user):
    response = client.post(f"/accounts/users/{user.pk}/password/")
    match = re.search(r'id="one-time-password">([^<]+)</p>', response.content.decode())
    return response, html.unescape(match.group(1)) if match else None


def test_it_resets_the_password_and_shows_it_once(client, cast):
    client.force_login(cast.platform_admin)

    response, password = reset(client, cast.school_user_a)

    assert response.status_code == 200 and password
    assert "no-store" in response["Cache-Control"]
    cast.school_user_a.refresh_from_db()
    assert cast.school_user_a.check_password(password)
    assert not cast.school_user_a.check_password(PASSWORD)
    assert cast.school_user_a.must_change_password is True


def test_it_makes_the_user_change_it_at_next_log_in(client, cast):
    client.force_login(cast.platform_admin)
    _, password = reset(client, cast.school_user_a)
    client.logout()

    assert log_in(client, "schoola", PASSWORD).status_code == 200  # the old one fails
    assert log_in(client, "schoola", password)["Location"] == "/accounts/password/"


def test_it_records_the_reset_without_the_password(client, cast):
    client.force_login(cast.platform_admin)

    _, password = reset(client, cast.school_user_a)

    record = AuditRecord.objects.get(object_id=str(cast.school_user_a.pk), action="update")
    assert record.after == {"password": "（已修改）", "must_change_password": True}
    assert password not in str(record.before) + str(record.after)


def test_it_resets_the_two_factor_authenticator(client, cast):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.create(user=cast.school_user_a, confirmed=True)
    client.force_login(cast.platform_admin)
    assert "解除身份验证器" in client.get(f"/accounts/users/{cast.school_user_a.pk}/").content.decode()

    client.post(f"/accounts/users/{cast.school_user_a.pk}/two-factor/reset/")

    assert not TOTPDevice.objects.filter(user=cast.school_user_a).exists()
    assert AuditRecord.objects.filter(after__two_factor="已解除").exists()


@pytest.mark.parametrize("who", ["city_admin", "county_admin_a", "school_user_b"])
def test_it_forbids_other_roles(client, cast, who):
    client.force_login(getattr(cast, who))

    response, password = reset(client, cast.school_user_a)

    assert response.status_code == 403 and password is None
    cast.school_user_a.refresh_from_db()
    assert cast.school_user_a.check_password(PASSWORD)


def test_it_is_404_for_a_missing_account(client, cast):
    client.force_login(cast.platform_admin)

    assert client.post("/accounts/users/99999/password/").status_code == 404
