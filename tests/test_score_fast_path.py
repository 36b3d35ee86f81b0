"""`campuseval score`'s fast reading of SCORES.csv gives what the plain reading gives (issue 12).

``reference_read_scores`` below is the straightforward reading the command had before issue 12
(``csv.reader`` into one dict per row, every row checked in turn), kept here as the
definition. On generated files (plain ones, and ones with quotes, CRLF, blank, short and long
rows, unknown indicators, duplicates, scores above the points, non-numbers, blanks) the
module's ``read_scores`` must give the same inputs, or the same messages in the same order;
the batch-scored CSV output must equal scoring school by school.
"""

from __future__ import annotations

import contextlib
import csv
import io
import math
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from campuseval import scoring_io
from campuseval.engine import Rubric, SchoolInput, score_school, score_schools
from campuseval.rubricfile.load import find_rubric, to_engine
from campuseval.scoring_io import (
    InputError,
    format_points,
    read_score_table,
    read_scores,
    results_csv,
    score_table_csv,
)

from .engine.strategies import rubrics

RUBRICS = {r: to_engine(find_rubric(r)) for r in ("taizhou-2022", "weifang-2022")}
NAME = "s.csv"


# --- The reference: the reading as it was, one dict per row --------------------------------


def reference_read_scores(rubric: Rubric, data: bytes, name: str = NAME) -> tuple[list[SchoolInput], list[str]]:
    """(inputs, problems): the pre-issue-12 reading, unchanged but for returning its problems."""
    if data.startswith(b"PK\x03\x04"):
        return [], [f"{name}: 这是 Excel 工作簿（.xlsx），不是 CSV；请在 Excel/WPS 中另存为“CSV UTF-8”"]
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return [], [f"{name}:{line}: 不是 UTF-8 编码的 CSV 文件（从这一行起无法解码）；请另存为“CSV UTF-8”"]
    required, optional = ("school", "indicator", "score"), ("clause",)
    problems: list[str] = []
    rows: list[tuple[int, dict[str, str]]] = []
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        return [], [f"{name}:1: 文件是空的；第一行应为表头 {','.join(required)}"]
    except csv.Error as exc:
        return [], [f"{name}:1: 不是有效的 CSV：{exc}"]
    header = [h.strip() for h in header]
    for col in required:
        if col not in header:
            problems.append(f"{name}:1: 缺少列“{col}”（表头应为 {','.join([*required, *optional])}）")
    for col in header:
        if col and col not in (*required, *optional):
            problems.append(f"{name}:1: 未知的列“{col}”")
    if len(set(header)) != len(header):
        problems.append(f"{name}:1: 表头有重复的列")
    if problems:
        return [], problems
    try:
        for row in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            if len(row) > len(header):
                problems.append(f"{name}:{line}: 列数多于表头（{len(row)} > {len(header)}）")
                continue
            rows.append((line, {h: (row[i].strip() if i < len(row) else "") for i, h in enumerate(header)}))
    except csv.Error as exc:
        problems.append(f"{name}:{reader.line_num}: 不是有效的 CSV：{exc}")
    scores: dict[str, dict[str, float]] = {}
    clauses: dict[str, dict[str, bool]] = {}
    seen: dict[tuple[str, str], int] = {}
    for line, row in rows:
        where = f"{name}:{line}"
        school, code, raw, clause = row["school"], row["indicator"], row["score"], row.get("clause", "")
        if not school:
            problems.append(f"{where}: 学校（school）为空")
            continue
        scores.setdefault(school, {})
        clauses.setdefault(school, {})
        if code not in rubric.index:
            problems.append(f"{where}: 未知的指标编码“{code}”（{rubric.id} 中没有）")
            continue
        if (school, code) in seen:
            problems.append(f"{where}: 学校“{school}”的指标 {code} 重复（第 {seen[school, code]} 行已有）")
            continue
        seen[school, code] = line
        ind = rubric.indicator(code)
        try:
            value: float | None = float(raw)
        except ValueError:
            value = None
        if value is not None and not math.isfinite(value):
            value = None
        if value is None:
            problems.append(f"{where}: 指标 {code} 的得分“{raw}”不是数字")
        elif value < 0:
            problems.append(f"{where}: 指标 {code} 的得分 {raw} 小于 0")
        elif value > ind.points:
            problems.append(f"{where}: 指标 {code} 的得分 {raw} 超过该指标分值 {ind.points:g}")
        elif rubric.kind == "criteria" and value not in (0, 1):
            problems.append(f"{where}: 指标 {code} 是达标型标准，得分只能是 1（达到）或 0（未达到），不是 {raw}")
        else:
            scores[school][code] = value
        if clause not in ("", "0", "1"):
            problems.append(f"{where}: 指标 {code} 的条款判断（clause）只能为空、1 或 0，不是“{clause}”")
        elif clause == "1" and not ind.has_clause:
            problems.append(f"{where}: 指标 {code} 没有条款，clause 应为空")
        else:
            clauses[school][code] = clause == "1"
    if problems:
        return [], problems
    return [SchoolInput(school=s, scores=scores[s], clauses=clauses[s]) for s in scores], []


