"""Log-in, log-out and failed log-ins leave audit records, with who and from where."""

from __future__ import annotations

from campuseval.audit.models import AuditRecord

from .conftest import log_in


def test_it_records_a_log_in(client, cast):
    log_in(client, "countya", ip="10.1.1.1")

    r = AuditRecord.objects.get(action="login")
    assert (r.actor_id, r.actor_name, r.ip) == (cast.county_admin_a.pk, "countya", "10.1.1.1")
    assert r.object_id == str(cast.county_admin_a.pk)
    assert r.region_code == "341102"  # the county's administrators see their users' log-ins


def test_it_records_a_log_out(client, cast):
    log_in(client, "schoola", ip="10.1.1.2")

    client.post("/accounts/logout/", REMOTE_ADDR="10.1.1.2")

    r = AuditRecord.objects.get(action="logout")
    assert (r.actor_id, r.ip, r.region_code) == (cast.school_user_a.pk, "10.1.1.2", "341102")


def test_it_records_a_failed_log_in_of_a_known_account(client, cast):
    log_in(client, "schoola", "Wrong-Passw0rd", ip="10.1.1.3")

    r = AuditRecord.objects.get(action="login_failed")
    assert r.actor_id is None  # whoever typed it is not known to be the owner
    assert (r.actor_name, r.ip, r.object_id) == ("schoola", "10.1.1.3", str(cast.school_user_a.pk))
    assert r.after == {"reason": "用户名或密码不正确"}
    assert "Wrong-Passw0rd" not in str(r.before) + str(r.after) + r.object_repr


def test_it_records_a_failed_log_in_of_an_unknown_name(client, cast):
    log_in(client, "nobody", "Wrong-Passw0rd")

    r = AuditRecord.objects.get(action="login_failed")
    assert (r.actor_name, r.object_id, r.object_repr, r.region_code) == ("nobody", "", "nobody", "")


def test_it_records_attempts_while_locked(client, cast):
    for _ in range(5):
        log_in(client, "schoola", "Wrong-Passw0rd")

    log_in(client, "schoola")

    last = AuditRecord.objects.latest("seq")
    assert last.action == "login_failed" and last.after == {"reason": "登录已锁定"}
    assert not AuditRecord.objects.filter(action="login").exists()
