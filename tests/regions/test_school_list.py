"""The school list: scoped, searchable, filterable, sortable, paginated."""

from __future__ import annotations

import pytest
from django.urls import reverse

from campuseval.regions.models import School

from .conftest import login

pytestmark = pytest.mark.django_db
URL = reverse("regions:school_list")


def _codes(response):
    return [s.code for s in response.context["table"].page.object_list.data]


def _names(response):
    return [row.record.code for row in response.context["table"].page.object_list]


def test_it_sends_anonymous_users_to_log_in(client, cast):
    assert client.get(URL).status_code == 302


def test_it_lists_only_the_county_admins_own_county(client, cast):
    response = login(client, cast.county_admin_a).get(URL)

    assert _names(response) == ["2134000001", "2134000003"]
    assert "瑶海区" not in response.content.decode()


def test_it_lists_the_city_for_a_city_admin_and_everything_for_a_platform_admin(client, cast):
    assert _names(login(client, cast.city_admin).get(URL)) == ["2134000001", "2134000003", "2134000002"]
    assert len(_names(login(client, cast.platform_admin).get(URL))) == 4


def test_it_lists_only_the_own_school_for_a_school_user(client, cast):
    assert _names(login(client, cast.school_user_b).get(URL)) == ["2134000002"]


def test_it_lists_nothing_for_an_expert(client, cast):
    response = login(client, cast.expert).get(URL)

    assert response.status_code == 200
    assert _names(response) == []
    assert "没有符合条件的学校" in response.content.decode()


def test_it_searches_by_name_and_by_code(client, cast):
    client = login(client, cast.city_admin)

    assert _names(client.get(URL, {"q": "教学点"})) == ["2134000003"]
    assert _names(client.get(URL, {"q": "2134000002"})) == ["2134000002"]


def test_it_filters_by_county_stage_location_and_teaching_points(client, cast):
    client = login(client, cast.city_admin)

    assert _names(client.get(URL, {"county": "341103"})) == ["2134000002"]
    assert _names(client.get(URL, {"location": "rural"})) == ["2134000003", "2134000002"]
    assert _names(client.get(URL, {"stage": "教学点"})) == ["2134000003"]
    assert _names(client.get(URL, {"points": "only"})) == ["2134000003"]
    assert _names(client.get(URL, {"points": "none"})) == ["2134000001", "2134000002"]


def test_it_offers_only_counties_in_scope_as_filters(client, cast):
    response = login(client, cast.county_admin_a).get(URL)

    county = response.context["filter"].form.fields["county"]
    assert [c.code for c in county.queryset] == ["341102"]
    # A county outside the scope is not a way around it.
    assert _names(login(client, cast.county_admin_a).get(URL, {"county": "341103"})) in ([], ["2134000001", "2134000003"])


def test_it_sorts_by_a_column(client, cast):
    response = login(client, cast.city_admin).get(URL, {"sort": "-name"})

    names = [row.record.name for row in response.context["table"].page.object_list]
    assert names == sorted(names, reverse=True)


def test_it_paginates_25_a_page(client, cast):
    School.objects.bulk_create(
        School(code=f"21340010{i:02d}", name=f"分页小学{i:02d}", stage="小学", location="urban", county=cast.county_a)
        for i in range(30)
    )
    client = login(client, cast.county_admin_a)

    assert len(_names(client.get(URL))) == 25
    assert len(_names(client.get(URL, {"page": 2}))) == 7


def test_it_keeps_the_filters_open_on_a_phone_when_some_are_used(client, cast):
    page = login(client, cast.city_admin).get(URL, {"stage": "小学"}).content.decode()

    assert 'class="collapse d-md-block show card' in page


def test_it_keeps_the_number_of_queries_flat(client, cast, django_assert_max_num_queries):
    School.objects.bulk_create(
        School(code=f"21340010{i:02d}", name=f"小学{i:02d}", stage="小学", location="urban", county=cast.county_a)
        for i in range(20)
    )
    client = login(client, cast.city_admin)
    client.get(URL)  # warm the session

    with django_assert_max_num_queries(12):
        client.get(URL)


def test_it_stacks_the_filters_and_hides_columns_on_a_phone(client, cast):
    page = login(client, cast.city_admin).get(URL).content.decode()

    assert 'class="col-12 col-sm-6' in page
    assert 'class="collapse d-md-block card' in page  # folded away on a phone until opened
    assert "table-responsive" in page
    assert "d-md-table-cell d-none" in page  # columns a phone does without
