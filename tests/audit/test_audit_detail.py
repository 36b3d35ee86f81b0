"""GET /audit/<seq>/: one record, with its before and after as a readable table."""

from __future__ import annotations

import json

import pytest
from django.db import connection

from campuseval.accounts import services
from campuseval.audit.models import AuditRecord

from .conftest import record


def test_it_shows_an_update_as_field_before_after(client, cast):
    services.user_update(user=cast.school_user_a, full_name="王老师", home_county_id=cast.county_a.pk)
    seq = AuditRecord.objects.latest("seq").seq
    client.force_login(cast.platform_admin)

    response = client.get(f"/audit/{seq}/")
    html = response.content.decode()

    assert response.status_code == 200
    assert "<th scope=\"row\" class=\"fw-normal\">姓名</th>" in html
    assert "测试schoola" in html and "王老师" in html
    assert "所在县（市、区）" in html and f"琅琊区（#{cast.county_a.pk}）" in html
    assert "本条内容与其哈希一致" in html


def test_it_shows_a_role_grant_with_names_and_labels(client, cast):
    services.role_grant(user=cast.outsider, role="county_admin", region_id=cast.county_b.pk)
    seq = AuditRecord.objects.latest("seq").seq
    client.force_login(cast.city_admin)

    html = client.get(f"/audit/{seq}/").content.decode()

    assert "县级管理员" in html  # the choice's label, not "county_admin"
    assert f"南谯区（#{cast.county_b.pk}）" in html
    assert "测试outsider · 县级管理员 · 南谯区" in html


def test_it_is_404_outside_the_region(client, cast):
    other = record("341103")
    client.force_login(cast.county_admin_a)

    assert client.get(f"/audit/{other.seq}/").status_code == 404


def test_it_is_404_for_a_missing_record(client, cast):
    client.force_login(cast.platform_admin)

    assert client.get("/audit/999/").status_code == 404


def test_it_is_403_for_a_school_user(client, cast):
    mine = record("341102")
    client.force_login(cast.school_user_a)

    assert client.get(f"/audit/{mine.seq}/").status_code == 403


@pytest.mark.django_db
def test_it_warns_when_the_record_was_changed_in_the_database(client, cast):
    r = record("341102", after={"score": 5})
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {connection.ops.quote_name(AuditRecord._meta.db_table)} SET after = %s WHERE seq = %s",
            [json.dumps({"score": 10}), r.seq],
        )
    client.force_login(cast.platform_admin)

    html = client.get(f"/audit/{r.seq}/").content.decode()

    assert "本条内容与其哈希不符" in html
