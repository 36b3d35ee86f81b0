"""Creating and changing regions: platform administrators only, codes checked against parents."""

from __future__ import annotations

import pytest
from django.urls import reverse

from campuseval.audit.models import AuditRecord
from campuseval.regions.models import Region

from .conftest import login

pytestmark = pytest.mark.django_db
URL = reverse("regions:region_create")


def test_it_creates_a_county_and_records_it(client, cast):
    response = login(client, cast.platform_admin).post(
        URL, {"code": "341122", "name": "来安县", "level": "county", "parent": cast.city.pk}
    )

    assert response.status_code == 302
    region = Region.objects.get(code="341122")
    assert (region.name, region.parent) == ("来安县", cast.city)
    record = AuditRecord.objects.get(object_type="regions.region", object_id=str(region.pk))
    assert record.action == "create"
    assert record.region_code == "341122"
    assert record.after["name"] == "来安县"
    assert record.actor_name == "platform"


def test_it_refuses_a_code_that_does_not_match_the_parent(client, cast):
    response = login(client, cast.platform_admin).post(
        URL, {"code": "349922", "name": "错位县", "level": "county", "parent": cast.city.pk}
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {"code": ["行政区划代码 349922 与上级 341100 不一致"]}
    assert "行政区划代码 349922 与上级 341100 不一致" in response.content.decode()
    assert not Region.objects.filter(code="349922").exists()


def test_it_explains_each_bad_field(client, cast):
    response = login(client, cast.platform_admin).post(URL, {"code": "12345", "name": "", "level": "city"})

    errors = response.context["form"].errors
    assert errors["code"] == ["行政区划代码应为 6 位数字（GB/T 2260）"]
    assert errors["name"] == ["该字段是必填项。"]
    assert Region.objects.count() == 6


def test_it_refuses_a_city_without_a_province(client, cast):
    response = login(client, cast.platform_admin).post(
        URL, {"code": "341200", "name": "阜阳市", "level": "city"}
    )

    assert response.context["form"].errors == {"parent": ["市的上级应为省"]}


@pytest.mark.parametrize("who", ["city_admin", "county_admin_a", "school_user_a", "observer", "outsider"])
def test_it_is_forbidden_to_everyone_but_platform_admins(client, cast, who):
    client = login(client, getattr(cast, who))

    assert client.get(URL).status_code == 403
    assert client.get(reverse("regions:region_edit", args=["341102"])).status_code == 403


def test_it_renames_a_region_with_before_and_after(client, cast):
    url = reverse("regions:region_edit", args=["341102"])
    response = login(client, cast.platform_admin).post(
        url, {"code": "341102", "name": "琅琊区（新）", "level": "county", "parent": cast.city.pk}
    )

    assert response.status_code == 302
    cast.county_a.refresh_from_db()
    assert cast.county_a.name == "琅琊区（新）"
    record = AuditRecord.objects.filter(object_type="regions.region", action="update").get()
    assert (record.before, record.after) == ({"name": "琅琊区"}, {"name": "琅琊区（新）"})
    assert record.region_code == "341102"


def test_it_keeps_the_code_of_a_region_with_schools(client, cast):
    url = reverse("regions:region_edit", args=["341102"])
    response = login(client, cast.platform_admin).post(
        url, {"code": "341109", "name": "琅琊区", "level": "county", "parent": cast.city.pk}
    )

    assert response.context["form"].errors == {"code": ["该区域已有下级区域或学校，不能修改代码、级别或上级区域"]}
    assert Region.objects.filter(code="341102").exists()


def test_it_answers_404_for_an_unknown_region(client, cast):
    response = login(client, cast.platform_admin).get(reverse("regions:region_edit", args=["999999"]))

    assert response.status_code == 404
