"""The region tree: each user sees the regions of their scope, with their schools counted."""

from __future__ import annotations

import pytest
from django.urls import reverse

from .conftest import login

pytestmark = pytest.mark.django_db
URL = reverse("regions:region_list")


def _codes(response):
    return [row.region.code for row in response.context["rows"]]


def test_it_sends_anonymous_users_to_log_in(client, cast):
    response = client.get(URL)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_it_shows_the_whole_tree_to_a_platform_admin(client, cast):
    response = login(client, cast.platform_admin).get(URL)

    assert _codes(response) == ["340000", "340100", "340102", "341100", "341102", "341103"]
    counts = {row.region.code: row.schools for row in response.context["rows"]}
    assert counts == {"340000": 4, "340100": 1, "340102": 1, "341100": 3, "341102": 2, "341103": 1}
    assert [row.depth for row in response.context["rows"]] == [0, 1, 2, 1, 2, 2]
    assert reverse("regions:region_create") in response.content.decode()


def test_it_shows_a_county_admin_only_the_own_county(client, cast):
    response = login(client, cast.county_admin_a).get(URL)

    assert _codes(response) == ["341102"]
    assert response.context["rows"][0].schools == 2
    assert reverse("regions:region_create") not in response.content.decode()


def test_it_shows_a_city_admin_the_city_and_its_counties(client, cast):
    response = login(client, cast.city_admin).get(URL)

    assert _codes(response) == ["341100", "341102", "341103"]


def test_it_shows_an_outsider_nothing(client, cast):
    response = login(client, cast.outsider).get(URL)

    assert response.status_code == 200
    assert _codes(response) == []
