"""POST /accounts/users/<pk>/roles/ and .../revoke/: grant and revoke roles in the right place."""

from __future__ import annotations

import pytest

from campuseval.accounts.models import RoleAssignment
from campuseval.audit.models import AuditRecord


def grant(client, user, **data):
    return client.post(f"/accounts/users/{user.pk}/roles/", data)


@pytest.fixture
def admin(client, cast):
    client.force_login(cast.platform_admin)
    return cast.platform_admin


def test_it_grants_a_county_administrator_a_county(client, cast, admin):
    response = grant(client, cast.outsider, role="county_admin", region=cast.county_b.pk)

    assert response["Location"] == f"/accounts/users/{cast.outsider.pk}/"
    assert RoleAssignment.objects.filter(user=cast.outsider, role="county_admin", region=cast.county_b).exists()
    record = AuditRecord.objects.get(action="create", object_type="accounts.roleassignment")
    assert record.region_code == "341103"
    assert record.object_repr == "测试outsider · 县级管理员 · 南谯区"


def test_it_grants_a_school_user_a_school_by_its_code(client, cast, admin):
    grant(client, cast.outsider, role="school_user", school_code="2134000002", region=cast.city.pk)

    # The region left in the form is ignored: a school user is held in a school.
    a = RoleAssignment.objects.get(user=cast.outsider)
    assert (a.role, a.school, a.region) == ("school_user", cast.school_b, None)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"role": "county_admin", "region": "city"}, "县级管理员的区域应为县（市、区）级"),
        ({"role": "city_admin", "region": "county_a"}, "市级管理员的区域应为市级"),
        ({"role": "expert", "region": ""}, "评估专家须指定一个区域"),
        ({"role": "observer", "region": ""}, "观察员须指定一个区域"),
        ({"role": "school_user", "school_code": ""}, "学校用户须指定一所学校"),
        ({"role": "school_user", "school_code": "2199999999"}, "没有学校标识码为 2199999999 的学校"),
        ({"role": "nonsense"}, "选择一个有效的选项"),
    ],
)
def test_it_refuses_a_role_in_the_wrong_place_with_a_clear_message(client, cast, admin, data, message):
    if data.get("region") in ("city", "county_a"):
        data = {**data, "region": getattr(cast, data["region"]).pk}

    response = grant(client, cast.outsider, **data)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not RoleAssignment.objects.filter(user=cast.outsider).exists()


def test_it_refuses_the_same_role_twice(client, cast, admin):
    response = grant(client, cast.county_admin_a, role="county_admin", region=cast.county_a.pk)

    assert "该账号在这个区域或学校已经有这个角色" in response.content.decode()
    assert RoleAssignment.objects.filter(user=cast.county_admin_a).count() == 1


def test_it_grants_a_platform_administrator_no_place(client, cast, admin):
    grant(client, cast.outsider, role="platform_admin", region=cast.city.pk)

    a = RoleAssignment.objects.get(user=cast.outsider)
    assert (a.role, a.region, a.school) == ("platform_admin", None, None)


def test_it_revokes_a_role(client, cast, admin):
    role = RoleAssignment.objects.get(user=cast.school_user_a)

    response = client.post(f"/accounts/users/{cast.school_user_a.pk}/roles/{role.pk}/revoke/")

    assert response["Location"] == f"/accounts/users/{cast.school_user_a.pk}/"
    assert not RoleAssignment.objects.filter(pk=role.pk).exists()
    record = AuditRecord.objects.get(action="delete")
    assert record.before["role"] == "school_user"
    assert record.region_code == "341102"  # the school's county


def test_it_is_404_to_revoke_another_accounts_role_through_this_one(client, cast, admin):
    theirs = RoleAssignment.objects.get(user=cast.school_user_b)

    response = client.post(f"/accounts/users/{cast.school_user_a.pk}/roles/{theirs.pk}/revoke/")

    assert response.status_code == 404
    assert RoleAssignment.objects.filter(pk=theirs.pk).exists()


def test_it_refuses_to_revoke_the_last_platform_administrator(client, cast, admin):
    mine = RoleAssignment.objects.get(user=admin)

    response = client.post(f"/accounts/users/{admin.pk}/roles/{mine.pk}/revoke/", follow=True)

    assert "这是唯一启用的平台管理员，不能撤销其平台管理员角色" in response.content.decode()
    assert RoleAssignment.objects.filter(pk=mine.pk).exists()


@pytest.mark.parametrize("who", ["city_admin", "county_admin_a", "school_user_a", "expert"])
def test_it_forbids_other_roles_to_grant_or_revoke(client, cast, who):
    client.force_login(getattr(cast, who))
    role = RoleAssignment.objects.get(user=cast.school_user_b)

    granted = grant(client, getattr(cast, who), role="platform_admin")
    revoked = client.post(f"/accounts/users/{cast.school_user_b.pk}/roles/{role.pk}/revoke/")

    assert granted.status_code == revoked.status_code == 403
    assert not RoleAssignment.objects.filter(role="platform_admin").exclude(user=cast.platform_admin).exists()
    assert RoleAssignment.objects.filter(pk=role.pk).exists()


def test_it_shows_the_roles_and_the_grant_form(client, cast, admin):
    html = client.get(f"/accounts/users/{cast.county_admin_a.pk}/").content.decode()

    assert "县级管理员" in html and "琅琊区" in html
    assert 'data-place="school"' in html and 'data-place="county"' in html
    assert "/static/accounts/accounts.js" in html
