"""For any rows, a score sheet merges exactly the runs of equal consecutive labels of each level
(in .xlsx and .docx alike) and keeps every row's points in the 分值 column."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from campuseval.filings.exports import ScoreSheet, SheetRow, score_sheet_docx, score_sheet_xlsx

from .samples import FIRST_ROW, document_of, sheet_of

LEVELS = 2
COLUMNS = ("一级指标", "二级指标", "分值", "得分", "备注")
label = st.sampled_from(["甲", "乙", "丙"])
rows = st.lists(st.tuples(label, label, st.integers(0, 20)), min_size=1, max_size=12)


def _runs(values: list[str]) -> list[tuple[int, int]]:
    """(first, last) index of each run of equal consecutive values, counted here independently."""
    found: list[tuple[int, int]] = []
    for i, value in enumerate(values):
        if i and value == values[i - 1]:
            found[-1] = (found[-1][0], i)
        else:
            found.append((i, i))
    return found


def _sheet(data) -> ScoreSheet:
    return ScoreSheet(title="t", head="h", columns=COLUMNS,
                      rows=tuple(SheetRow(labels=(a, b), points=float(p)) for a, b, p in data))


@settings(max_examples=60, deadline=None)
@given(rows)
def test_each_level_column_merges_exactly_the_runs_of_equal_labels(data):
    ws = sheet_of(score_sheet_xlsx(_sheet(data)))
    last = FIRST_ROW + len(data) - 1
    for level in range(LEVELS):
        labels = [row[level] for row in data]
        expected = {(FIRST_ROW + a, FIRST_ROW + b) for a, b in _runs(labels) if b > a}
        merged = {
            (r.min_row, r.max_row) for r in ws.merged_cells.ranges
            if r.min_col == r.max_col == level + 1 and FIRST_ROW <= r.min_row <= last
        }
        assert merged == expected
        for a, _b in _runs(labels):
            assert ws.cell(FIRST_ROW + a, level + 1).value == labels[a]
    assert [ws.cell(FIRST_ROW + n, LEVELS + 1).value for n in range(len(data))] == [p for _a, _b, p in data]


@settings(max_examples=30, deadline=None)
@given(rows)
def test_the_word_sheet_merges_the_same_runs_down_its_level_columns(data):
    table = document_of(score_sheet_docx(_sheet(data))).tables[0]
    for level in range(LEVELS):
        labels = [row[level] for row in data]
        for n in range(1, len(data)):
            same_cell = table.cell(n, level)._tc is table.cell(n + 1, level)._tc
            assert same_cell == (labels[n] == labels[n - 1])
    assert [table.cell(n + 1, LEVELS).text for n in range(len(data))] == [str(p) for _a, _b, p in data]
