"""A refused request is an audit event (issue 13, defect 5): every 403, and a 404 to a signed-in
user; what was asked and the answer, never the body; an anonymous 404 is not recorded."""

from __future__ import annotations

from campuseval.audit.models import AuditRecord
from campuseval.audit.presenters import object_type_label


def refusals():
    return list(AuditRecord.objects.filter(action="refused").order_by("seq"))


def test_a_page_refused_to_a_role_is_recorded_with_who_and_what(client, cast):
    client.force_login(cast.school_user_a)

    assert client.get("/campaigns/county/").status_code == 403

    (record,) = refusals()
    assert record.actor_name == cast.school_user_a.username
    assert record.after == {"method": "GET", "path": "/campaigns/county/", "status": 403}
    assert object_type_label(record.object_type) == "访问请求"


def test_a_refused_post_keeps_no_part_of_its_body(client, cast):
    client.force_login(cast.school_user_a)
    client.post("/campaigns/county/", {"secret": "身份证号 110101200001011234"})

    (record,) = refusals()
    assert "110101" not in str(record.after) + record.object_repr


def test_an_object_outside_ones_scope_is_recorded_but_an_anonymous_mistyped_address_is_not(client, cast):
    client.get("/no-such-page/")
    assert refusals() == []

    client.force_login(cast.school_user_a)
    client.get("/campaigns/applications/999999/")
    (record,) = refusals()
    assert record.after["status"] == 404


def test_an_anonymous_flood_of_refusals_fills_the_trail_only_up_to_its_limit(cast):
    from django.core.cache import cache
    from django.test import Client

    from campuseval.audit.refusals import ANONYMOUS_LIMIT

    cache.clear()
    client = Client(enforce_csrf_checks=True)  # every POST without the token is a 403
    for _ in range(ANONYMOUS_LIMIT + 15):
        assert client.post("/accounts/login/", {"username": "x", "password": "y"}).status_code == 403

    assert AuditRecord.objects.filter(action="refused").count() == ANONYMOUS_LIMIT


def test_a_refusal_the_trail_cannot_take_is_still_a_403(client, cast, monkeypatch):
    from django.db import OperationalError

    from campuseval.audit import refusals

    def busy(**kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr(refusals, "audit_refusal", busy)
    client.force_login(cast.school_user_a)

    assert client.get("/accounts/users/").status_code == 403
