"""A school's page: profile, teaching points, facts by year; 404 outside the user's scope."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from campuseval.regions.models import SchoolFacts

from .conftest import login

pytestmark = pytest.mark.django_db


def _url(school):
    return reverse("regions:school_detail", args=[school.code])


def test_it_shows_the_profile_and_the_teaching_points(client, cast):
    page = login(client, cast.county_admin_a).get(_url(cast.school_a)).content.decode()

    assert "琅琊区示例第一小学" in page
    assert "琅琊区示例教学点" in page
    assert reverse("regions:school_edit", args=["2134000001"]) in page


def test_it_shows_facts_by_year_newest_first(client, cast):
    SchoolFacts.objects.create(school=cast.school_a, year=2023, students=700, wireless_coverage_pct=Decimal("90.50"))
    SchoolFacts.objects.create(school=cast.school_a, year=2024, students=720, wireless_coverage_pct=Decimal("100"))

    response = login(client, cast.county_admin_a).get(_url(cast.school_a))

    history = response.context["history"]
    assert history.years == [2024, 2023]
    assert ("学生数", ["720", "700"]) in history.rows
    assert ("无线网络覆盖率（%）", ["100", "90.5"]) in history.rows
    assert reverse("regions:facts_edit", args=["2134000001", 2023]) in response.content.decode()


@pytest.mark.parametrize(
    ("who", "school"),
    [
        ("county_admin_a", "school_b"),
        ("county_admin_a", "school_other"),
        ("city_admin", "school_other"),
        ("school_user_a", "school_b"),
        ("school_user_a", "teaching_point_a"),
        ("expert", "school_a"),
        ("outsider", "school_a"),
    ],
)
def test_it_answers_404_outside_the_scope(client, cast, who, school):
    response = login(client, getattr(cast, who)).get(_url(getattr(cast, school)))

    assert response.status_code == 404


def test_it_answers_404_for_an_unknown_code(client, cast):
    assert login(client, cast.platform_admin).get("/schools/0000000000/").status_code == 404


def test_it_lets_an_observer_read_without_edit_buttons(client, cast):
    page = login(client, cast.observer).get(_url(cast.school_b)).content.decode()

    assert "南谯区示例第一小学" in page
    assert reverse("regions:school_edit", args=["2134000002"]) not in page


def test_it_sends_anonymous_users_to_log_in(client, cast):
    assert client.get(_url(cast.school_a)).status_code == 302
