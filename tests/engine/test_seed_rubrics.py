"""The engine on the three shipped rubrics: the glossary's scoring rules, rule by rule."""

from __future__ import annotations

from dataclasses import replace

import pytest

from campuseval.engine import SchoolInput, score_school, score_schools
from campuseval.rubricfile.load import find_rubric, to_engine


@pytest.fixture(scope="module")
def taizhou():
    return to_engine(find_rubric("taizhou-2022"))


@pytest.fixture(scope="module")
def weifang():
    return to_engine(find_rubric("weifang-2022"))


@pytest.fixture(scope="module")
def zibo():
    return to_engine(find_rubric("zibo"))


def full_marks(rubric, clauses=True):
    return SchoolInput(
        "full",
        {i.code: i.points for i in rubric.indicators},
        {i.code: clauses for i in rubric.indicators if i.has_clause},
    )


def test_it_gives_taizhou_full_marks_110_and_the_top_tier(taizhou):
    result = score_school(taizhou, full_marks(taizhou))
    assert result.total == 110
    assert list(result.area_totals.values()) == [26, 10, 10, 42, 12, 10]
    assert result.tier == "示范型"
    assert result.next_tier is None


def test_it_withholds_the_top_tier_when_a_demonstration_clause_is_not_met(taizhou):
    school = full_marks(taizhou)
    school = replace(school, clauses={**school.clauses, "1.3.3": False})
    result = score_school(taizhou, school)
    assert result.total == 110  # a clause does not change the indicator's points
    assert result.demo_missed == ("1.3.3",)
    assert result.tier == "优秀型"
    path = result.next_tier
    assert path is not None and path.target == "示范型"
    assert [(s.code, s.set_clause) for s in path.steps] == [("1.3.3", True)]


def test_it_gives_no_tier_when_a_basic_requirement_is_missed_even_at_109(taizhou):
    school = full_marks(taizhou)
    school = replace(school, scores={**school.scores, "1.2.2": 1.0})  # ★, 2 points
    result = score_school(taizhou, school)
    assert result.total == 109
    assert result.basic_missed == ("1.2.2",)
    assert result.tier is None
    assert result.tier_name == "未达标"


def test_it_uses_the_taizhou_thresholds_90_80_70(taizhou):
    basics = {i.code: i.points for i in taizhou.indicators if i.requirement == "basic"}
    others = [i for i in taizhou.indicators if i.requirement != "basic"]
    base = sum(basics.values())
    tiers = {}
    for target in (70, 80, 90):
        scores = dict(basics)
        total = base
        for ind in others:
            if total >= target:
                break
            scores[ind.code] = min(ind.points, target - total)
            total += scores[ind.code]
        tiers[target] = score_school(taizhou, SchoolInput("s", scores), path=False)
        assert tiers[target].total == target
    assert tiers[70].tier == "合格型"
    assert tiers[80].tier == "优秀型"
    # 90 points but the ▲ indicators and clauses are not all met: still 优秀型.
    assert tiers[90].tier == "优秀型"


def test_it_finds_the_way_from_no_tier_to_the_lowest_tier(taizhou):
    result = score_school(taizhou, SchoolInput("empty", {}))
    path = result.next_tier
    assert path is not None and path.target == "合格型" and path.reachable
    raised = {s.code: s.to_score for s in path.steps}
    assert set(result.basic_missed) <= set(raised)
    rescored = score_school(taizhou, SchoolInput("again", raised), path=False)
    assert rescored.tier == "合格型"
    assert rescored.total == 70  # trimmed to exactly what the tier needs


def test_it_caps_a_sub_area_at_the_subtotal_the_source_states(zibo):
    # Zibo 2.3 资源应用 states 6 points while its items add up to 8.
    scores = {i.code: i.points for i in zibo.indicators if i.code.startswith("2.3.")}
    result = score_school(zibo, SchoolInput("s", scores), path=False)
    assert result.subarea_totals["2.3"] == 6
    assert result.total == 6


def test_it_uses_the_assumed_zibo_thresholds(zibo):
    full = score_school(zibo, full_marks(zibo), path=False)
    assert full.total == 110
    assert full.tier == "智慧校园示范学校"


def test_it_certifies_weifang_when_every_c_criterion_is_met(weifang):
    cs = {i.code: 1.0 for i in weifang.indicators if i.code.startswith("C")}
    result = score_school(weifang, SchoolInput("s", cs))
    assert result.tier == "智慧校园"
    assert len(result.demo_missed) == 38 and result.basic_missed == ()
    assert result.next_tier is not None and len(result.next_tier.steps) == 38


def test_it_names_the_unmet_weifang_criteria(weifang):
    scores = {i.code: 1.0 for i in weifang.indicators}
    scores["C24"] = 0.0
    result = score_school(weifang, SchoolInput("s", scores))
    assert result.tier is None
    assert result.basic_missed == ("C24",)
    assert result.demo_missed == ()
    assert [s.code for s in result.next_tier.steps] == ["C24"]
    assert score_school(weifang, full_marks(weifang)).tier == "智慧校园示范校"


def test_it_awards_at_most_the_applied_tier(taizhou):
    school = replace(full_marks(taizhou), applied_tier="合格型")
    result = score_school(taizhou, school, path=False)
    assert result.uncapped_tier == "示范型"
    assert result.tier == "合格型"


def test_it_warns_when_the_facts_contradict_claimed_points(taizhou):
    school = SchoolInput(
        "s",
        {"1.2.2": 2.0, "1.4.1": 1.0},
        facts={"stage": "初中", "students": 900, "student_computers": 100, "video_retention_days": 30},
    )
    result = score_school(taizhou, school, path=False)
    assert [w.code for w in result.warnings] == ["1.2.2"]
    assert "9" in result.warnings[0].message and "8" in result.warnings[0].message


def test_it_does_not_warn_when_the_school_claims_no_points(taizhou):
    school = SchoolInput("s", {}, facts={"stage": "小学", "students": 900, "student_computers": 1})
    assert score_school(taizhou, school, path=False).warnings == ()


def test_the_batch_agrees_with_one_at_a_time_on_every_shipped_rubric(taizhou, weifang, zibo):
    import random

    rng = random.Random(7)
    for rubric in (taizhou, weifang, zibo):
        schools = []
        for n in range(40):
            scores = {
                i.code: rng.randint(0, int(i.points * 2)) / 2 if rubric.kind == "points" else float(rng.random() < 0.9)
                for i in rubric.indicators
            }
            clauses = {i.code: rng.random() < 0.8 for i in rubric.indicators if i.has_clause}
            schools.append(SchoolInput(f"s{n}", scores, clauses))
        assert score_schools(rubric, schools) == [score_school(rubric, s) for s in schools]


@pytest.mark.parametrize("code", ["taizhou-2022", "weifang-2022", "zibo"])
def test_an_areas_points_are_what_full_marks_give_it(code):
    """What the reports and the dashboards' radar print as each area's 满分."""
    rubric = to_engine(find_rubric(code))
    result = score_school(rubric, full_marks(rubric))
    assert {a.code: a.points for a in rubric.areas} == result.area_totals
    assert {s.code: s.points for a in rubric.areas for s in a.subareas} == result.subarea_totals