# --- Generated files ----------------------------------------------------------------------

GOOD_SCHOOLS = ["S", "台州市第1号示例学校", "海陵区实验小学", " S2 ", "S3\u3000", "x\x00y"]
ODD_SCHOOLS = ["", "  ", "a,b", 'q"x', "two\nlines"]
GOOD_SCORES = {"points": ["0", "1", "2", "0.5", "1.5", "1.0", " 1 ", "01", "-0", "+1", "1e0"], "criteria": ["0", "1", " 1", "1.0"]}
BAD_SCORES = ["x", "", "-1", "nan", "inf", "5", "1e9", "两分", "0.5", "1,5"]
GOOD_CLAUSES = ["", "0", "1", " 1 "]
BAD_CLAUSES = ["是", "2", "1.0", "true"]


@contextlib.contextmanager
def chunk_bytes(size: int) -> Iterator[None]:
    """Split the fast reading's input in chunks of ``size`` bytes (to cross chunk borders)."""
    before = scoring_io.CHUNK_BYTES
    scoring_io.CHUNK_BYTES = size
    try:
        yield
    finally:
        scoring_io.CHUNK_BYTES = before


def encode(header: list[str], rows: list[list[str]], *, crlf: bool = False, bom: bool = False, quote_all: bool = False, trailing: str = "\n") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n" if crlf else "\n", quoting=csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL)
    writer.writerow(header)
    writer.writerows(rows)
    text = out.getvalue()
    if trailing != "\n":
        text = text.rstrip("\r\n") + trailing
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8")


@st.composite
def clean_files(draw: st.DrawFn, rubric: Rubric | None = None) -> tuple[Rubric, list[str], list[list[str]]]:
    """A file the reading accepts: known codes, each school and indicator once, fitting scores."""
    rubric = rubric or RUBRICS[draw(st.sampled_from(sorted(RUBRICS)))]
    columns = ["school", "indicator", "score"] + draw(st.sampled_from([["clause"], [], ["clause", ""]]))
    header = draw(st.permutations(columns))
    schools = draw(st.lists(st.sampled_from(GOOD_SCHOOLS), min_size=1, max_size=4, unique_by=str.strip))
    rows = []
    for school in schools:
        inds = draw(st.lists(st.sampled_from(rubric.indicators), min_size=1, max_size=8, unique_by=lambda i: i.code))
        for ind in inds:
            score = draw(st.sampled_from([t for t in GOOD_SCORES[rubric.kind] if float(t) <= ind.points]))
            clause = draw(st.sampled_from(GOOD_CLAUSES if ind.has_clause else ["", "0"]))
            cells = {"school": school, "indicator": ind.code, "score": score, "clause": clause, "": ""}
            rows.append([cells[h] for h in header])
    if draw(st.booleans()):
        rows = draw(st.permutations(rows))
    return rubric, list(header), list(rows)


