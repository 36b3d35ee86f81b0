"""The scoring engine: pure Python (plus numpy for batches), no Django.

Give it a :class:`Rubric` and schools' indicator scores, clause judgements and facts; get
back totals with caps, ★/▲ met and missed, the tier, fact-check warnings and the way to the
next tier.
"""

from __future__ import annotations

from .batch import compile_rubric, score_arrays, score_schools
from .model import Area, Check, Indicator, Rubric, SubArea, Tier
from .path import next_tier_path
from .school import score_school
from .scoring import FactWarning, SchoolInput, SchoolResult, Step, TierPath

__all__ = [
    "Area",
    "Check",
    "FactWarning",
    "Indicator",
    "Rubric",
    "SchoolInput",
    "SchoolResult",
    "Step",
    "SubArea",
    "Tier",
    "TierPath",
    "compile_rubric",
    "next_tier_path",
    "score_arrays",
    "score_school",
    "score_schools",
]
