"""Changing a school: county administrators change the profile; a school user only its contacts."""

from __future__ import annotations

import pytest
from django.urls import reverse

from campuseval.audit.models import AuditRecord

from .conftest import login

pytestmark = pytest.mark.django_db


def _url(school):
    return reverse("regions:school_edit", args=[school.code])


def _profile(cast, **changes):
    data = {
        "name": "琅琊区示例第一小学",
        "stage": "小学",
        "location": "urban",
        "county": cast.county_a.pk,
        "central_school_code": "",
        "address": "",
        "head_name": "",
        "contact_name": "",
        "contact_phone": "",
    }
    return {**data, **changes}


def test_it_changes_the_profile_with_before_and_after(client, cast):
    response = login(client, cast.county_admin_a).post(
        _url(cast.school_a), _profile(cast, name="琅琊区实验小学", location="rural")
    )

    assert response.status_code == 302
    cast.school_a.refresh_from_db()
    assert (cast.school_a.name, cast.school_a.location) == ("琅琊区实验小学", "rural")
    record = AuditRecord.objects.get(object_type="regions.school", action="update")
    assert record.before == {"name": "琅琊区示例第一小学", "location": "urban"}
    assert record.after == {"name": "琅琊区实验小学", "location": "rural"}
    assert record.region_code == "341102"


def test_it_records_nothing_when_nothing_changed(client, cast):
    login(client, cast.county_admin_a).post(_url(cast.school_a), _profile(cast))

    assert not AuditRecord.objects.filter(object_type="regions.school").exists()


def test_it_refuses_to_make_a_central_school_a_teaching_point(client, cast):
    response = login(client, cast.county_admin_a).post(
        _url(cast.school_a), _profile(cast, stage="教学点", central_school_code="2134000001")
    )

    errors = response.context["form"].errors
    assert errors == {"central_school_code": ["找不到学校标识码为 2134000001 的学校，或该校不在您的管理范围内"]}


def test_it_refuses_a_school_that_keeps_teaching_points_becoming_one(client, cast):
    from campuseval.regions.models import School

    other = School.objects.create(code="2134000060", name="另一中心校", stage="小学", location="urban", county=cast.county_a)
    response = login(client, cast.county_admin_a).post(
        _url(cast.school_a), _profile(cast, stage="教学点", central_school_code=other.code)
    )

    assert response.context["form"].errors == {"stage": ["该校有下属教学点，不能改为教学点"]}
    cast.school_a.refresh_from_db()
    assert cast.school_a.stage == "小学"


def test_it_lets_a_school_user_change_only_the_contacts(client, cast):
    client = login(client, cast.school_user_a)
    form = client.get(_url(cast.school_a)).context["form"]
    assert list(form.fields) == ["address", "head_name", "contact_name", "contact_phone"]

    response = client.post(
        _url(cast.school_a),
        {"name": "改名", "address": "新路 1 号", "head_name": "王校长", "contact_name": "", "contact_phone": "13900000000"},
    )

    assert response.status_code == 302
    cast.school_a.refresh_from_db()
    assert cast.school_a.name == "琅琊区示例第一小学"
    assert (cast.school_a.address, cast.school_a.contact_phone) == ("新路 1 号", "13900000000")
    record = AuditRecord.objects.get(object_type="regions.school", action="update")
    assert record.actor_name == "schoola"
    assert record.after == {"address": "新路 1 号", "head_name": "王校长", "contact_phone": "13900000000"}


def test_it_shows_a_school_user_a_bad_phone(client, cast):
    response = login(client, cast.school_user_a).post(_url(cast.school_a), {"contact_phone": "电话"})

    assert response.context["form"].errors["contact_phone"]
    cast.school_a.refresh_from_db()
    assert cast.school_a.contact_phone == ""


@pytest.mark.parametrize(
    ("who", "school"),
    [("county_admin_a", "school_b"), ("school_user_a", "school_b"), ("school_user_a", "teaching_point_a"), ("city_admin", "school_other")],
)
def test_it_answers_404_outside_the_write_scope(client, cast, who, school):
    assert login(client, getattr(cast, who)).get(_url(getattr(cast, school))).status_code == 404


@pytest.mark.parametrize("who", ["observer", "expert", "outsider"])
def test_it_is_forbidden_to_roles_that_never_change_schools(client, cast, who):
    assert login(client, getattr(cast, who)).get(_url(cast.school_a)).status_code == 403
