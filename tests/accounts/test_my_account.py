"""GET /accounts/me/ and its two-factor pages: every logged-in user's own account."""

from __future__ import annotations

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from campuseval.audit.models import AuditRecord
from tests.conftest import PASSWORD

from .conftest import log_in


def code(device: TOTPDevice) -> str:
    device.refresh_from_db()
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def test_it_sends_an_anonymous_visitor_to_log_in(client, db):
    assert client.get("/accounts/me/")["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize(
    ("who", "role", "place"),
    [
        ("county_admin_a", "县级管理员", "琅琊区"),
        ("school_user_a", "学校用户", "琅琊区示例第一小学"),
        ("platform_admin", "平台管理员", "全平台"),
        ("expert", "评估专家", "滁州市"),
    ],
)
def test_it_shows_the_users_roles(client, cast, who, role, place):
    client.force_login(getattr(cast, who))

    html = client.get("/accounts/me/").content.decode()

    assert role in html and place in html


def test_it_shows_two_factor_off_then_on(client, cast):
    client.force_login(cast.school_user_a)
    assert "开启两步验证" in client.get("/accounts/me/").content.decode()

    client.get("/accounts/me/two-factor/")
    device = TOTPDevice.objects.get(user=cast.school_user_a)
    response = client.post("/accounts/me/two-factor/", {"password": PASSWORD, "token": code(device)})

    assert response["Location"] == "/accounts/me/recovery-codes/"  # shown once, then my account
    html = client.get("/accounts/me/").content.decode()
    assert "已开启" in html and "关闭两步验证" in html
    assert AuditRecord.objects.filter(after__two_factor="已绑定身份验证器").exists()


def test_it_shows_a_qr_code_and_a_typeable_secret(client, cast):
    client.force_login(cast.school_user_a)

    response = client.get("/accounts/me/two-factor/")

    html = response.content.decode()
    device = TOTPDevice.objects.get(user=cast.school_user_a)
    secret = device.config_url.split("secret=")[1].split("&")[0]
    assert 'src="data:image/svg+xml' in html
    assert secret[:4] + " " + secret[4:8] in html
    assert "no-store" in response["Cache-Control"]


def test_it_refuses_a_wrong_password_or_code_when_binding(client, cast):
    client.force_login(cast.school_user_a)
    client.get("/accounts/me/two-factor/")
    device = TOTPDevice.objects.get(user=cast.school_user_a)

    wrong_password = client.post("/accounts/me/two-factor/", {"password": "x", "token": code(device)})
    wrong_code = client.post("/accounts/me/two-factor/", {"password": PASSWORD, "token": "000000"})

    assert "密码不正确" in wrong_password.content.decode()
    assert "动态验证码不正确或已过期" in wrong_code.content.decode()
    assert not TOTPDevice.objects.filter(confirmed=True).exists()


def test_it_asks_for_the_code_at_the_next_log_in_once_bound(client, cast):
    TOTPDevice.objects.create(user=cast.school_user_a, confirmed=True)

    assert log_in(client, "schoola")["Location"] == "/accounts/login/token/"


def test_it_turns_two_factor_off_with_the_password(client, cast):
    TOTPDevice.objects.create(user=cast.school_user_a, confirmed=True)
    client.force_login(cast.school_user_a)

    refused = client.post("/accounts/me/two-factor/off/", {"password": "x"})
    done = client.post("/accounts/me/two-factor/off/", {"password": PASSWORD})

    assert "密码不正确" in refused.content.decode()
    assert done["Location"] == "/accounts/me/"
    assert not TOTPDevice.objects.filter(user=cast.school_user_a).exists()


def test_it_keeps_two_factor_that_the_administrator_requires(client, cast):
    cast.school_user_a.otp_required = True
    cast.school_user_a.save()
    TOTPDevice.objects.create(user=cast.school_user_a, confirmed=True)
    client.force_login(cast.school_user_a)

    response = client.post("/accounts/me/two-factor/off/", {"password": PASSWORD}, follow=True)

    assert "您的账号须使用两步验证，不能自行关闭" in response.content.decode()
    assert TOTPDevice.objects.filter(user=cast.school_user_a).exists()
