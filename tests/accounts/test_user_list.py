"""GET /accounts/users/: platform administrators list, search and filter accounts."""

from __future__ import annotations

import re

import pytest

from campuseval.accounts.models import User

NON_PLATFORM = ["city_admin", "county_admin_a", "school_user_a", "expert", "observer", "outsider"]


def usernames(response) -> list[str]:
    return re.findall(r'<td><a href="/accounts/users/\d+/">([^<]+)</a></td>', response.content.decode())


def test_it_sends_an_anonymous_visitor_to_log_in(client, db):
    assert client.get("/accounts/users/")["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("who", NON_PLATFORM)
def test_it_forbids_everyone_but_platform_administrators(client, cast, who):
    client.force_login(getattr(cast, who))

    response = client.get("/accounts/users/")

    assert response.status_code == 403
    assert "账号管理仅限平台管理员使用" in response.content.decode()


def test_it_lists_every_account_with_roles(client, cast):
    client.force_login(cast.platform_admin)

    response = client.get("/accounts/users/")

    assert usernames(response) == sorted(u.username for u in User.objects.all())
    html = response.content.decode()
    assert "县级管理员 · 琅琊区" in html and "学校用户 · 南谯区示例第一小学" in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("q=schoo", ["schoola", "schoolb"]),
        ("q=测试countya", ["countya"]),
        ("role=school_user", ["schoola", "schoolb"]),
        ("role=city_admin", ["cityadmin"]),
        ("region=341102", ["countya", "schoola"]),
        # A city: its administrators, observers, experts and everyone held below it.
        ("region=341100", ["cityadmin", "countya", "expert", "observer", "schoola", "schoolb"]),
        ("role=school_user&region=341103", ["schoolb"]),
        ("active=0", ["outsider"]),
    ],
)
def test_it_searches_and_filters(client, cast, query, expected):
    cast.outsider.is_active = False
    cast.outsider.save()
    client.force_login(cast.platform_admin)

    assert usernames(client.get(f"/accounts/users/?{query}")) == expected


def test_it_paginates(client, cast):
    for i in range(60):
        User.objects.create_user(username=f"bulk{i:02d}", password="x")
    client.force_login(cast.platform_admin)

    first = client.get("/accounts/users/?q=bulk")
    second = client.get("/accounts/users/?q=bulk&page=2")

    assert len(usernames(first)) == 50 and len(usernames(second)) == 10
    assert 'href="?q=bulk&amp;page=2"' in first.content.decode()


def test_it_uses_a_fixed_number_of_queries(client, cast, django_assert_max_num_queries):
    client.force_login(cast.platform_admin)

    # Session, user, roles, regions (filter), count, page, roles of the page, the inbox badge; the session save.
    with django_assert_max_num_queries(11):
        client.get("/accounts/users/")
