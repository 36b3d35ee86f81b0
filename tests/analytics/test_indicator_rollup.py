"""The indicator charts read the rollup (sums per campaign, county and indicator), not the rows:
for any rows, what they show for a region is what the rows of that region give directly."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from campuseval.analytics import score_reads
from campuseval.analytics.models import IndicatorRollup, IndicatorSummary
from campuseval.analytics.selectors import Scope
from campuseval.analytics.services import roll_up
from campuseval.campaigns import services as s

YEAR = 2022
KINDS = {"1.1": "basic", "1.2": "demo", "2.1": "", "2.2": "basic"}
OUTSIDE = "350102"  # a county of another province: never in the city's figures

half_points = st.one_of(st.none(), st.sampled_from([x / 2 for x in range(0, 21)]))
row = st.tuples(
    st.sampled_from(sorted(KINDS)), st.integers(0, 2), st.booleans(), st.booleans(),
    half_points, half_points, half_points, st.one_of(st.none(), st.sampled_from([0.0, 0.5, 1.0, 2.5])),
)


def _mean(values: list[float]) -> float | None:
    return round(sum(values) / len(values), 2) if values else None


@pytest.fixture
def application(cast, campaign):
    return s.application_create(by=cast.city_admin, campaign=campaign, school=cast.school_a)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(row, max_size=30))
def test_the_indicator_charts_of_a_region_add_up_its_rows_whatever_they_hold(cast, campaign, application, rows):
    counties = [cast.county_a.code, cast.county_b.code, OUTSIDE]
    IndicatorSummary.objects.all().delete()
    IndicatorSummary.objects.bulk_create([
        IndicatorSummary(
            application=application, campaign=campaign, region_code=counties[county], year=YEAR, counted=counted,
            code=code, kind=KINDS[code], missed=missed, self_score=own, county_score=by_county,
            expert_score=by_experts, spread=spread,
        )
        for code, county, counted, missed, own, by_county, by_experts, spread in rows
    ])
    roll_up(None)
    mine = [r for r in rows if r[2] and r[1] < 2]  # counted, in the city

    drift = {d.key: d for d in score_reads.drift_by_indicator(Scope(cast.city, YEAR), limit=100)}
    for code in KINDS:
        of_code = [r for r in mine if r[0] == code]
        vs_county = _mean([r[4] - r[5] for r in of_code if r[4] is not None and r[5] is not None])
        vs_experts = _mean([r[4] - r[6] for r in of_code if r[4] is not None and r[6] is not None])
        if vs_county or vs_experts:
            assert (drift[code].vs_county, drift[code].vs_experts, drift[code].n) == (vs_county, vs_experts, len(of_code))
        else:
            assert code not in drift

    missed = {(m.code, m.kind): m.schools for m in score_reads.most_missed(Scope(cast.city, YEAR), limit=100)}
    expected = {}
    for code, _county, _counted, was_missed, *_ in mine:
        if was_missed and KINDS[code]:
            expected[(code, KINDS[code])] = expected.get((code, KINDS[code]), 0) + 1
    assert missed == expected

    spread = {x.code: (x.mean, x.n) for x in score_reads.spread_by_indicator(Scope(cast.city, YEAR), limit=100)}
    gaps = {code: [r[7] for r in mine if r[0] == code and r[7]] for code in KINDS}
    assert spread == {code: (_mean(g), len(g)) for code, g in gaps.items() if g}
    assert IndicatorRollup.objects.filter(region_code=OUTSIDE).count() == len({r[0] for r in rows if r[2] and r[1] == 2})
