"""Chuzhou's overall plan, transcribed in campuseval/plans/data/chuzhou-*.csv.

The files are checked against each other and against the tables typed out in chuzhou_seed,
and, where the seed document is on this machine, against the seed itself: the two 任务分解表
cell by cell, and the 2019 明细表 untangled from its two-column layout.
"""

from __future__ import annotations

from collections import Counter

import pytest

from campuseval.plans.decomposition import (
    read_groups_csv,
    read_plan_csv,
    read_schools_csv,
    read_stated_csv,
)

from .chuzhou_seed import (
    GROUPS_CSV,
    OTHER,
    OTHER_SUBTOTAL,
    PLAN_CSV,
    POINTS,
    POOR,
    POOR_SUBTOTAL,
    RURAL,
    RURAL_ROWS,
    RURAL_TOTAL,
    SCHOOLS_2019,
    SCHOOLS_2019_TOTALS,
    SCHOOLS_CSV,
    SEED,
    STATED_CSV,
    YEARS,
)


def _plan():
    return read_plan_csv(PLAN_CSV.read_bytes(), PLAN_CSV.name)


def test_the_plan_has_every_county_category_and_year_once():
    rows = _plan()
    assert {r.category for r in rows} == {POINTS, RURAL}
    assert Counter((r.category, r.region) for r in rows) == {
        **{(POINTS, label): 4 for label, *_ in POOR + OTHER},
        **{(RURAL, label): 4 for label, *_ in RURAL_ROWS},
    }
    assert {r.year for r in rows} == set(YEARS)
    for category in (POINTS, RURAL):
        by_region = {}
        for r in rows:
            if r.category == category:
                by_region.setdefault(r.region, []).append(r)
        for region, entries in by_region.items():
            # The plan completes every county's total by 2022 (2022年……全覆盖).
            assert sum(r.planned for r in entries) == entries[0].total, region


def test_the_yearly_counts_are_the_plans_goals():
    # 三、建设目标: 2019 定远县 11 + other 9 教学点, 30 乡村学校; 2020 8 and 53; 2021 11 and 45.
    rows = _plan()

    def built(category, year, poor=None):
        return sum(
            r.planned
            for r in rows
            if r.category == category
            and r.year == year
            and (poor is None or (r.region == "定远县") == poor)
        )

    assert [built(POINTS, y, poor=False) for y in (2019, 2020, 2021)] == [9, 8, 11]
    assert built(POINTS, 2019, poor=True) == 11
    assert [built(RURAL, y) for y in (2019, 2020, 2021)] == [30, 53, 45]
    assert RURAL_TOTAL[1] == sum(total for _, total, _ in RURAL_ROWS)


def test_the_groups_are_the_seeds():
    groups = read_groups_csv(GROUPS_CSV.read_bytes(), GROUPS_CSV.name)
    assert groups == {
        POINTS: {label: "贫困地区" for label, *_ in POOR}
        | {label: "其他地区" for label, *_ in OTHER}
    }


def test_the_stated_rates_are_every_rate_the_seed_prints():
    stated = read_stated_csv(STATED_CSV.read_bytes(), STATED_CSV.name)
    printed = {
        POINTS: {
            (label, year): value
            for label, _, years in POOR + OTHER
            for year, (_, value) in zip(YEARS, years, strict=True)
            if value is not None
        },
        RURAL: {
            (label, year): value
            for label, _, years in [*RURAL_ROWS, RURAL_TOTAL]
            for year, (_, value) in zip(YEARS, years, strict=True)
            if value is not None
        },
    }
    printed[POINTS] |= {("贫困地区小计", 2019): 100}
    printed[POINTS] |= {
        ("其他地区小计", y): v for y, v in zip(YEARS, (16, 30, 50, 100), strict=True)
    }
    assert stated == printed
    assert stated[POINTS]["天长市", 2020] == 66


def test_the_2019_schools_match_the_counts():
    schools = read_schools_csv(SCHOOLS_CSV.read_bytes(), SCHOOLS_CSV.name)
    counts = Counter((category, region) for category, region, _ in schools)
    planned_2019 = {
        (r.category, r.region): r.planned for r in _plan() if r.year == 2019 and r.planned
    }
    assert dict(counts) == planned_2019
    for category, by_region in SCHOOLS_2019.items():
        assert {k[1]: v for k, v in counts.items() if k[0] == category} == by_region
    assert counts[POINTS, "定远县"] == SCHOOLS_2019_TOTALS[POINTS]["贫困地区"]
    others = sum(v for (c, region), v in counts.items() if c == POINTS and region != "定远县")
    assert others == SCHOOLS_2019_TOTALS[POINTS]["其他地区"]
    assert (
        sum(v for (c, _), v in counts.items() if c == RURAL) == SCHOOLS_2019_TOTALS[RURAL]["合计"]
    )
    assert len({school for _, _, school in schools}) == len(schools)