@st.composite
def any_files(draw: st.DrawFn) -> tuple[Rubric, bytes]:
    """A clean file, then a few rows spoiled, and a few ways of writing it down."""
    rubric, header, rows = draw(clean_files())
    clean, rows = rows, [list(r) for r in rows]
    col = {h: i for i, h in enumerate(header)}
    for _ in range(draw(st.integers(0, 3))):
        k = draw(st.integers(0, len(rows)))
        kind = draw(st.sampled_from(["school", "indicator", "score", "clause", "duplicate", "blank", "short", "long"]))
        row = list(draw(st.sampled_from(clean)))
        if kind == "school":
            row[col["school"]] = draw(st.sampled_from(ODD_SCHOOLS))
        elif kind == "indicator":
            row[col["indicator"]] = draw(st.sampled_from(["9.9.9", "", " 1.1.1 ", "C1", "1.3.3"]))
        elif kind == "score":
            row[col["score"]] = draw(st.sampled_from(BAD_SCORES))
        elif kind == "clause" and "clause" in col:
            row[col["clause"]] = draw(st.sampled_from([*BAD_CLAUSES, "1", "1", "1"]))
        elif kind == "blank":
            row = [draw(st.sampled_from(["", " "])) for _ in row]
        elif kind == "short":
            row = row[: draw(st.integers(0, len(row) - 1))]
        elif kind == "long":
            row = [*row, draw(st.sampled_from(["", "x"]))]
        rows.insert(k, row)  # "duplicate" inserts the row unchanged
    data = encode(
        header,
        rows,
        crlf=draw(st.booleans()),
        bom=draw(st.booleans()),
        quote_all=draw(st.integers(0, 9)) == 0,
        trailing=draw(st.sampled_from(["\n", "\n", "", "\n\n\n", "\n \n"])),
    )
    if draw(st.integers(0, 19)) == 0:
        data = data.replace(b"\n", b"\r", 1)  # a lone carriage return
    return rubric, data


def outcome(rubric: Rubric, data: bytes) -> tuple[list[SchoolInput], list[str]]:
    try:
        return read_scores(rubric, data, NAME), []
    except InputError as exc:
        return [], exc.problems


def exactly(inputs: list[SchoolInput]) -> list[tuple[str, list[tuple[str, str]], list[tuple[str, bool]]]]:
    """Inputs with their dicts' order and the floats' signs (-0.0) made visible."""
    return [(s.school, [(c, repr(v)) for c, v in s.scores.items()], list(s.clauses.items())) for s in inputs]


# --- Properties ---------------------------------------------------------------------------


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(any_files(), st.sampled_from([1, 40, 1 << 20]))
def test_the_reading_equals_the_reference_on_good_and_bad_files(file, chunk):
    rubric, data = file
    with chunk_bytes(chunk):
        got_inputs, got_problems = outcome(rubric, data)
    want_inputs, want_problems = reference_read_scores(rubric, data)
    assert got_problems == want_problems
    assert exactly(got_inputs) == exactly(want_inputs)
    assert got_inputs == want_inputs


@settings(max_examples=150, deadline=None)
@given(clean_files(), st.booleans(), st.booleans(), st.sampled_from([1, 40, 1 << 20]))
def test_plain_files_take_the_fast_reading_and_give_the_same_inputs(file, crlf, bom, chunk):
    rubric, header, rows = file
    data = encode(header, rows, crlf=crlf, bom=bom)
    with chunk_bytes(chunk):
        fast = scoring_io._fast_scores(rubric, data)
        inputs = read_scores(rubric, data, NAME)
    assert fast is not None, "a plain, valid file should not need the row-by-row reading"
    want, problems = reference_read_scores(rubric, data)
    assert problems == []
    assert exactly(inputs) == exactly(want)


@settings(max_examples=150, deadline=None)
@given(any_files())
def test_the_table_scores_like_the_inputs_school_by_school(file):
    rubric, data = file
    want, problems = reference_read_scores(rubric, data)
    if problems:
        with pytest.raises(InputError) as exc:
            read_score_table(rubric, data, NAME)
        assert exc.value.problems == problems
        return
    table = read_score_table(rubric, data, NAME)
    assert table.schools == [s.school for s in want]
    assert score_table_csv(rubric, table) == results_csv(score_schools(rubric, want, path=False))


def facts_for(schools: list[str], draw: st.DrawFn) -> dict[str, dict[str, str | float]]:
    facts: dict[str, dict[str, str | float]] = {}
    for school in schools:
        if draw(st.booleans()):
            facts[school] = {
                "stage": draw(st.sampled_from(["小学", "初中", "高中"])),
                "students": float(draw(st.integers(100, 3000))),
                "student_computers": float(draw(st.integers(1, 400))),
                "internet_bandwidth_mbps": float(draw(st.sampled_from([10, 100, 1000]))),
            }
    return facts


