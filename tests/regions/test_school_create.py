"""Adding a school: administrators of its county only; every bad field explained, nothing saved."""

from __future__ import annotations

import pytest
from django.urls import reverse

from campuseval.audit.models import AuditRecord
from campuseval.regions.models import School

from .conftest import login

pytestmark = pytest.mark.django_db
URL = reverse("regions:school_create")


def _data(cast, **changes):
    data = {
        "code": "2134000050",
        "name": "琅琊区新建小学",
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


def test_it_creates_a_school_and_records_it(client, cast):
    response = login(client, cast.county_admin_a).post(URL, _data(cast, contact_phone="0550-1234567"))

    assert response.status_code == 302
    assert response["Location"] == reverse("regions:school_detail", args=["2134000050"])
    school = School.objects.get(code="2134000050")
    record = AuditRecord.objects.get(object_type="regions.school", object_id=str(school.pk))
    assert record.action == "create"
    assert record.region_code == "341102"
    assert record.before is None
    assert record.after["name"] == "琅琊区新建小学"
    assert record.after["contact_phone"] == "0550-1234567"
    assert record.actor_name == "countya"


def test_it_creates_a_teaching_point_under_a_central_school(client, cast):
    response = login(client, cast.county_admin_a).post(
        URL, _data(cast, stage="教学点", location="rural", central_school_code="2134000001")
    )

    assert response.status_code == 302
    assert School.objects.get(code="2134000050").central_school == cast.school_a


def test_it_explains_every_bad_field_and_saves_nothing(client, cast):
    response = login(client, cast.county_admin_a).post(
        URL, _data(cast, code="21340", name="", stage="大学", contact_phone="12345")
    )

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "学校标识码应为 10 位数字" in errors["code"]
    assert errors["name"] == ["该字段是必填项。"]
    assert errors["stage"] == ["选择一个有效的选项。 大学 不在可用的选项中。"]
    assert errors["contact_phone"] == ["联系电话格式不正确：应为 11 位手机号或带区号的固定电话（如 0550-1234567）"]
    page = response.content.decode()
    assert "is-invalid" in page and "学校标识码应为 10 位数字" in page
    assert School.objects.count() == 4
    assert not AuditRecord.objects.filter(object_type="regions.school").exists()


def test_it_checks_the_school_code_against_the_province(client, cast):
    response = login(client, cast.county_admin_a).post(URL, _data(cast, code="2137000050"))

    assert response.context["form"].errors == {"code": ["学校标识码第 3-4 位“37”应为所在省的代码“34”"]}


def test_it_refuses_a_teaching_point_without_a_central_school(client, cast):
    response = login(client, cast.county_admin_a).post(URL, _data(cast, stage="教学点"))

    assert response.context["form"].errors == {"central_school_code": ["教学点必须隶属于一所中心校"]}
    assert not School.objects.filter(code="2134000050").exists()


def test_it_refuses_a_central_school_outside_the_scope(client, cast):
    response = login(client, cast.county_admin_a).post(
        URL, _data(cast, stage="教学点", central_school_code="2134000002")
    )

    assert response.context["form"].errors == {
        "central_school_code": ["找不到学校标识码为 2134000002 的学校，或该校不在您的管理范围内"]
    }


def test_it_refuses_a_code_already_used(client, cast):
    response = login(client, cast.county_admin_a).post(URL, _data(cast, code="2134000004"))

    assert response.context["form"].errors == {"code": ["具有 学校标识码 的 学校 已存在。"]}


def test_it_offers_only_the_admins_counties(client, cast):
    response = login(client, cast.county_admin_a).post(URL, _data(cast, county=cast.county_b.pk))

    assert "county" in response.context["form"].errors
    assert not School.objects.filter(code="2134000050").exists()


@pytest.mark.parametrize("who", ["school_user_a", "observer", "expert", "outsider"])
def test_it_is_forbidden_to_roles_that_never_add_schools(client, cast, who):
    assert login(client, getattr(cast, who)).get(URL).status_code == 403
