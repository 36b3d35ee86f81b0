"""GET /audit/: administrators browse the trail of their region, newest first, with filters."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from campuseval.audit.context import Actor

from .conftest import record

COUNTY_A, COUNTY_B, OTHER = "341102", "341103", "340102"


def seqs(response) -> list[int]:
    return [int(s) for s in re.findall(r'href="/audit/(\d+)/"', response.content.decode())]


@pytest.fixture
def spread(cast):
    """One record in each of county A, county B, another city's county and platform-wide."""
    return {
        code: record(code, object_repr=f"记录{code or '平台'}")
        for code in (COUNTY_A, COUNTY_B, OTHER, "")
    }


def test_it_sends_an_anonymous_visitor_to_log_in(client, db):
    response = client.get("/audit/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/audit/")


@pytest.mark.parametrize("who", ["school_user_a", "expert", "observer", "outsider"])
def test_it_forbids_roles_that_never_see_the_trail(client, cast, who):
    client.force_login(getattr(cast, who))

    response = client.get("/audit/")

    assert response.status_code == 403
    assert "审计日志仅限平台管理员和市、县级管理员查看" in response.content.decode()


def test_it_shows_a_county_administrator_only_their_county(client, cast, spread):
    client.force_login(cast.county_admin_a)

    response = client.get("/audit/")

    assert response.status_code == 200
    assert seqs(response) == [spread[COUNTY_A].seq]


def test_it_shows_a_city_administrator_the_whole_city(client, cast, spread):
    client.force_login(cast.city_admin)

    response = client.get("/audit/")

    assert seqs(response) == [spread[COUNTY_B].seq, spread[COUNTY_A].seq]


def test_it_shows_a_platform_administrator_everything_newest_first(client, cast, spread):
    client.force_login(cast.platform_admin)

    response = client.get("/audit/")

    assert seqs(response) == [4, 3, 2, 1]


def test_it_names_the_region_and_the_actor(client, cast):
    record(COUNTY_A, actor=Actor(cast.county_admin_a.pk, "countya", "10.1.2.3"))
    client.force_login(cast.city_admin)

    html = client.get("/audit/").content.decode()

    assert "琅琊区（341102）" in html
    assert "测试countya（countya）" in html
    assert "10.1.2.3" in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("who=countya", [1]),
        ("who=测试countya", [1]),  # by full name too
        ("action=create", [2]),
        ("object_type=accounts.user", [3]),
        ("what=琅琊区示例", [2]),
        ("what=77", [3]),
    ],
)
def test_it_filters_by_who_and_what(client, cast, query, expected):
    record(COUNTY_A, actor=Actor(cast.county_admin_a.pk, "countya", None), object_repr="甲")
    record(COUNTY_A, action="create", object_repr="琅琊区示例第一小学")
    record(COUNTY_A, object_type="accounts.user", object_id="77", object_repr="乙")
    client.force_login(cast.platform_admin)

    assert seqs(client.get(f"/audit/?{query}")) == expected


def test_it_filters_by_date_range_in_local_days(client, cast):
    local = timezone.get_current_timezone()
    for day in (1, 2, 3):
        # 23:30 Beijing time is still the previous day in UTC: the filter uses local days.
        record(COUNTY_A, at=dt.datetime(2026, 11, day, 23, 30, tzinfo=local))
    client.force_login(cast.platform_admin)

    assert seqs(client.get("/audit/?since=2026-11-02")) == [3, 2]
    assert seqs(client.get("/audit/?until=2026-11-02")) == [2, 1]
    assert seqs(client.get("/audit/?since=2026-11-02&until=2026-11-02")) == [2]


def test_it_filters_by_region_prefix(client, cast, spread):
    client.force_login(cast.platform_admin)

    assert seqs(client.get("/audit/?region=341100")) == [2, 1]  # the city and its counties
    assert seqs(client.get("/audit/?region=341103")) == [2]
    assert seqs(client.get("/audit/?region=340000")) == [3, 2, 1]  # the province


def test_it_offers_only_the_regions_the_user_may_see(client, cast, spread):
    client.force_login(cast.county_admin_a)

    response = client.get("/audit/")
    html = response.content.decode()

    assert 'value="341102"' in html
    assert 'value="341103"' not in html and 'value="341100"' not in html
    # Asking for another region is refused by the form and changes nothing.
    assert seqs(client.get("/audit/?region=341103")) == [spread[COUNTY_A].seq]


def test_it_paginates_and_keeps_the_filters(client, cast):
    for _ in range(55):
        record(COUNTY_A)
    record(COUNTY_B)
    client.force_login(cast.platform_admin)

    first = client.get("/audit/?region=341102")
    second = client.get("/audit/?region=341102&page=2")

    assert len(seqs(first)) == 50 and seqs(first)[0] == 55
    assert seqs(second) == [5, 4, 3, 2, 1]
    assert 'href="?region=341102&amp;page=2"' in first.content.decode()
    assert "共 55 条" in first.content.decode()


def test_it_links_the_exports_with_the_filters(client, cast, spread):
    client.force_login(cast.platform_admin)

    html = client.get("/audit/?action=update&region=341102").content.decode()

    assert 'href="/audit/export.xlsx?action=update&amp;region=341102"' in html
    assert 'href="/audit/export.csv?action=update&amp;region=341102"' in html


def test_it_uses_a_fixed_number_of_queries(client, cast, django_assert_max_num_queries):
    for i in range(30):
        record(COUNTY_A, actor=Actor(cast.county_admin_a.pk if i % 2 else cast.city_admin.pk, "x", None))
    client.force_login(cast.platform_admin)

    # Session, user, roles, regions, count, page, actor names, region names, the inbox badge;
    # the session save.
    with django_assert_max_num_queries(12):
        client.get("/audit/")


def test_it_has_no_inline_script_or_style(client, cast, spread):
    client.force_login(cast.platform_admin)

    html = client.get("/audit/").content.decode()

    assert ' style="' not in html and "<style" not in html
    assert not re.search(r"<script(?![^>]*\bsrc=)", html)
