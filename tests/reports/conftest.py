"""The reports' world: three schools of 滁州市 through one Taizhou campaign, with scores chosen
so that every area's mean in the county and the city is known.

The experts' scores (two experts per school) are full marks except:

- school A (琅琊区): 1.5.2 at 0 (area 1: −3), 4.2.3 at 1 (area 4: −1), and one expert gives
  4.5.1 two of its three points (area 4: −0.5 more, the experts' spread on 4.5.1 is 1);
- school A2 (琅琊区): 2.2.3 at 0 (area 2: −1), 6.4.1 at 0 (area 6: −2);
- school B (南谯区): 3.1.2, 3.2.3, 3.3.1 and 3.3.2 at 0 (area 3: −4) and the ▲ 1.1.5 at 0 (area 1: −1).

Areas (points): 1 基础环境 26, 2 数字资源 10, 3 应用能力 10, 4 应用服务 42, 5 保障机制 12, 6 应用成效 10.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from campuseval.campaigns import services as s
from campuseval.campaigns.models import Application
from campuseval.regions.models import School
from tests.campaigns import conftest as campaign_fixtures
from tests.campaigns.test_city_helpers import reviewed, self_assess

# The campaign tests' fixtures: a Taizhou 2022 campaign in the cast's city, the clock, the rubrics.
campaign = campaign_fixtures.campaign
clock = campaign_fixtures.clock
rubrics = campaign_fixtures.rubrics

YEAR = 2022

EXPERTS = {
    "a": [{"1.5.2": 0, "4.2.3": 1}, {"1.5.2": 0, "4.2.3": 1, "4.5.1": 2}],
    "a2": [{"2.2.3": 0, "6.4.1": 0}, {"2.2.3": 0, "6.4.1": 0}],
    "b": [{c: 0 for c in ("3.1.2", "3.2.3", "3.3.1", "3.3.2", "1.1.5")}] * 2,
}
STAGES = ("submitted", "returned", "decided", "published")


@dataclass
class World:
    cast: Any
    campaign: Any
    clock: Any
    apps: dict[str, Application]

    def refresh(self) -> None:
        for app in self.apps.values():
            app.refresh_from_db()


def second_school_of_county_a(cast: Any) -> School:
    return School.objects.create(
        code="2134000005", name="琅琊区示例第二小学", stage="小学", location="urban", county=cast.county_a
    )


def play(cast: Any, campaign: Any, clock: Any, until: str, *, override: dict[str, tuple[str, str]] | None = None) -> World:
    """The three schools through the campaign up to ``until`` (one of STAGES); ``override``:
    a school's decided tier and reason instead of the experts' scored tier."""
    schools = {"a": cast.school_a, "a2": second_school_of_county_a(cast), "b": cast.school_b}
    apps: dict[str, Application] = {}
    for key, school in schools.items():
        app = s.application_create(by=cast.city_admin, campaign=campaign, school=school)
        app = s.application_update(by=cast.city_admin, application=app, expected_version=app.version, applied_tier="示范型")
        self_assess(app, cast.city_admin)
        apps[key] = s.application_submit(by=cast.city_admin, application=app)
    world = World(cast, campaign, clock, apps)
    if until == "submitted":
        return world
    clock.stage(campaign, "county_review")
    if until == "returned":
        apps["a"] = s.application_return(
            by=cast.county_admin_a, application=apps["a"], comments={"1.5.2": "佐证材料不足，请补充照片"},
            note="请按指标意见修改后重新提交。",
        )
        return world
    for key in apps:
        apps[key] = s.application_recommend(by=cast.city_admin, application=apps[key], recommend=True)
    for key, scores in EXPERTS.items():
        reviewed(cast, campaign, clock, apps[key], scores)
    for key, app in apps.items():
        app.refresh_from_db()
        tier, reason = (override or {}).get(key, (None, ""))
        apps[key] = s.application_decide(by=cast.city_admin, application=app, tier=tier, reason=reason)
    clock.stage(campaign, "decision")
    if until == "published":
        s.campaign_publish(by=cast.city_admin, campaign=campaign)
    world.refresh()
    return world


@pytest.fixture
def world(cast, campaign, clock):
    """The campaign published."""
    return play(cast, campaign, clock, "published")
