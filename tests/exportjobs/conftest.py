"""A published campaign with certified schools (tests/certificates), run-at-once jobs."""

from tests.certificates.conftest import campaign, clock, decided, published, rubrics  # noqa: F401
