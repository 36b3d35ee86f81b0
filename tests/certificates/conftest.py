"""The campaign fixtures of tests/campaigns, and a published campaign with certified schools."""

import pytest

from campuseval.campaigns import services as s
from tests.campaigns.conftest import campaign, clock, rubrics  # noqa: F401
from tests.campaigns.test_city_helpers import recommended, reviewed


@pytest.fixture
def decided(cast, campaign, clock):  # noqa: F811
    """School A 示范型, school B 合格型, the teaching point not certified (decided without a tier)."""
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
def published(cast, campaign, clock, decided):  # noqa: F811
    clock.stage(campaign, "decision")
    s.campaign_publish(by=cast.city_admin, campaign=campaign)
    campaign.refresh_from_db()
    return decided
