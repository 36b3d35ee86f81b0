"""Score one school in plain Python: the scores (:mod:`.scoring`) and the way up (:mod:`.path`).

This is the reference implementation: the batch scorer (:mod:`.batch`) must agree with it
for every school, and a property test holds them to that. It sits above both modules it
composes, so neither imports the other in a circle.
"""

from __future__ import annotations

from .model import Rubric
from .path import next_tier_path
from .scoring import (
    SchoolInput,
    SchoolResult,
    build_result,
    clause_vector,
    score_vector,
    split_requirements,
    tier_rank,
    totals,
)


def score_school(rubric: Rubric, school: SchoolInput, *, path: bool = True) -> SchoolResult:
    """Score one school, one indicator at a time; ``path``: also find the way to the next tier."""
    vector = score_vector(rubric, school.scores)
    clauses = clause_vector(rubric, school.clauses)
    total, area_totals, sub_totals = totals(rubric, vector)
    basic_met, basic_missed = split_requirements(rubric, vector, clauses, "basic")
    demo_met, demo_missed = split_requirements(rubric, vector, clauses, "demo")
    rank = tier_rank(
        rubric,
        total,
        (len(basic_met), len(basic_met) + len(basic_missed)),
        (len(demo_met), len(demo_met) + len(demo_missed)),
    )
    return build_result(
        rubric,
        school,
        vector=vector,
        clauses=clauses,
        total=total,
        area_totals=area_totals,
        sub_totals=sub_totals,
        rank=rank,
        basic=(basic_met, basic_missed),
        demo=(demo_met, demo_missed),
        path=next_tier_path(rubric, vector, clauses, rank) if path else None,
    )
