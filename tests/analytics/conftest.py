"""The campaigns' fixtures (a Taizhou campaign in the cast's city and a clock), shared here."""

from tests.campaigns.conftest import campaign, clock, rubrics  # noqa: F401
