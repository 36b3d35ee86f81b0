"""The campaign fixtures of tests/campaigns, with its decided and published campaign."""

from tests.campaigns.conftest import campaign, clock, decided, published, rubrics  # noqa: F401
