"""POST /api/token/: a token for a password (and the TOTP code), under the log-in's lockout."""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from campuseval.accounts import tokens
from campuseval.accounts.models import ApiToken
from campuseval.audit.models import AuditRecord
from tests.conftest import PASSWORD

from .conftest import client_for


def ask(username, password=PASSWORD, **extra):
    return client_for().post("/api/token/", {"username": username, "password": password, **extra})


def code(device: TOTPDevice) -> str:
    device.refresh_from_db()
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def test_it_gives_a_token_for_a_correct_password(cast):
    response = ask("schoola")

    assert response.status_code == 200
    body = response.json()
    assert ApiToken.objects.get(user=cast.school_user_a).digest == tokens.digest_of(body["token"])
    assert body["roles"] == ["school_user"]
    assert AuditRecord.objects.filter(action="login", actor_id=cast.school_user_a.pk).exists()


def test_the_token_authenticates_later_requests(cast):
    key = ask("schoola").json()["token"]
    client = client_for()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")

    response = client.get("/api/schools/")

    assert response.status_code == 200
    assert [s["code"] for s in response.json()["results"]] == [cast.school_a.code]


def test_each_request_gives_a_new_named_token_and_revoking_one_leaves_the_others(cast):
    first = ask("schoola", name="成绩导入脚本").json()
    second = ask("schoola").json()
    assert first["token"] != second["token"]
    assert first["name"] == "成绩导入脚本"
    assert second["name"] == "接口客户端"

    client = client_for()
    client.credentials(HTTP_AUTHORIZATION=f"Token {first['token']}")
    assert client.delete("/api/token/").status_code == 204
    assert client.get("/api/schools/").status_code == 401
    other = client_for()
    other.credentials(HTTP_AUTHORIZATION=f"Token {second['token']}")
    assert other.get("/api/schools/").status_code == 200


def test_it_refuses_a_wrong_password_with_a_chinese_message(cast):
    response = ask("schoola", "wrong-password")

    assert response.status_code == 400
    assert response.json()["detail"].startswith("用户名或密码不正确")
    assert AuditRecord.objects.filter(action="login_failed", object_repr__contains="schoola").exists()


def test_it_locks_the_account_after_five_failures(cast):
    for _ in range(4):
        assert ask("schoola", "wrong-password").status_code == 400

    fifth = ask("schoola", "wrong-password")
    then = ask("schoola")  # even the right password, now

    assert fifth.status_code == 429
    assert then.status_code == 429
    assert then["Content-Type"] == "application/json"
    assert "已锁定 15 分钟" in then.json()["detail"]
    assert then.json()["code"] == "locked"
    assert AccessAttempt.objects.filter(username="schoola").exists()
    assert not ApiToken.objects.filter(user=cast.school_user_a).exists()


def test_failures_on_the_log_in_page_and_the_api_count_together(client, cast):
    for _ in range(3):
        client.post("/accounts/login/", {"username": "schoola", "password": "wrong"})
    ask("schoola", "wrong")

    assert ask("schoola", "wrong").status_code == 429


def test_it_refuses_a_user_who_must_change_the_password(cast):
    cast.school_user_a.must_change_password = True
    cast.school_user_a.save()

    response = ask("schoola")

    assert response.status_code == 403
    assert "修改密码" in response.json()["detail"]
    assert not ApiToken.objects.filter(user=cast.school_user_a).exists()


def test_an_issued_token_stops_working_when_a_password_change_is_required(cast):
    client = client_for(cast.school_user_a)
    cast.school_user_a.must_change_password = True
    cast.school_user_a.save()

    response = client.get("/api/schools/")

    assert response.status_code == 403
    assert "修改密码" in response.json()["detail"]


def test_an_inactive_account_gets_no_token_and_its_token_stops_working(cast):
    client = client_for(cast.school_user_a)
    cast.school_user_a.is_active = False
    cast.school_user_a.save()

    assert ask("schoola").status_code == 400
    assert client.get("/api/schools/").status_code == 401


@pytest.fixture
def bound(cast):
    return TOTPDevice.objects.create(user=cast.school_user_a, name="手机", confirmed=True)


def test_it_asks_for_the_code_when_two_factor_is_on(bound):
    response = ask("schoola")

    assert response.status_code == 400
    assert response.json()["code"] == "otp_required"
    assert "otp" in response.json()["detail"]


def test_it_gives_a_token_with_the_right_code(bound):
    response = ask("schoola", otp=code(bound))

    assert response.status_code == 200
    assert response.json()["token"]


def test_a_wrong_code_counts_as_a_failed_log_in(bound):
    response = ask("schoola", otp="000000" if code(bound) != "000000" else "111111")

    assert response.status_code == 400
    assert response.json()["detail"] == "动态验证码不正确或已过期"
    assert AccessAttempt.objects.get(username="schoola").failures_since_start == 1


def test_it_sends_a_required_but_unbound_account_to_the_web_page_first(cast):
    cast.school_user_a.otp_required = True
    cast.school_user_a.save()

    response = ask("schoola")

    assert response.status_code == 403
    assert response.json()["code"] == "otp_not_set_up"
    assert "绑定" in response.json()["detail"]


def test_anonymous_requests_get_401(cast):
    response = client_for().get("/api/applications/")

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_a_bad_token_gets_401(cast):
    client = client_for()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")

    assert client.get("/api/rubrics/").status_code == 401


def test_a_password_change_revokes_every_api_token(cast):
    from campuseval.accounts.services import user_set_password

    ask("schoola")
    ask("schoola")
    user_set_password(user=cast.school_user_a, password="An0ther-Passw0rd!", by_self=True)
    assert not ApiToken.objects.filter(user=cast.school_user_a).exists()