# --- against the seed itself -----------------------------------------------------------------

needs_seed = pytest.mark.skipif(
    not SEED.exists(), reason="the seed document is not on this machine"
)


def _lines():
    return SEED.read_text(encoding="utf-8").split("\n")


def _cells(start: str, end: str) -> list[str]:
    """The cells between two headings, one per line; an empty cell is an extra blank line."""
    lines = _lines()
    first = next(i for i, line in enumerate(lines) if line.strip() == start)
    last = next(i for i, line in enumerate(lines) if i > first and line.strip().startswith(end))
    cells: list[str] = []
    blank = 0
    for line in lines[first + 1 : last]:
        if line.strip():
            cells.append(" ".join(line.split()))  # 小  计 (with no-break spaces) is 小 计
            blank = 0
        else:
            blank += 1
            if blank >= 2:
                cells.append("")
    return cells


def _printed_rows(rows):
    out = []
    for label, total, years in rows:
        out += [label, str(total)]
        for planned, value in years:
            out += [
                "——" if planned is None else str(planned),
                "——" if value is None else f"{value}%",
            ]
    return out


@needs_seed
def test_the_seeds_tables_are_the_ones_typed_out():
    head = ["教学点合计数"] + [h for y in YEARS for h in (f"{y}年建设数", "完成率")]
    expected = ["贫困地区", *head, *_printed_rows([*POOR, POOR_SUBTOTAL]), "其他地区", *head]
    expected += _printed_rows([*OTHER, ("小 计", *OTHER_SUBTOTAL[1:])])
    assert [
        c for c in _cells("滁州市教学点智慧课堂建设任务分解表", "2019年教学点") if c
    ] == expected
    # 附件2's header as converted: "2021" and "建设数" became two cells, "2022" lost its 建设数.
    head2 = ["县市区", "合计数", "2019建设数", "完成率", "2020建设数", "完成率"]
    head2 += ["2021", "建设数", "完成率", "2022", "完成率"]
    cells = [c for c in _cells("滁州市乡村中小学智慧学校建设任务分解表", "2019年乡村") if c]
    assert cells == head2 + _printed_rows([*RURAL_ROWS, RURAL_TOTAL])


def _untangle(cells: list[str]) -> tuple[list[tuple[str, str]], dict[str, int], list[int]]:
    """The 明细表 prints two tables side by side; read row by row, the cells alternate between
    the left and the right half, each half's cells ending with its empty 备注 cell. A half is
    (county, count, school), (school) under the county above, or (合计, count)."""
    halves: list[list[str]] = [[]]
    for cell in cells:
        if cell == "":
            if halves[-1]:
                halves.append([])
        else:
            halves[-1].append(cell)
    halves = [h for h in halves if h]
    schools: list[tuple[str, str]] = []
    counts: dict[str, int] = {}
    totals: list[int] = []
    for side in (halves[0::2], halves[1::2]):
        county = ""
        for half in side:
            if half[0] == "合计":
                totals.append(int(half[1]))
                continue
            if len(half) == 3:
                # A county may start again at the top of the right half (凤阳县 11 in 附件2).
                county = half[0]
                assert counts.setdefault(county, int(half[1])) == int(half[1])
                half = half[2:]
            assert len(half) == 1, half
            schools.append((county, half[0]))
    return schools, counts, totals


@needs_seed
@pytest.mark.parametrize(
    ("category", "start", "end", "header"),
    [
        (POINTS, "2019年教学点智慧课堂建设任务明细表", "附件2", 8),
        (RURAL, "2019年乡村中小学智慧学校建设任务明细表", "服务热线", 8),
    ],
)
def test_the_schools_are_the_seeds_untangled(category, start, end, header):
    # After the two halves' headers (县市区 or 贫困地区/其他地区, 数量, 名称, 备注, twice).
    schools, counts, totals = _untangle(_body(_cells(start, end), header))
    assert counts == SCHOOLS_2019[category]
    assert sorted(totals) == sorted(SCHOOLS_2019_TOTALS[category].values())
    shipped = read_schools_csv(SCHOOLS_CSV.read_bytes(), SCHOOLS_CSV.name)
    mine = sorted((region, school) for c, region, school in shipped if c == category)
    assert mine == sorted(schools)
    assert Counter(region for region, _ in schools) == Counter(counts)  # each 小计 is its list


def _body(cells: list[str], header: int) -> list[str]:
    """The cells after the two header rows."""
    seen = 0
    for i, cell in enumerate(cells):
        if cell:
            seen += 1
        if seen == header:
            return cells[i + 1 :]
    raise AssertionError("no header")
