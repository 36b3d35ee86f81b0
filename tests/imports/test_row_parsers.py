"""Property tests of the row parsers: valid rows round-trip, broken codes are always reported."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from campuseval.imports.columns import cell_text, parse_cells
from campuseval.imports.kinds.facts import COLUMNS as FACT_COLUMNS
from campuseval.imports.kinds.schools import COLUMNS as SCHOOL_COLUMNS
from campuseval.regions.models import SCHOOL_CATEGORIES, School

DIGITS = "0123456789"

school_codes = st.builds(
    lambda category, province, serial: category + province + serial,
    st.sampled_from(sorted(SCHOOL_CATEGORIES)),
    st.text(DIGITS, min_size=2, max_size=2),
    st.text(DIGITS, min_size=6, max_size=6),
)
# Words as people type them: no surrounding blanks (the reader strips those), no control codes.
words = st.text(
    st.characters(codec="utf-8", categories=["L", "N", "P", "Zs"], exclude_characters="\u3000"),
    min_size=1,
    max_size=40,
).map(str.strip).filter(bool)
phones = st.one_of(
    st.text(DIGITS, min_size=10, max_size=10).map(lambda d: "1" + d),
    st.builds(lambda a, n: f"0{a}-{n}", st.text(DIGITS, min_size=3, max_size=3), st.text(DIGITS, min_size=7, max_size=8)),
)
school_rows = st.fixed_dictionaries(
    {
        "code": school_codes,
        "name": words,
        "stage": st.sampled_from(School.Stage.values),
        "location": st.sampled_from(School.Location.values),
        "county_code": st.text("123456789", min_size=1, max_size=1).flatmap(
            lambda first: st.text(DIGITS, min_size=5, max_size=5).map(lambda rest: first + rest)
        ),
        "central_school_code": st.one_of(st.just(""), school_codes),
        "address": st.one_of(st.just(""), words),
        "head_name": st.one_of(st.just(""), words),
        "contact_name": st.one_of(st.just(""), words),
        "contact_phone": st.one_of(st.just(""), phones),
    }
)


def _cells(columns, values, *, codes_as_numbers=False):
    cells = []
    for column in columns:
        shown = column.show(values[column.key])
        if codes_as_numbers and column.text_format and shown.isdigit():
            cells.append(int(shown))  # what Excel stores when a code is typed into a number cell
        else:
            cells.append(shown or None)
    return cells


@given(school_rows, st.booleans())
def test_it_reads_back_any_valid_school_row(values, codes_as_numbers):
    parsed, problems = parse_cells(list(SCHOOL_COLUMNS), _cells(SCHOOL_COLUMNS, values, codes_as_numbers=codes_as_numbers))

    assert problems == []
    assert parsed == values


def _broken_codes(code):
    """Every way a person gets a 学校标识码 wrong: too short, too long, a letter, a bad category."""
    return st.one_of(
        st.integers(1, 9).map(lambda n: code[:n]),
        st.text(DIGITS, min_size=1, max_size=5).map(lambda extra: code + extra),
        st.tuples(st.integers(0, 9), st.sampled_from("OolIaX -．")).map(
            lambda p: code[: p[0]] + p[1] + code[p[0] + 1 :]
        ),
        st.sampled_from([c for c in (f"{i:02d}" for i in range(100)) if c not in SCHOOL_CATEGORIES]).map(
            lambda category: category + code[2:]
        ),
    )


@given(school_rows.flatmap(lambda v: st.tuples(st.just(v), _broken_codes(v["code"]))))
def test_it_reports_any_broken_school_code_in_its_column(pair):
    values, broken = pair
    cells = _cells(SCHOOL_COLUMNS, values)
    cells[0] = broken

    parsed, problems = parse_cells(list(SCHOOL_COLUMNS), cells)

    assert [index for index, _ in problems] == [0]
    assert problems[0][1] in {"应为 10 位数字"} or "不是有效的学校类别码" in problems[0][1]
    assert "code" not in parsed


percentages = st.decimals(min_value=0, max_value=100, places=2, allow_nan=False, allow_infinity=False)
fact_rows = st.fixed_dictionaries(
    {
        "school_code": school_codes,
        "year": st.integers(2000, 2100),
        **{
            c.key: st.one_of(st.none(), percentages if c.key.endswith("_pct") else st.integers(0, 10**6))
            for c in FACT_COLUMNS[2:]
        },
    }
)


@given(fact_rows, st.booleans())
def test_it_reads_back_any_valid_facts_row_typed_or_as_excel_numbers(values, as_numbers):
    cells = _cells(FACT_COLUMNS, values)
    if as_numbers:  # Excel hands numbers over as int and float, not as text
        cells = [float(c) if isinstance(c, str) and "." in c else int(c) if isinstance(c, str) and c.isdigit() else c for c in cells]

    parsed, problems = parse_cells(list(FACT_COLUMNS), cells)

    assert problems == []
    assert parsed == values


@given(st.decimals(allow_nan=False, allow_infinity=False, places=4).filter(lambda d: d < 0 or d > 100))
def test_it_refuses_any_percentage_outside_0_to_100(value):
    cells = ["2134000001", 2024] + [None] * (len(FACT_COLUMNS) - 2)
    index = next(i for i, c in enumerate(FACT_COLUMNS) if c.key == "wireless_coverage_pct")
    cells[index] = cell_text(value)

    _, problems = parse_cells(list(FACT_COLUMNS), cells)

    assert problems == [(index, "应为 0 到 100 之间的数（不带 % 号也可以）")]


def test_it_writes_decimals_without_exponents():
    assert cell_text(Decimal("100.00")) == "100"
    assert cell_text(2134000001.0) == "2134000001"
