"""generate_demo: the demo city as plain data, without a database."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import asdict

import pytest
from django.contrib.auth.password_validation import validate_password

from campuseval.demodata.generate import (
    CATEGORY,
    COUNTIES,
    DEFAULT_PASSWORD,
    generate_demo,
)
from campuseval.engine.facts import violated
from campuseval.rubricfile.load import find_rubric, to_engine

TP = "教学点"
CHUZHOU = {
    "341102": "琅琊区",
    "341103": "南谯区",
    "341122": "来安县",
    "341124": "全椒县",
    "341125": "定远县",
    "341126": "凤阳县",
    "341181": "天长市",
    "341182": "明光市",
}
# Seed 004, 附件1 (teaching points) and 附件2 (rural schools).
TEACHING_POINTS = {
    "341102": 0, "341103": 2, "341122": 1, "341124": 2,
    "341125": 11, "341126": 33, "341181": 3, "341182": 15,
}  # fmt: skip
RURAL = {
    "341102": 1, "341103": 8, "341122": 26, "341124": 12,
    "341125": 42, "341126": 44, "341181": 4, "341182": 38,
}  # fmt: skip
SEEDS = [0, 4, 2022]


@pytest.fixture(scope="module", params=SEEDS)
def spec(request):
    return generate_demo(seed=request.param)


def schools_only(spec):
    return [s for s in spec.schools if s.stage != TP]


def test_it_builds_the_eight_counties_of_chuzhou(spec):
    counties = {r.code: r.name for r in spec.regions if r.level == "county"}

    assert counties == CHUZHOU
    assert [(r.code, r.name, r.level) for r in spec.regions[:2]] == [
        ("340000", "安徽省", "province"),
        ("341100", "滁州市", "city"),
    ]
    assert all(r.parent_code == "341100" for r in spec.regions if r.level == "county")


def test_it_has_494_schools_175_rural_and_67_teaching_points_besides(spec):
    schools = schools_only(spec)

    assert len(schools) == 494
    assert sum(s.location == "rural" for s in schools) == 175
    assert len(spec.schools) - len(schools) == 67


def test_it_spreads_rural_schools_and_teaching_points_as_the_seed_lists_them(spec):
    rural = Counter(s.county_code for s in schools_only(spec) if s.location == "rural")
    points = Counter(s.county_code for s in spec.schools if s.stage == TP)

    assert {c: rural[c] for c in CHUZHOU} == RURAL
    assert {c: points[c] for c in CHUZHOU} == TEACHING_POINTS
    assert points["341125"] == 11 and sum(points.values()) - points["341125"] == 56
    assert Counter(s.county_code for s in schools_only(spec)) == {
        c.code: c.schools for c in COUNTIES
    }


def test_it_attaches_each_teaching_point_to_a_rural_central_school_of_its_county(spec):
    by_code = {s.code: s for s in spec.schools}
    for point in (s for s in spec.schools if s.stage == TP):
        central = by_code[point.central_code]
        assert central.stage in ("小学", "九年一贯制")
        assert central.location == "rural" and point.location == "rural"
        assert central.county_code == point.county_code
    assert all(s.central_code is None for s in schools_only(spec))


def test_it_mixes_stages_mostly_primary(spec):
    stages = Counter(s.stage for s in schools_only(spec))

    assert set(stages) == {"小学", "初中", "高中", "九年一贯制", "完全中学", "十二年一贯制"}
    assert stages["小学"] > len(schools_only(spec)) / 2
    assert not any(
        s.stage in ("高中", "完全中学") for s in schools_only(spec) if s.location == "rural"
    )


def test_it_gives_unique_school_codes_with_the_stage_category_and_anhui(spec):
    codes = [s.code for s in spec.schools]

    assert len(set(codes)) == len(codes)
    for s in spec.schools:
        assert re.fullmatch(r"\d{10}", s.code)
        assert s.code[:2] == CATEGORY[s.stage]
        assert s.code[2:4] == "34"


def test_it_gives_unique_names_that_start_with_the_county(spec):
    names = [s.name for s in spec.schools]

    assert len(set(names)) == len(names)
    for s in spec.schools:
        assert s.name.startswith(CHUZHOU[s.county_code])
        assert s.address.startswith(f"安徽省滁州市{CHUZHOU[s.county_code]}")
    assert all(s.name.endswith("教学点") for s in spec.schools if s.stage == TP)


def test_it_uses_only_fictitious_phone_numbers(spec):
    phones = [s.contact_phone for s in spec.schools] + [a.phone for a in spec.accounts]

    # A local number in 0550 never begins with 0: none of these can be dialled.
    assert all(re.fullmatch(r"0550-00\d{5}", p) for p in phones)
    assert not any(re.search(r"1[3-9]\d{9}", p) for p in phones)


def test_it_gives_people_three_character_names(spec):
    people = [s.head_name for s in spec.schools] + [a.full_name for a in spec.accounts]

    assert all(re.fullmatch(r"[\u4e00-\u9fff]{3}", p) for p in people)


def test_it_scales_students_and_teachers_to_chuzhous_baseline(spec):
    schools = schools_only(spec)
    students = sum(s.facts.students for s in schools)
    teachers = sum(s.facts.teachers for s in schools)
    computers = sum(s.facts.student_computers for s in schools)

    assert 400_000 <= students <= 455_000  # seed 004: 42.7 万
    assert 29_500 <= teachers <= 33_500  # seed 004: 3.16 万
    assert 5.5 <= students / computers <= 7.5  # seed 004: 6.68:1


@pytest.mark.parametrize("rubric_id", ["taizhou-2022", "weifang-2022", "zibo"])
def test_most_schools_pass_the_fact_checks_and_some_fail(spec, rubric_id):
    rubric = to_engine(find_rubric(rubric_id))
    checks = [c for i in rubric.indicators for c in i.checks]
    failing = Counter()
    for s in schools_only(spec):
        facts = {"stage": s.stage, **{k: float(v) for k, v in asdict(s.facts).items()}}
        names = {c.name for c in checks if violated(c, facts)}
        failing["any"] += bool(names)
        failing["primary computers"] += s.stage == "小学" and "生机比" in names
        assert bool(names) <= bool(s.lagging)

    assert 20 <= failing["any"] <= 494 * 0.25
    if rubric_id == "taizhou-2022":
        assert failing["primary computers"] >= 5


def test_it_plans_an_account_for_every_role_and_school(spec):
    by_role = Counter(a.role for a in spec.accounts)
    usernames = [a.username for a in spec.accounts]

    assert by_role == {
        "platform_admin": 1,
        "city_admin": 1,
        "county_admin": 8,
        "school_user": 561,
        "expert": 12,
        "observer": 1,
    }
    assert len(set(usernames)) == len(usernames)
    assert {"admin", "city", "observer"} <= set(usernames)
    assert {f"county-{c}" for c in CHUZHOU} <= set(usernames)
    assert {f"school-{s.code}" for s in spec.schools} <= set(usernames)
    experts = [a for a in spec.accounts if a.role == "expert"]
    assert [a.username for a in experts] == [f"expert{n:02d}" for n in range(1, 13)]
    assert all(a.home_county_code in CHUZHOU and a.region_code == "341100" for a in experts)


def test_the_same_seed_gives_the_same_plan_and_another_seed_does_not():
    assert generate_demo(seed=7) == generate_demo(seed=7)
    assert generate_demo(seed=7).schools != generate_demo(seed=8).schools
    assert generate_demo(seed=7, year=2021).schools == generate_demo(seed=7).schools


@pytest.mark.django_db  # the rules read the platform's city names (ContextWordValidator)
def test_the_default_password_satisfies_the_password_rules():
    validate_password(DEFAULT_PASSWORD)  # raises ValidationError otherwise
