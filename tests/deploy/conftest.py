"""Fixtures for the deployment tests: a campaign and a school's draft (the evidence tests')."""

from tests.certificates.conftest import campaign, clock, decided, published, rubrics  # noqa: F401
from tests.evidence.conftest import application  # noqa: F401
