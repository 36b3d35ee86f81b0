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
