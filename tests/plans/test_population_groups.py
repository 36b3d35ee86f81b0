"""A target's population read as groups of schools (county, stage, location), as the plan
board reads it for many plans at once, holds the same schools as the population's queryset."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from campuseval.plans import progress
from campuseval.plans import services as ps
from campuseval.plans.models import Target
from campuseval.regions.models import School

STAGES = [School.Stage.PRIMARY, School.Stage.JUNIOR, School.Stage.TEACHING_POINT, School.Stage.NINE_YEAR]
LOCATIONS = [School.Location.URBAN, School.Location.RURAL]
school = st.tuples(st.integers(0, 1), st.sampled_from(STAGES), st.sampled_from(LOCATIONS))
narrowing = st.tuples(
    st.sampled_from(list(Target.Scope)), st.sampled_from(["", *STAGES]), st.sampled_from(["", *LOCATIONS]),
)


@pytest.fixture
def plan(cast):
    return ps.plan_create(by=cast.city_admin, region=cast.city, title="规划", start_year=2022, end_year=2023)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    schools=st.lists(school, max_size=12), where=st.integers(0, 2), terms=narrowing, shared=st.booleans(),
    first=st.sampled_from([None, 0, 1, 2]),
)
def test_a_population_read_as_groups_of_schools_holds_the_schools_of_its_queryset(
    cast, plan, schools, where, terms, shared, first
):
    School.objects.filter(code__startswith="2134019").delete()
    counties = [cast.county_a, cast.county_b]
    for n, (county, stage, location) in enumerate(schools):
        School.objects.create(code=f"2134019{n:03d}", name=f"测试学校{n}", stage=stage, location=location, county=counties[county])
    scope, stage, location = terms
    region = [cast.city, cast.county_a, cast.county_b][where]
    target = Target(plan=plan, region=region, scope=scope, school_stage=stage, location=location)
    expected = set(progress.population(target).values_list("pk", flat=True))

    with progress.shared_reads():
        if first is not None:  # as a dashboard reads its region's schools before the plans' (taken from them below)
            progress.school_groups([cast.city, cast.county_a, cast.county_b][first])
        if shared:  # as the board reads it: every plan's schools counted at once
            progress.share_plans([plan])
        found = progress._population(target)
    rows = School.objects.values_list("pk", "county_id", "stage", "location")
    assert {pk for pk, *group in rows if found.has(*group)} == expected
    assert found.size == len(expected)
