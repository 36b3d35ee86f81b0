"""The campaign fixtures of tests/campaigns (a Taizhou campaign in the cast's city, a clock)."""

from tests.campaigns.conftest import campaign, clock, rubrics  # noqa: F401
