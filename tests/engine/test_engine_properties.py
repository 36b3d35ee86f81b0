"""Properties of the scoring engine on small random rubrics (glossary scoring rules)."""

from __future__ import annotations

import itertools
from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from campuseval.engine import SchoolInput, score_school, score_schools
from campuseval.engine.scoring import evaluate_vector

from .strategies import rubric_and_school, rubrics, schools


@given(rubric_and_school(), st.data())
def test_raising_any_score_never_lowers_the_tier(pair, data):
    rubric, school = pair
    before = score_school(rubric, school, path=False)
    ind = data.draw(st.sampled_from(rubric.indicators))
    raised = dict(school.scores)
    raised[ind.code] = data.draw(
        st.sampled_from([x / 2 for x in range(int(raised[ind.code] * 2), int(ind.points * 2) + 1)])
    )
    clauses = dict(school.clauses)
    if ind.has_clause and data.draw(st.booleans()):
        clauses[ind.code] = True
    after = score_school(rubric, replace(school, scores=raised, clauses=clauses), path=False)
    assert rubric.tier_rank(after.tier) >= rubric.tier_rank(before.tier)
    assert after.total >= before.total


@given(rubric_and_school())
def test_totals_never_exceed_the_stated_caps(pair):
    rubric, school = pair
    result = score_school(rubric, school, path=False)
    for area in rubric.areas:
        if area.cap is not None:
            assert result.area_totals[area.code] <= area.cap
        for sub in area.subareas:
            if sub.cap is not None:
                assert result.subarea_totals[sub.code] <= sub.cap
            assert result.subarea_totals[sub.code] <= sum(i.points for i in sub.indicators)
    if rubric.total_cap is not None:
        assert result.total <= rubric.total_cap


@given(rubric_and_school())
def test_a_missed_basic_requirement_gives_no_tier(pair):
    rubric, school = pair
    result = score_school(rubric, school, path=False)
    if result.basic_missed:
        assert result.tier is None
        assert result.tier_name == rubric.no_tier


@settings(max_examples=60)
@given(st.data())
def test_scoring_many_schools_at_once_equals_scoring_each_alone(data):
    rubric = data.draw(rubrics())
    many = [data.draw(schools(rubric, name=f"s{n}")) for n in range(data.draw(st.integers(1, 6)))]
    together = score_schools(rubric, many)
    alone = [score_school(rubric, s) for s in many]
    assert together == alone


def _brute_force_fewest(rubric, school, target_rank):
    """The fewest indicators that, raised to full points with clauses met, reach the tier."""
    base = [school.scores.get(i.code, 0.0) for i in rubric.indicators]
    base_clauses = [school.clauses.get(i.code, False) for i in rubric.indicators]
    n = len(base)
    for k in range(n + 1):
        for subset in itertools.combinations(range(n), k):
            scores, clauses = list(base), list(base_clauses)
            for i in subset:
                scores[i] = rubric.indicators[i].points
                clauses[i] = clauses[i] or rubric.indicators[i].has_clause
            if evaluate_vector(rubric, scores, clauses)[1] >= target_rank:
                return k
    return None


@settings(max_examples=150, deadline=None)
@given(rubric_and_school(max_indicators=7))
def test_the_way_to_the_next_tier_reaches_it_with_the_fewest_indicators(pair):
    rubric, school = pair
    result = score_school(rubric, school)
    rank = rubric.tier_rank(result.uncapped_tier)
    path = result.next_tier
    if rank == len(rubric.tiers):
        assert path is None
        return
    assert path is not None
    assert rubric.tier_rank(path.target) == rank + 1
    fewest = _brute_force_fewest(rubric, school, rank + 1)
    if fewest is None:
        assert not path.reachable
        return
    assert path.reachable
    assert len(path.steps) == fewest
    scores, clauses = dict(school.scores), dict(school.clauses)
    for step in path.steps:
        ind = rubric.indicator(step.code)
        assert step.from_score <= step.to_score <= ind.points
        assert step.to_score > step.from_score or step.set_clause
        assert (step.to_score * 2).is_integer()
        scores[step.code] = step.to_score
        if step.set_clause:
            clauses[step.code] = True
    rescored = score_school(rubric, SchoolInput(school.school, scores, clauses), path=False)
    assert rubric.tier_rank(rescored.uncapped_tier) >= rank + 1


@settings(max_examples=60, deadline=None)
@given(rubric_and_school(max_indicators=7, criteria=True))
def test_criteria_rubrics_path_through_the_unmet_criteria(pair):
    rubric, school = pair
    result = score_school(rubric, school)
    rank = rubric.tier_rank(result.uncapped_tier)
    if result.next_tier is None:
        return
    assert len(result.next_tier.steps) == _brute_force_fewest(rubric, school, rank + 1)
    assert all(s.to_score == 1.0 or s.set_clause for s in result.next_tier.steps)
