"""5 failed log-ins lock the account for 15 minutes, from any address; an address is only
throttled, at a higher count, and locks no one's account (issue 13: behind a NAT or the
bureau's proxy, everyone shares one address)."""

from __future__ import annotations

import datetime as dt

from axes.models import AccessAttempt
from django.conf import settings

from .conftest import log_in, logged_in

LOCKED = "登录已暂时锁定"


def fail(client, username: str, times: int = 5, *, ip: str = "127.0.0.1") -> None:
    for _ in range(times):
        log_in(client, username, "Wrong-Passw0rd", ip=ip)


def age_attempts(minutes: int) -> None:
    """Pretend the failed attempts happened ``minutes`` ago."""
    for attempt in AccessAttempt.objects.all():
        attempt.attempt_time -= dt.timedelta(minutes=minutes)
        attempt.save(update_fields=["attempt_time"])


def test_it_is_set_to_5_failures_and_15_minutes():
    assert settings.AXES_FAILURE_LIMIT == 5
    assert settings.AXES_COOLOFF_TIME.total_seconds() == 15 * 60


def test_it_says_so_after_a_failed_log_in(client, cast):
    response = log_in(client, "schoola", "Wrong-Passw0rd")

    assert response.status_code == 200
    assert "用户名或密码不正确" in response.content.decode()


def test_it_allows_four_failures(client, cast):
    fail(client, "schoola", 4)

    assert log_in(client, "schoola").status_code == 302
    assert logged_in(client)


def test_it_locks_the_account_after_five_failures(client, cast):
    fail(client, "schoola", 4)

    fifth = log_in(client, "schoola", "Wrong-Passw0rd")
    sixth = log_in(client, "schoola")  # the right password

    assert fifth.status_code == 429
    assert sixth.status_code == 429
    assert LOCKED in sixth.content.decode()
    assert "15 分钟" in sixth.content.decode()
    assert not logged_in(client)


def test_it_locks_the_account_from_any_address(client, cast):
    fail(client, "schoola", ip="10.0.0.1")

    response = log_in(client, "schoola", ip="10.0.0.2")

    assert response.status_code == 429


def test_it_stays_locked_for_fifteen_minutes(client, cast):
    fail(client, "schoola")
    age_attempts(14)

    assert log_in(client, "schoola").status_code == 429


def test_it_unlocks_after_fifteen_minutes(client, cast):
    fail(client, "schoola")
    age_attempts(16)

    response = log_in(client, "schoola")

    assert response.status_code == 302
    assert logged_in(client)


def test_five_failures_on_other_accounts_from_a_shared_address_lock_nobody_else(client, cast):
    for name in ["a1", "a2", "a3", "a4", "a5"]:
        log_in(client, name, "Wrong-Passw0rd", ip="10.9.9.9")

    assert log_in(client, "schoolb", ip="10.9.9.9").status_code == 302


def test_an_address_with_many_failures_is_throttled_without_locking_the_accounts(client, cast, settings):
    settings.LOGIN_ADDRESS_LIMIT = 8
    for n in range(8):
        log_in(client, f"guess{n}", "Wrong-Passw0rd", ip="10.9.9.9")

    from_there = log_in(client, "schoolb", ip="10.9.9.9")
    from_elsewhere = log_in(client, "schoolb", ip="10.9.9.10")

    assert from_there.status_code == 429
    assert "本网络地址登录失败次数过多" in from_there.content.decode() and "账号本身未被锁定" in from_there.content.decode()
    assert from_elsewhere.status_code == 302
    age_attempts(16)
    client.post("/accounts/logout/")
    assert log_in(client, "schoolb", ip="10.9.9.9").status_code == 302


def test_it_does_not_lock_other_accounts_from_other_addresses(client, cast):
    fail(client, "schoola", ip="10.0.0.1")

    assert log_in(client, "schoolb", ip="10.0.0.2").status_code == 302


def test_it_forgets_failures_after_a_successful_log_in(client, cast):
    fail(client, "schoola", 4)
    log_in(client, "schoola")
    client.post("/accounts/logout/")
    fail(client, "schoola", 4)

    assert log_in(client, "schoola").status_code == 302


def test_a_platform_administrator_sees_the_lock_on_the_accounts_page_and_lifts_it(client, cast):
    from django.test import Client

    from campuseval.audit.models import AuditRecord

    fail(client, "schoola")
    assert log_in(client, "schoola").status_code == 429
    admin = Client()
    admin.force_login(cast.platform_admin)
    page = admin.get(f"/accounts/users/{cast.school_user_a.pk}/").content.decode()
    assert "该账号因连续登录失败已锁定" in page and "解锁登录" in page

    response = admin.post(f"/accounts/users/{cast.school_user_a.pk}/unlock/")

    assert response.status_code == 302
    assert "已解锁账号 schoola" in admin.get(response["Location"]).content.decode()
    assert "解锁登录" not in admin.get(f"/accounts/users/{cast.school_user_a.pk}/").content.decode()
    record = AuditRecord.objects.filter(object_type="accounts.user", object_id=str(cast.school_user_a.pk)).latest("seq")
    assert record.after == {"login": "已解锁"} and record.actor_id == cast.platform_admin.pk
    assert log_in(client, "schoola").status_code == 302 and logged_in(client)
