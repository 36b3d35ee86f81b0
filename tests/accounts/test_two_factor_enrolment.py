"""Two-factor log-in for administrators, and an enrolment nobody takes with the password alone
(issue 13, defect 3): with ADMIN_TWO_FACTOR platform, city and county administrators log in
with a TOTP code; binding the first authenticator needs a one-time enrolment code from a
platform administrator, replacing it needs the current factor; ten recovery codes, each once."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from campuseval.accounts.models import EnrolmentCode, RecoveryCode
from campuseval.accounts.services import enrolment_code_issue
from campuseval.audit.models import AuditRecord
from tests.conftest import PASSWORD

from .conftest import log_in, logged_in

pytestmark = pytest.mark.usefixtures("admins_need_two_factor")


@pytest.fixture
def admins_need_two_factor():
    with override_settings(ADMIN_TWO_FACTOR=True):
        yield


def code(device: TOTPDevice) -> str:
    device.refresh_from_db()
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def enrol(client, username: str, user) -> tuple[TOTPDevice, list[str]]:
    """Log in with the password and a fresh enrolment code, bind an authenticator; its codes."""
    given = enrolment_code_issue(user=user, by=None)
    log_in(client, username)
    client.post("/accounts/login/token/", {"code": given})
    client.get("/accounts/login/token/")
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    response = client.post("/accounts/login/token/", {"token": code(device)})
    assert response["Location"] == "/accounts/me/recovery-codes/"
    page = client.get("/accounts/me/recovery-codes/").content.decode()
    return device, re.findall(r"<li>([A-Z0-9]{4}-[A-Z0-9]{4})</li>", page)


def test_a_county_administrator_is_asked_for_a_second_factor_after_the_password(client, cast):
    response = log_in(client, "countya")

    assert response["Location"] == "/accounts/login/token/"
    assert not logged_in(client)


def test_without_the_setting_administrators_log_in_with_the_password(client, cast):
    with override_settings(ADMIN_TWO_FACTOR=False):
        log_in(client, "countya")
        assert logged_in(client)


def test_a_school_user_is_not_asked_for_a_second_factor(client, cast):
    log_in(client, "schoola")

    assert logged_in(client)


def test_the_password_alone_never_binds_an_authenticator(client, cast):
    log_in(client, "countya")

    page = client.get("/accounts/login/token/").content.decode()
    client.post("/accounts/login/token/", {"token": "123456"})

    assert "绑定码" in page
    assert "data:image/svg+xml" not in page  # no secret shown before the code
    assert not TOTPDevice.objects.filter(user=cast.county_admin_a).exists()
    assert not logged_in(client)


def test_a_wrong_or_expired_enrolment_code_is_refused_and_counted(client, cast):
    given = enrolment_code_issue(user=cast.county_admin_a, by=None)
    theirs = enrolment_code_issue(user=cast.city_admin, by=None)
    log_in(client, "countya")

    wrong = client.post("/accounts/login/token/", {"code": theirs})
    EnrolmentCode.objects.filter(user=cast.county_admin_a).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    expired = client.post("/accounts/login/token/", {"code": given})

    for response in (wrong, expired):
        assert "绑定码不正确或已过期" in response.content.decode()
    assert AuditRecord.objects.filter(action="login_failed", after__reason="绑定码不正确或已过期").count() == 2


def test_the_enrolment_code_binds_once_and_gives_ten_recovery_codes(client, cast):
    device, codes = enrol(client, "countya", cast.county_admin_a)

    assert logged_in(client)
    device.refresh_from_db()
    assert device.confirmed
    assert len(codes) == 10 and len(set(codes)) == 10
    assert not EnrolmentCode.objects.filter(user=cast.county_admin_a).exists()
    again = client.get("/accounts/me/recovery-codes/").content.decode()
    assert codes[0] not in again  # shown once
    assert "10 个未使用的恢复码" in again


def test_recovery_codes_are_kept_only_as_digests(client, cast):
    _, codes = enrol(client, "countya", cast.county_admin_a)

    with connection.cursor() as cursor:
        cursor.execute("SELECT digest FROM accounts_recoverycode UNION ALL SELECT digest FROM accounts_enrolmentcode")
        stored = " ".join(row[0] for row in cursor.fetchall())
    assert all(c not in stored and c.replace("-", "") not in stored for c in codes)


def test_a_recovery_code_logs_in_once_in_place_of_the_authenticator(client, cast):
    _, codes = enrol(client, "countya", cast.county_admin_a)
    client.post("/accounts/logout/")

    log_in(client, "countya")
    first = client.post("/accounts/login/token/", {"token": codes[0].lower()}, follow=True)
    assert logged_in(client)
    assert "还剩 9 个" in first.content.decode()
    client.post("/accounts/logout/")

    log_in(client, "countya")
    reused = client.post("/accounts/login/token/", {"token": codes[0]})
    assert "恢复码不正确" in reused.content.decode()
    assert not logged_in(client)
    assert RecoveryCode.objects.filter(user=cast.county_admin_a).count() == 9


def test_replacing_the_authenticator_needs_the_current_factor(client, cast):
    device, codes = enrol(client, "countya", cast.county_admin_a)
    client.get("/accounts/me/two-factor/")
    new = TOTPDevice.objects.get(user=cast.county_admin_a, confirmed=False)

    refused = client.post(
        "/accounts/me/two-factor/", {"password": PASSWORD, "current": "ABCD-EFGH", "token": code(new)}
    )
    assert "当前动态验证码不正确" in refused.content.decode()
    assert TOTPDevice.objects.get(user=cast.county_admin_a, confirmed=True).pk == device.pk

    done = client.post("/accounts/me/two-factor/", {"password": PASSWORD, "current": codes[1], "token": code(new)})
    assert done["Location"] == "/accounts/me/recovery-codes/"
    assert TOTPDevice.objects.get(user=cast.county_admin_a, confirmed=True).pk == new.pk


def test_an_administrator_cannot_turn_required_two_factor_off(client, cast):
    enrol(client, "countya", cast.county_admin_a)

    response = client.post("/accounts/me/two-factor/off/", {"password": PASSWORD}, follow=True)

    assert "须使用两步验证，不能自行关闭" in response.content.decode()
    assert TOTPDevice.objects.filter(user=cast.county_admin_a, confirmed=True).exists()


def test_a_platform_administrator_hands_out_an_enrolment_code_once(client, cast):
    client.force_login(cast.platform_admin)

    response = client.post(f"/accounts/users/{cast.county_admin_a.pk}/enrolment-code/")

    html = response.content.decode()
    shown = re.search(r'id="enrolment-code">([A-Z0-9-]+)<', html).group(1)
    assert "只显示这一次" in html
    assert "no-store" in response["Cache-Control"]
    assert AuditRecord.objects.filter(object_id=str(cast.county_admin_a.pk), after__enrolment_code__startswith="已发放").exists()
    detail = client.get(f"/accounts/users/{cast.county_admin_a.pk}/").content.decode()
    assert shown not in detail and "已发放绑定码" in detail
    client.post("/accounts/logout/")
    log_in(client, "countya")
    assert client.post("/accounts/login/token/", {"code": shown})["Location"] == "/accounts/login/token/"


def test_other_roles_cannot_hand_out_enrolment_codes(client, cast):
    client.force_login(cast.city_admin)

    response = client.post(f"/accounts/users/{cast.county_admin_a.pk}/enrolment-code/")

    assert response.status_code == 403
    assert not EnrolmentCode.objects.exists()


def test_the_first_administrator_gets_an_enrolment_code_from_the_command_line(client, cast, capsys):
    call_command("enrolment_code", "platform")

    given = re.search(r"：([A-Z0-9-]{14})$", capsys.readouterr().out.strip()).group(1)
    log_in(client, "platform")
    assert client.post("/accounts/login/token/", {"code": given})["Location"] == "/accounts/login/token/"


def test_the_api_refuses_a_token_to_an_administrator_without_an_authenticator(cast):
    from tests.api.conftest import client_for

    response = client_for().post("/api/token/", {"username": "countya", "password": PASSWORD})

    assert response.status_code == 403
    assert response.json()["code"] == "otp_not_set_up"
