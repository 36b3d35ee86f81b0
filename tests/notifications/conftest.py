"""The campaign fixtures (a Taizhou campaign, the clock) for the reminder tests."""

from __future__ import annotations

from tests.campaigns.conftest import campaign, clock, rubrics

__all__ = ["campaign", "clock", "rubrics"]
