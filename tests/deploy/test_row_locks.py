"""A school's upload or an expert's score locks its own row, never the campaign's (PostgreSQL).

``make load`` found it: an evidence upload locked the campaign's row with the application
(``select_for_update`` over ``select_related``), so every upload of the campaign waited on every
other, and one that then took the audit chain's head deadlocked with a save that held the head
and, at its commit, checked a foreign key to the campaign (``FOR KEY SHARE``): the school got
"系统繁忙". While such a write is in progress another connection must still be able to check a
foreign key to the campaign and the school at once (``NOWAIT``).
"""

from __future__ import annotations

import io
from collections.abc import Iterator

import pytest
from django.db import connection, transaction

from campuseval.campaigns import services as s
from campuseval.evidence import services as evidence
from tests.campaigns.conftest import campaign, clock, make_campaign, rubrics  # noqa: F401
from tests.campaigns.test_city_helpers import recommended, submitted

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def postgresql_only(settings, tmp_path) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("row locks are PostgreSQL's (SQLite locks the whole file): runs in the PostgreSQL pass")
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def other() -> Iterator[object]:
    """A second connection to the test database, as another app server's would be."""
    import psycopg

    params = connection.settings_dict
    conn = psycopg.connect(
        dbname=params["NAME"], user=params["USER"] or "postgres", host=params["HOST"] or "127.0.0.1",
        port=params["PORT"] or 5432, password=params["PASSWORD"] or None, autocommit=True,
    )
    yield conn
    conn.close()


def key_share_now(conn, table: str, pk: int) -> None:
    """What a foreign-key check of another transaction does, refused at once if it would wait."""
    conn.execute(f"SELECT 1 FROM {table} WHERE id = %s FOR KEY SHARE NOWAIT", [pk])


def test_an_upload_in_progress_leaves_the_campaign_and_school_free(cast, campaign, other):  # noqa: F811
    app = s.application_create(by=cast.school_user_a, campaign=campaign, school=cast.school_a)
    with transaction.atomic():
        evidence.evidence_upload(
            by=cast.school_user_a, application=app, code="1.1.1",
            uploads=[evidence.Upload(name="网络拓扑图.pdf", file=io.BytesIO(PDF), size=len(PDF))],
        )
        key_share_now(other, "campaigns_campaign", campaign.pk)
        key_share_now(other, "regions_school", cast.school_a.pk)


def places_free(other, app) -> None:
    key_share_now(other, "campaigns_campaign", app.campaign_id)
    key_share_now(other, "regions_school", app.school_id)
    key_share_now(other, "regions_region", app.school.county_id)
    key_share_now(other, "regions_region", app.campaign.city_id)


def test_an_experts_score_saved_again_leaves_the_application_campaign_and_regions_free(cast, campaign, clock, other):  # noqa: F811
    app = recommended(cast, campaign, cast.school_a)
    clock.stage(campaign, "city_review")
    assignment = s.expert_assign(by=cast.city_admin, application=app, expert=cast.expert)
    first = s.expert_score_save(by=cast.expert, assignment=assignment, code="1.1.1", score=0, expected_version=0)
    with transaction.atomic():  # the second save locks the row the first wrote
        s.expert_score_save(by=cast.expert, assignment=assignment, code="1.1.1", score=1, expected_version=first.version)
        key_share_now(other, "campaigns_application", app.pk)
        places_free(other, app)


def test_a_school_score_saved_again_and_a_recommendation_leave_the_campaign_and_regions_free(cast, campaign, other):  # noqa: F811
    app = s.application_create(by=cast.school_user_a, campaign=campaign, school=cast.school_a)
    first = s.self_score_save(by=cast.school_user_a, application=app, code="1.1.1", score="1", expected_version=0)
    with transaction.atomic():
        s.self_score_save(by=cast.school_user_a, application=app, code="1.1.1", score="0.5", expected_version=first.version)
        places_free(other, app)


def test_a_countys_recommendation_leaves_the_campaign_and_regions_free(cast, campaign, other):  # noqa: F811
    app = submitted(cast, campaign, cast.school_a)
    with transaction.atomic():  # it locks the county's applications to count its quota
        s.application_recommend(by=cast.city_admin, application=app, recommend=True)
        places_free(other, app)
