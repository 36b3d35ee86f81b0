"""GET/POST /accounts/users/<pk>/edit/: name, phone, active, two-factor, home county."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from campuseval.accounts import services
from campuseval.accounts.models import RoleAssignment, User
from campuseval.audit.models import AuditRecord

from .conftest import log_in


def form(user: User, **changes) -> dict:
    data = {
        "full_name": user.full_name,
        "phone": user.phone,
        "email": user.email,
        "home_county": user.home_county_id or "",
    }
    if user.is_active:
        data["is_active"] = "on"
    if user.otp_required:
        data["otp_required"] = "on"
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_it_shows_the_current_values(client, cast):
    client.force_login(cast.platform_admin)

    html = client.get(f"/accounts/users/{cast.expert.pk}/edit/").content.decode()

    assert 'value="测试expert"' in html
    assert f'<option value="{cast.county_b.pk}" selected>' in html
    assert "开启两步验证登录" in html


def test_it_saves_changes_and_records_them(client, cast):
    client.force_login(cast.platform_admin)
    user = cast.school_user_a

    response = client.post(
        f"/accounts/users/{user.pk}/edit/",
        form(user, full_name="李老师", phone="13800000000", home_county=cast.county_a.pk),
    )

    assert response["Location"] == f"/accounts/users/{user.pk}/"
    user.refresh_from_db()
    assert (user.full_name, user.phone, user.home_county) == ("李老师", "13800000000", cast.county_a)
    record = AuditRecord.objects.get(action="update", object_id=str(user.pk))
    assert record.before == {"full_name": "测试schoola", "phone": "", "home_county_id": None}
    assert record.after == {"full_name": "李老师", "phone": "13800000000", "home_county_id": cast.county_a.pk}
    assert record.region_code == "341102"  # the school's county: its administrators see it


def test_it_deactivates_an_account_which_then_cannot_log_in(client, cast):
    client.force_login(cast.platform_admin)

    client.post(f"/accounts/users/{cast.school_user_a.pk}/edit/", form(cast.school_user_a, is_active=None))

    client.logout()
    assert log_in(client, "schoola").status_code == 200  # refused, back on the form


def test_it_turns_on_two_factor_log_in(client, cast):
    client.force_login(cast.platform_admin)

    client.post(f"/accounts/users/{cast.school_user_a.pk}/edit/", form(cast.school_user_a, otp_required="on"))

    client.logout()
    assert log_in(client, "schoola")["Location"] == "/accounts/login/token/"


def test_it_refuses_to_deactivate_ones_own_account(client, cast):
    client.force_login(cast.platform_admin)

    response = client.post(
        f"/accounts/users/{cast.platform_admin.pk}/edit/", form(cast.platform_admin, is_active=None)
    )

    assert "不能停用自己正在使用的账号" in response.content.decode()
    cast.platform_admin.refresh_from_db()
    assert cast.platform_admin.is_active


def test_it_refuses_to_deactivate_the_last_platform_administrator(cast):
    # Through the page an administrator can only try this on their own account (refused
    # above); the service refuses it for every caller, the command line included.
    with pytest.raises(ValidationError, match="这是唯一启用的平台管理员账号，不能停用"):
        services.user_update(user=cast.platform_admin, is_active=False)


def test_it_deactivates_a_platform_administrator_when_another_remains(client, cast):
    other = User.objects.create_user(username="platform2", password="x")
    RoleAssignment.objects.create(user=other, role="platform_admin")
    client.force_login(other)

    response = client.post(
        f"/accounts/users/{cast.platform_admin.pk}/edit/", form(cast.platform_admin, is_active=None)
    )

    assert response.status_code == 302
    cast.platform_admin.refresh_from_db()
    assert not cast.platform_admin.is_active


def test_it_is_404_for_a_missing_account(client, cast):
    client.force_login(cast.platform_admin)

    assert client.get("/accounts/users/99999/edit/").status_code == 404
    assert client.get("/accounts/users/99999/").status_code == 404


def test_it_is_403_for_a_city_administrator(client, cast):
    client.force_login(cast.city_admin)

    response = client.post(f"/accounts/users/{cast.school_user_a.pk}/edit/", form(cast.school_user_a, full_name="x"))

    assert response.status_code == 403
    cast.school_user_a.refresh_from_db()
    assert cast.school_user_a.full_name == "测试schoola"