@settings(max_examples=100, deadline=None)
@given(st.data())
def test_the_csv_output_equals_scoring_each_school_alone(data):
    """The columns `campuseval score` prints, from the batch, against ``score_school``."""
    rubric = data.draw(st.one_of(st.just(RUBRICS["taizhou-2022"]), st.just(RUBRICS["weifang-2022"]), rubrics(), rubrics(criteria=True)))
    _, header, rows = data.draw(clean_files(rubric))
    schools = read_scores(rubric, encode(header, rows), NAME)
    facts = facts_for([s.school for s in schools], data.draw)
    out = score_table_csv(rubric, read_score_table(rubric, encode(header, rows), NAME), facts)
    printed = list(csv.DictReader(io.StringIO(out)))
    assert [p["school"] for p in printed] == [s.school for s in schools]
    for p, s in zip(printed, schools, strict=True):
        alone = score_school(rubric, SchoolInput(s.school, s.scores, s.clauses, facts.get(s.school, {})), path=False)
        assert p["total"] == format_points(alone.total)
        assert p["tier"] == alone.tier_name
        assert p["missed_basic"] == ";".join(alone.basic_missed)
        assert p["missed_demo"] == ";".join(alone.demo_missed)
        assert p["warnings"] == ";".join(w.message for w in alone.warnings)


@settings(max_examples=150, deadline=None)
@given(clean_files(), st.data())
def test_a_bad_cell_is_named_by_its_line_and_column(file, data):
    rubric, header, rows = file
    col = {h: i for i, h in enumerate(header)}
    k = data.draw(st.integers(0, len(rows) - 1))
    line = k + 2  # the header is line 1
    rows = [list(r) for r in rows]
    code = rows[k][col["indicator"]]
    kind = data.draw(st.sampled_from(["school", "indicator", "above", "number", "blank", "clause", "no clause", "duplicate"]))
    if kind == "no clause" and ("clause" not in col or rubric.indicator(code).has_clause):
        kind = "duplicate"
    if kind == "school":
        rows[k][col["school"]] = " "
        expected = [f"{NAME}:{line}: 学校（school）为空"]
    elif kind == "indicator":
        rows[k][col["indicator"]] = "9.9.9"
        expected = [f"{NAME}:{line}: 未知的指标编码“9.9.9”（{rubric.id} 中没有）"]
    elif kind == "above":
        points = rubric.indicator(code).points
        rows[k][col["score"]] = f"{points + 1:g}"
        expected = [f"{NAME}:{line}: 指标 {code} 的得分 {points + 1:g} 超过该指标分值 {points:g}"]
    elif kind in ("number", "blank"):
        rows[k][col["score"]] = "两分" if kind == "number" else ""
        expected = [f"{NAME}:{line}: 指标 {code} 的得分“{rows[k][col['score']]}”不是数字"]
    elif kind == "clause" and "clause" in col:
        rows[k][col["clause"]] = "是"
        expected = [f"{NAME}:{line}: 指标 {code} 的条款判断（clause）只能为空、1 或 0，不是“是”"]
    elif kind == "no clause":
        rows[k][col["clause"]] = "1"
        expected = [f"{NAME}:{line}: 指标 {code} 没有条款，clause 应为空"]
    else:
        rows.append(list(rows[k]))
        school = rows[k][col["school"]].strip()
        expected = [f"{NAME}:{len(rows) + 1}: 学校“{school}”的指标 {code} 重复（第 {line} 行已有）"]
    with pytest.raises(InputError) as exc:
        read_scores(rubric, encode(header, rows), NAME)
    assert exc.value.problems == expected


def test_files_the_fast_reading_leaves_to_the_row_by_row_reading():
    rubric = RUBRICS["taizhou-2022"]
    header = "school,indicator,score,clause\n"
    for text in [
        header + '"S,1",1.1.1,1,\n',  # a quoted cell
        header + "S,1.1.1,1,\n\nS,1.1.2,1,\n",  # a blank line
        header + "S,1.1.1,1\n",  # a short row
        header + "S,1.1.1,1,,\n",  # a long row
        header + "S,1.1.1,1,\rS,1.1.2,1,\n",  # a lone carriage return
        header,  # no rows
        header + "S,1.1.1,3,\n",  # a score above the points
        header + "S,1.1.1,1,1\n",  # a clause judged for an indicator without one
        header + "S,1.1.1,1,\nS,1.1.1,1,\n",  # a school and indicator twice
    ]:
        data = text.encode()
        assert scoring_io._fast_scores(rubric, data) is None, text
        assert outcome(rubric, data) == reference_read_scores(rubric, data)
