"""The fixtures the object-store tests share with the evidence, imports and export tests."""

from tests.certificates.conftest import campaign, clock, decided, published, rubrics  # noqa: F401
from tests.evidence.conftest import application  # noqa: F401
