"""The campaign tests' fixtures: a Taizhou campaign in the cast's city, the clock, the rubrics."""

from __future__ import annotations

from tests.campaigns import conftest as campaign_fixtures

campaign = campaign_fixtures.campaign
clock = campaign_fixtures.clock
rubrics = campaign_fixtures.rubrics
