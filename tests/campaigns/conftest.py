"""A Taizhou 2022 campaign in the cast's city, and a clock to move through its stages."""

from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest
from django.utils import timezone

START = dt.datetime(2022, 6, 20, 9, 0, tzinfo=dt.UTC)


class Clock:
    def __init__(self) -> None:
        self.now = START
        self._patch = mock.patch("django.utils.timezone.now", side_effect=lambda: self.now)

    def at(self, when: dt.datetime) -> None:
        self.now = when

    def stage(self, campaign, stage: str) -> None:
        """Move to the middle of a stage of the campaign."""
        bounds = {
            "application": (campaign.opens_at, campaign.application_deadline),
            "county_review": (campaign.application_deadline, campaign.county_review_deadline),
            "city_review": (campaign.county_review_deadline, campaign.city_review_deadline),
            "decision": (campaign.city_review_deadline, campaign.publication_deadline),
        }[stage]
        self.now = bounds[0] + (bounds[1] - bounds[0]) / 2


@pytest.fixture
def clock():
    c = Clock()
    with c._patch:
        yield c


@pytest.fixture
def rubrics(db):
    from campuseval.rubrics.services import rubrics_load_shipped

    rubrics_load_shipped()
    from campuseval.rubrics.models import Rubric

    return {r.code: r for r in Rubric.objects.all()}


def make_campaign(cast, rubric, **overrides):
    from campuseval.campaigns.services import campaign_open

    fields = dict(
        city=cast.city,
        year=2022,
        name=f"2022年滁州市智慧校园创建（{rubric.code}）",
        rubric=rubric,
        opens_at=START - dt.timedelta(days=1),
        application_deadline=dt.datetime(2022, 8, 1, 23, 59, tzinfo=dt.UTC),
        county_review_deadline=dt.datetime(2022, 8, 31, 23, 59, tzinfo=dt.UTC),
        city_review_deadline=dt.datetime(2022, 9, 30, 23, 59, tzinfo=dt.UTC),
        publication_deadline=dt.datetime(2022, 10, 15, 23, 59, tzinfo=dt.UTC),
    )
    fields.update(overrides)
    return campaign_open(by=cast.city_admin, **fields)


@pytest.fixture
def campaign(cast, rubrics, clock):
    return make_campaign(cast, rubrics["taizhou-2022"])


def fill_full_marks(application, by, clause=True, skip=()):
    from campuseval.campaigns.services import self_score_save

    rubric = application.campaign.rubric.engine_rubric()
    for ind in rubric.indicators:
        if ind.code in skip:
            continue
        self_score_save(
            by=by,
            application=application,
            code=ind.code,
            score=ind.points,
            clause_met=clause if ind.has_clause else None,
            expected_version=0,
        )


__all__ = ["fill_full_marks", "make_campaign", "timezone"]


# A decided campaign (the public results, certificates, exports): school A 示范型, school B
# 合格型, the teaching point decided without a tier; and the same campaign published.
@pytest.fixture
def decided(cast, campaign, clock):
    """School A 示范型, school B 合格型, the teaching point not certified (decided without a tier)."""
    from campuseval.campaigns import services as s

    from .test_city_helpers import recommended, reviewed

    a = recommended(cast, campaign, cast.school_a, tier="示范型")
    b = recommended(cast, campaign, cast.school_b, tier="合格型")
    tp = recommended(cast, campaign, cast.teaching_point_a, tier="合格型")
    for app in (a, b, tp):
        reviewed(cast, campaign, clock, app, [{}])
    s.application_decide(by=cast.city_admin, application=a)
    s.application_decide(by=cast.city_admin, application=b)
    s.application_decide(by=cast.city_admin, application=tp, tier="", reason="现场核查不符")
    return a, b, tp


@pytest.fixture
def published(cast, campaign, clock, decided):
    from campuseval.campaigns import services as s

    clock.stage(campaign, "decision")
    s.campaign_publish(by=cast.city_admin, campaign=campaign)
    campaign.refresh_from_db()
    return decided
