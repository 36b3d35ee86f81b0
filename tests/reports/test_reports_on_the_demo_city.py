"""The reports render for the demo city (`campuseval demo`, built once for the module): every
application's school report for the city, a sample at each status for its school and its
county, the city's and every county's summary report, and the same through the API."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.urls import reverse

from campuseval.accounts.models import User
from campuseval.campaigns.models import Application
from campuseval.regions.models import Region


@pytest.fixture(scope="module")
def demo_city(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("demo", stdout=io.StringIO())
        yield
        transaction.set_rollback(True)


def _client(username: str) -> Client:
    client = Client(raise_request_exception=True)
    client.force_login(User.objects.get(username=username))
    return client


def _one_per_status() -> list[Application]:
    found: dict[tuple[str, str], Application] = {}
    for application in Application.objects.select_related("school__county", "campaign__rubric").order_by("pk"):
        found.setdefault((application.status, application.campaign.rubric.code), application)
    return list(found.values())


@pytest.mark.usefixtures("demo_city")
@pytest.mark.django_db
def test_every_school_report_of_the_demo_city_renders_for_the_city():
    city = _client("city")
    applications = list(Application.objects.values_list("pk", flat=True))

    assert len(applications) > 50
    for pk in applications:
        response = city.get(reverse("reports:application", args=[pk]))
        assert response.status_code == 200, pk
        assert "各领域得分与县、市平均" in response.content.decode()


@pytest.mark.usefixtures("demo_city")
@pytest.mark.django_db
def test_the_school_and_its_county_open_its_report_at_every_status():
    samples = _one_per_status()
    assert {a.status for a in samples} >= {"draft", "submitted", "returned", "recommended", "under_review", "decided", "published"}
    for application in samples:
        for username in (f"school-{application.school.code}", f"county-{application.school.county.code}"):
            client = _client(username)
            page = client.get(reverse("reports:application", args=[application.pk]))
            api = client.get(reverse("api:application_report", args=[application.pk]))
            assert (page.status_code, api.status_code) == (200, 200), (username, application.status)
            assert api.json()["school"]["code"] == application.school.code


@pytest.mark.usefixtures("demo_city")
@pytest.mark.django_db
def test_the_city_and_every_county_summary_report_renders():
    city = Region.objects.get(code="341100")
    counties = list(Region.objects.filter(parent=city).values_list("code", flat=True))
    client = _client("city")

    assert len(counties) == 8
    for code in [city.code, *counties]:
        page = client.get(reverse("reports:region", args=[code]))
        assert page.status_code == 200, code
        assert 'id="chart-tiers-option"' in page.content.decode()
        api = client.get(reverse("api:region_report", args=[code]))
        assert api.status_code == 200, code
    # The demo's published campaign certified schools, and its plans have targets on the board.
    found = client.get(reverse("api:region_report", args=[city.code])).json()
    assert found["totals"]["certified"] > 0 and found["plans"]
    county = _client(f"county-{counties[0]}")
    assert county.get(reverse("reports:region", args=[counties[0]])).status_code == 200
    assert county.get(reverse("reports:region", args=[counties[1]])).status_code == 404
