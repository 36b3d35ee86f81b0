"""Properties of rates and of the task decomposition on random plans."""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from campuseval.plans.decomposition import (
    TOTAL_REGION,
    PlanRow,
    decompose,
    progress_csv,
    rate,
    read_plan_csv,
)

wholes = st.integers(min_value=1, max_value=10**30)


@st.composite
def part_and_whole(draw):
    whole = draw(st.one_of(st.integers(min_value=1, max_value=1000), wholes))
    return draw(st.integers(min_value=0, max_value=whole)), whole


def half_up(value: Fraction) -> int:
    """The reference: the nearest integer, halves away from zero (all values here are >= 0)."""
    return math.floor(value + Fraction(1, 2))


@given(part_and_whole())
def test_a_rate_lies_between_0_and_100(pair):
    part, whole = pair
    value = rate(part, whole)
    assert value is not None and 0 <= value <= 100
    assert (value == 100) == (part * 200 >= whole * 199)
    assert (value == 0) == (part * 200 < whole)


@given(part_and_whole())
def test_a_rate_is_the_exact_percent_rounded_half_up(pair):
    part, whole = pair
    assert rate(part, whole) == half_up(Fraction(100 * part, whole))


@given(st.integers(min_value=0, max_value=10**6), st.integers(min_value=1, max_value=10**6))
def test_a_rate_agrees_with_decimal_half_up(part, whole):
    with localcontext() as ctx:
        ctx.prec = 50
        expected = int((Decimal(100 * part) / Decimal(whole)).quantize(Decimal(1), ROUND_HALF_UP))
    assert rate(part, whole) == expected


@given(part_and_whole(), st.integers(min_value=0, max_value=10**6))
def test_a_rate_never_falls_when_more_is_built(pair, more):
    part, whole = pair
    further = min(whole, part + more)
    assert rate(further, whole) >= rate(part, whole)  # type: ignore[operator]


def test_rates_at_the_edges():
    assert rate(0, 0) is None and rate(3, 0) is None
    assert rate(2, 3) == 67 and rate(1, 3) == 33 and rate(1, 8) == 13  # 12.5 rounds up
    assert (
        rate(1, 200) == 1 and rate(1, 201) == 0 and rate(199, 200) == 100 and rate(398, 400) == 100
    )


# --- plans -----------------------------------------------------------------------------------

YEARS = [2019, 2020, 2021, 2022]


@st.composite
def plans(draw):
    """A plan that passes read_plan_csv: one row per region, category and year."""
    rows = []
    for category in draw(st.lists(st.sampled_from("ABC"), min_size=1, max_size=3, unique=True)):
        years = draw(st.lists(st.sampled_from(YEARS), min_size=1, max_size=4, unique=True))
        regions = draw(st.lists(st.sampled_from("甲乙丙丁戊"), min_size=1, max_size=5, unique=True))
        for region in regions:
            total = draw(st.integers(min_value=0, max_value=60))
            left = total
            for year in years:
                planned = draw(st.integers(min_value=0, max_value=left))
                left -= planned
                rows.append(PlanRow(region, category, total, year, planned))
    return draw(st.permutations(rows))


def _csv(rows):
    lines = ["region,category,total,year,planned"]
    lines += [f"{r.region},{r.category},{r.total},{r.year},{r.planned}" for r in rows]
    return ("\n".join(lines) + "\n").encode()


@given(plans())
def test_a_valid_plan_reads_back_as_written(rows):
    assert read_plan_csv(_csv(rows), "plan.csv") == list(rows)


@given(plans())
def test_the_totals_are_the_sums_of_the_regions(rows):
    result = decompose(rows)
    regional, totals = result[: len(rows)], result[len(rows) :]
    assert [(r.region, r.category, r.year, r.planned) for r in regional] == [
        (r.region, r.category, r.year, r.planned) for r in rows
    ]
    assert all(t.region == TOTAL_REGION for t in totals)
    assert len(totals) == len({(r.category, r.year) for r in rows})
    for t in totals:
        same = [r for r in regional if r.category == t.category and r.year == t.year]
        assert t.planned == sum(r.planned for r in same)
        assert t.cumulative == sum(r.cumulative for r in same)
        assert t.total == sum(r.total for r in same)
        assert t.rate == rate(t.cumulative, t.total)


@given(plans())
def test_cumulative_counts_never_fall_and_stay_within_the_total(rows):
    by_region = {}
    for r in decompose(rows)[: len(rows)]:
        by_region.setdefault((r.category, r.region), []).append(r)
    for entries in by_region.values():
        entries.sort(key=lambda r: r.year)
        assert entries[0].cumulative == entries[0].planned
        for before, after in zip(entries, entries[1:], strict=False):
            assert after.cumulative == before.cumulative + after.planned
            assert (after.rate or 0) >= (before.rate or 0)
        assert all(r.cumulative <= r.total for r in entries)


@given(plans())
def test_the_last_year_is_100_exactly_when_the_plan_completes_the_total(rows):
    last = {}
    for r in decompose(rows)[: len(rows)]:
        key = (r.category, r.region)
        if key not in last or r.year > last[key].year:
            last[key] = r
    for r in last.values():
        if r.total == 0:
            assert r.rate is None
        else:
            # half up: 199.5/200 would also print 100, but a county's total is far below 200.
            assert (r.rate == 100) == (r.cumulative == r.total)


@given(plans())
def test_the_csv_has_one_line_per_row(rows):
    result = decompose(rows)
    lines = progress_csv(result).splitlines()
    assert lines[0] == "region,category,year,planned,cumulative,total,rate"
    assert len(lines) == len(result) + 1
    for line, r in zip(lines[1:], result, strict=True):
        assert line.endswith("," if r.rate is None else f",{r.rate}")


def test_a_region_without_a_row_in_a_year_still_counts_in_the_total():
    rows = [
        PlanRow("甲", "A", 2, 2019, 2),
        PlanRow("乙", "A", 4, 2019, 1),
        PlanRow("乙", "A", 4, 2020, 3),
    ]
    totals = [r for r in decompose(rows) if r.region == TOTAL_REGION]
    assert [(t.year, t.planned, t.cumulative, t.total, t.rate) for t in totals] == [
        (2019, 3, 3, 6, 50),
        (2020, 3, 6, 6, 100),
    ]


def test_the_decomposition_module_imports_only_the_standard_library():
    import ast
    import subprocess
    import sys
    from pathlib import Path

    import campuseval.plans.decomposition as module

    tree = ast.parse(Path(module.__file__).read_text(encoding="utf-8"))
    roots = {
        name.split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, (ast.Import, ast.ImportFrom))
        for name in (
            [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
        )
    }
    assert roots <= set(sys.stdlib_module_names), roots - set(sys.stdlib_module_names)
    # Imported on its own, it loads no Django (the package's __init__ included).
    code = "import sys, campuseval.plans.decomposition; print(any(m.startswith('django') for m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"
