"""Two-factor log-in (TOTP): asked after the password when the account has it."""

from __future__ import annotations

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from campuseval.accounts.services import enrolment_code_issue
from campuseval.audit.models import AuditRecord

from .conftest import log_in, logged_in


def code(device: TOTPDevice, *, shift: int = 0) -> str:
    """The code the authenticator shows now (or ``shift`` steps away)."""
    device.refresh_from_db()
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift + shift):06d}"


@pytest.fixture
def required(cast):
    cast.school_user_a.otp_required = True
    cast.school_user_a.save()
    return cast.school_user_a


@pytest.fixture
def bound(cast):
    device = TOTPDevice.objects.create(user=cast.school_user_a, name="手机", confirmed=True)
    return device


def test_it_asks_for_the_code_after_the_password(client, required):
    response = log_in(client, "schoola")

    assert response["Location"] == "/accounts/login/token/"
    assert not logged_in(client)


def test_it_shows_a_qr_code_to_enrol_once_the_enrolment_code_is_given(client, required):
    code_text = enrolment_code_issue(user=required, by=None)
    log_in(client, "schoola")
    client.post("/accounts/login/token/", {"code": code_text})

    html = client.get("/accounts/login/token/").content.decode()

    assert 'src="data:image/svg+xml' in html
    assert "身份验证器二维码" in html
    device = TOTPDevice.objects.get(user=required, confirmed=False)
    assert device.config_url.split("secret=")[1][:8] in html.replace(" ", "")


def test_it_logs_in_with_a_correct_code_when_enrolling(client, required):
    code_text = enrolment_code_issue(user=required, by=None)
    log_in(client, "schoola")
    client.post("/accounts/login/token/", {"code": code_text})
    client.get("/accounts/login/token/")
    device = TOTPDevice.objects.get(user=required)

    response = client.post("/accounts/login/token/", {"token": code(device)})

    assert response["Location"] == "/accounts/me/recovery-codes/"
    assert logged_in(client)
    device.refresh_from_db()
    assert device.confirmed


def test_it_logs_in_with_a_correct_code_from_a_bound_authenticator(client, cast, bound):
    # Bound but not required by the administrator: still asked.
    assert log_in(client, "schoola")["Location"] == "/accounts/login/token/"

    response = client.post("/accounts/login/token/", {"token": code(bound)})

    assert response.status_code == 302
    assert logged_in(client)


def test_it_refuses_a_wrong_code(client, cast, bound):
    log_in(client, "schoola")

    response = client.post("/accounts/login/token/", {"token": code(bound, shift=5)})

    assert response.status_code == 200
    assert "动态验证码不正确或已过期" in response.content.decode()
    assert not logged_in(client)


def test_it_refuses_a_code_that_is_not_six_digits(client, cast, bound):
    log_in(client, "schoola")

    response = client.post("/accounts/login/token/", {"token": "12ab"})

    assert "请输入身份验证器上的 6 位数字" in response.content.decode()


def test_it_sends_back_to_log_in_after_five_wrong_codes(client, cast, bound):
    log_in(client, "schoola")

    responses = [client.post("/accounts/login/token/", {"token": "000000"}) for _ in range(5)]

    assert [r.status_code for r in responses[:4]] == [200] * 4
    # The fifth failure also reaches the lockout limit: the locked page, and a fresh start.
    assert responses[4].status_code == 429
    assert client.get("/accounts/login/token/")["Location"] == "/accounts/login/"
    assert not logged_in(client)
    assert AuditRecord.objects.filter(action="login_failed", object_id=str(cast.school_user_a.pk)).count() == 5


def test_it_skips_the_code_step_without_a_password(client, cast, bound):
    response = client.get("/accounts/login/token/")

    assert response["Location"] == "/accounts/login/"


def test_it_does_not_ask_an_account_without_two_factor(client, cast):
    assert log_in(client, "schoola")["Location"] == "/todo/"
