"""Read schools' scores and facts from CSV, and write results; no Django, no database.

Every problem in a file is collected and reported with its line; a file with any problem
gives no result at all.

SCORES.csv is read in one of two ways that give the same result:

- the *checked* reading (:func:`_checked_scores`): ``csv.reader``, every row checked in turn,
  every problem worded with its line and column. It is the definition of what a file means.
- the *fast* reading (:func:`_fast_columns`, :func:`_fast_scores`), for the plain files that
  spreadsheets write (no quotes, one line per row, every row with every column): the file is
  split at its commas once, as bytes, and each distinct text of a column (a school's name, an
  indicator code, a score such as ``1.5``) is decoded and checked once, not once per row; rows
  become indexes into numpy arrays. It gives up, returning None, at anything it cannot prove
  the checked reading would accept unchanged; the checked reading then runs and words the
  problems. So the messages only ever come from the checked reading.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import compress
from typing import Any

import numpy as np
import numpy.typing as npt

from campuseval.engine import Rubric, SchoolInput, SchoolResult, compile_rubric, score_arrays
from campuseval.engine.facts import FACTS, TEXT_FACTS, FactValue
from campuseval.engine.scoring import clause_vector, fact_warnings, score_vector

SCORE_COLUMNS = ("school", "indicator", "score", "clause")
FACT_COLUMNS = ("school", "fact", "value")
RESULT_COLUMNS = ("school", "total", "tier", "missed_basic", "missed_demo", "warnings")

Ints = npt.NDArray[np.intp]
Floats = npt.NDArray[np.float64]
Bools = npt.NDArray[np.bool_]


class InputError(Exception):
    """A CSV file with problems; ``problems`` holds one message per problem."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def _decode(data: bytes, name: str) -> str:
    if data.startswith(b"PK\x03\x04"):
        raise InputError([f"{name}: 这是 Excel 工作簿（.xlsx），不是 CSV；请在 Excel/WPS 中另存为“CSV UTF-8”"])
    try:
        # utf-8-sig reads Excel's "CSV UTF-8" (with a byte-order mark) like any other.
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(
            [f"{name}:{line}: 不是 UTF-8 编码的 CSV 文件（从这一行起无法解码）；请另存为“CSV UTF-8”"]
        ) from exc


def _number(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


# --- The checked reading: csv.reader, row by row ------------------------------------------


@dataclass
class _Table:
    name: str
    header: list[str] = field(default_factory=list)
    # (line, cells): one stripped cell per header column, "" for the ones a short row lacks.
    rows: list[tuple[int, list[str]]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def column(self, name: str) -> int | None:
        return self.header.index(name) if name in self.header else None


def _header_problems(
    header: list[str], name: str, required: Sequence[str], optional: Sequence[str]
) -> list[str]:
    problems = []
    for col in required:
        if col not in header:
            problems.append(f"{name}:1: 缺少列“{col}”（表头应为 {','.join([*required, *optional])}）")
    for col in header:
        if col and col not in (*required, *optional):
            problems.append(f"{name}:1: 未知的列“{col}”")
    if len(set(header)) != len(header):
        problems.append(f"{name}:1: 表头有重复的列")
    return problems


def _read_table(text: str, name: str, required: Sequence[str], optional: Sequence[str] = ()) -> _Table:
    table = _Table(name)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        table.problems.append(f"{name}:1: 文件是空的；第一行应为表头 {','.join(required)}")
        return table
    except csv.Error as exc:
        table.problems.append(f"{name}:1: 不是有效的 CSV：{exc}")
        return table
    table.header = [h.strip() for h in header]
    table.problems += _header_problems(table.header, name, required, optional)
    if table.problems:
        return table
    width = len(table.header)
    rows = table.rows
    try:
        for row in reader:
            cells = [cell.strip() for cell in row]
            if not any(cells):
                continue
            if len(cells) > width:
                table.problems.append(f"{name}:{reader.line_num}: 列数多于表头（{len(row)} > {width}）")
                continue
            if len(cells) < width:
                cells += [""] * (width - len(cells))
            rows.append((reader.line_num, cells))
    except csv.Error as exc:
        table.problems.append(f"{name}:{reader.line_num}: 不是有效的 CSV：{exc}")
    return table


def _checked_scores(rubric: Rubric, text: str, name: str) -> list[SchoolInput]:
    """SCORES.csv row by row: every problem worded with its line; raise InputError if any."""
    table = _read_table(text, name, SCORE_COLUMNS[:3], SCORE_COLUMNS[3:])
    problems = table.problems
    if not table.rows:  # a bad header reads no rows
        if problems:
            raise InputError(problems)
        return []
    i_school, i_code, i_score = (table.header.index(c) for c in SCORE_COLUMNS[:3])
    i_clause = table.column("clause")
    numbers: dict[str, float | None] = {}  # few distinct score texts: parse each once
    scores: dict[str, dict[str, float]] = {}
    clauses: dict[str, dict[str, bool]] = {}
    seen: dict[tuple[str, str], int] = {}
    for line, row in table.rows:
        where = f"{name}:{line}"
        school, code, raw = row[i_school], row[i_code], row[i_score]
        clause = row[i_clause] if i_clause is not None else ""
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
        if raw in numbers:
            value = numbers[raw]
        else:
            value = numbers[raw] = _number(raw)
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
        raise InputError(problems)
    return [SchoolInput(school=s, scores=scores[s], clauses=clauses[s]) for s in scores]


# --- The fast reading: split once, check each distinct text once --------------------------


CHUNK_BYTES = 1 << 20  # split this much of the file at a time: its cells stay in the CPU's caches


@dataclass(frozen=True)
class _Column:
    """One column of a file: its distinct (stripped) texts, and per row the number of its text."""

    texts: list[str]
    ids: Ints


class _Numbering(dict[bytes, int]):
    """Numbers cells in the order first met; ``new`` collects the cells met for the first time."""

    def __init__(self) -> None:
        super().__init__()
        self.new: list[bytes] = []

    def __missing__(self, cell: bytes) -> int:
        number = self[cell] = len(self)
        self.new.append(cell)
        return number

    def of(self, cells: list[bytes]) -> Ints:
        return np.fromiter(map(self.__getitem__, cells), dtype=np.intp, count=len(cells))


class _Texts:
    """Distinct stripped texts of one column, numbered as first met; None for a bad cell."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.numbers: dict[str, int] = {}
        self.seen: dict[bytes, int] = {}

    def number(self, raw: bytes) -> int | None:
        number = self.seen.get(raw)
        if number is not None:
            return number
        if b"\n" in raw:
            return None  # a row with fewer or more cells than the header
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            return None
        if len(text) >= self.limit:
            return None  # csv.reader would refuse the field
        number = self.seen[raw] = self.numbers.setdefault(text.strip(), len(self.numbers))
        return number


def _fast_header(data: bytes) -> tuple[bytes, list[str], int] | None:
    """The file without a byte-order mark and with LF line ends, its header, where its body
    starts; None if csv.reader might read it differently from a split at commas and LFs."""
    if data.startswith(b"PK\x03\x04") or b'"' in data:
        return None
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    if b"\r" in data:
        if data.count(b"\r") != data.count(b"\r\n"):
            return None  # a lone carriage return ends a line for csv
        data = data.replace(b"\r\n", b"\n")
    end = data.find(b"\n")
    if end < 0:
        return None
    try:
        raw_header = data[:end].decode("utf-8").split(",")
    except UnicodeDecodeError:
        return None
    if any(len(h) >= csv.field_size_limit() for h in raw_header):
        return None
    return data, [h.strip() for h in raw_header], end + 1


def _fast_columns(
    data: bytes, required: Sequence[str], optional: Sequence[str] = ()
) -> dict[str, _Column] | None:
    """The file's columns by header name, or None if it is not a plain file without problems.

    The body is split at every comma, a chunk of whole lines at a time (not at line ends), so
    the last cell of each row and the first of the next come as one *joined* cell: with N rows
    of W cells there are (W - 1) N + 1 cells, every (W - 1)th one holds exactly one line end
    and no other cell does. That proves every row has exactly W cells, with no per-row work:
    only each distinct cell is looked at.
    """
    plain = _fast_header(data)
    if plain is None:
        return None
    data, header, pos = plain
    width = len(header)
    if width < 3 or _header_problems(header, "", required, optional):
        return None
    stop = len(data)
    while stop > pos and data[stop - 1] == 10:
        stop -= 1  # trailing empty lines: blank rows, skipped
    if stop == pos:
        return None
    step = width - 1
    limit = csv.field_size_limit()
    middles = [_Numbering() for _ in range(1, step)]
    middle_ids: list[list[Ints]] = [[] for _ in middles]
    joined = _Numbering()
    joined_ids: list[Ints] = []
    firsts, lasts = _Texts(limit), _Texts(limit)
    joined_first: list[int] = []  # per distinct joined cell, the texts it holds
    joined_last: list[int] = []
    chunk_rows: list[int] = []
    chunk_first: list[int] = []  # per chunk, its first row's first cell and last row's last
    chunk_last: list[int] = []
    while pos < stop:
        end = data.find(b"\n", pos + CHUNK_BYTES) if pos + CHUNK_BYTES < stop else -1
        end = stop if end < 0 or end > stop else end
        cells = data[pos:end].split(b",")
        pos = end + 1
        if len(cells) == 1 or (len(cells) - 1) % step:
            return None
        chunk_rows.append((len(cells) - 1) // step)
        for j, (numbering, ids) in enumerate(zip(middles, middle_ids, strict=True), start=1):
            ids.append(numbering.of(cells[j::step]))
        joined_ids.append(joined.of(cells[step:-1:step]))
        # Texts are numbered in the order of the rows they first appear in.
        first = firsts.number(cells[0])
        if first is None:
            return None
        chunk_first.append(first)
        for cell in joined.new:
            last_raw, sep, first_raw = cell.partition(b"\n")
            ends_row, starts_row = lasts.number(last_raw), firsts.number(first_raw)
            if ends_row is None or starts_row is None or not sep:
                return None
            joined_last.append(ends_row)
            joined_first.append(starts_row)
        joined.new.clear()
        last = lasts.number(cells[-1])
        if last is None:
            return None
        chunk_last.append(last)
    columns = []
    for numbering, ids in zip(middles, middle_ids, strict=True):
        column = _middle_column(numbering, np.concatenate(ids), limit)
        if column is None:
            return None
        columns.append(column)
    # A chunk's first row takes its first column from the chunk's first cell, its last row
    # its last column from the chunk's last cell, and every other from a joined cell.
    rows = sum(chunk_rows)
    starts = np.cumsum([0, *chunk_rows[:-1]])
    ends = starts + np.array(chunk_rows) - 1
    every = np.concatenate(joined_ids)
    first_col = _spliced(rows, starts, chunk_first, np.array(joined_first, dtype=np.intp)[every])
    last_col = _spliced(rows, ends, chunk_last, np.array(joined_last, dtype=np.intp)[every])
    first_column = _Column(list(firsts.numbers), first_col)
    last_column = _Column(list(lasts.numbers), last_col)
    return dict(zip(header, [first_column, *columns, last_column], strict=True))


def _spliced(rows: int, at: Ints, values: list[int], rest: Ints) -> Ints:
    """``rows`` numbers: ``values`` at the positions ``at``, ``rest`` in order elsewhere."""
    out = np.empty(rows, dtype=np.intp)
    others = np.ones(rows, dtype=bool)
    others[at] = False
    out[at] = values
    out[others] = rest
    return out


def _middle_column(numbering: _Numbering, raw_ids: Ints, limit: int) -> _Column | None:
    texts = _Texts(limit)
    numbers = [texts.number(raw) for raw in numbering]
    if None in numbers:
        return None
    return _Column(list(texts.numbers), np.array(numbers, dtype=np.intp)[raw_ids])


@dataclass(frozen=True)
class ScoreTable:
    """SCORES.csv as arrays: one row per school in the order they first appear, one column per
    indicator in rubric order; an indicator with no row scores 0 and its clause is not met."""

    schools: list[str]
    scores: Floats  # (schools, indicators)
    clauses: Bools  # (schools, indicators)


def _table_of(rubric: Rubric, schools: Sequence[SchoolInput]) -> ScoreTable:
    m = len(rubric.indicators)
    return ScoreTable(
        [s.school for s in schools],
        np.array([score_vector(rubric, s.scores) for s in schools], dtype=np.float64).reshape(-1, m),
        np.array([clause_vector(rubric, s.clauses) for s in schools], dtype=bool).reshape(-1, m),
    )


def _fast_scores(rubric: Rubric, data: bytes) -> tuple[ScoreTable, Ints] | None:
    """The table and each row's place in it (school x indicators + indicator), or None if the
    file is not plain or has any problem (the checked reading then words them)."""
    cols = _fast_columns(data, SCORE_COLUMNS[:3], SCORE_COLUMNS[3:])
    if cols is None:
        return None
    school, ind, score = cols["school"], cols["indicator"], cols["score"]
    if "" in school.texts:
        return None  # a row without its school, or a blank row
    index = [rubric.index.get(code) for code in ind.texts]
    if None in index:
        return None
    numbers = [_number(text) for text in score.texts]
    if any(v is None or v < 0 or (rubric.kind == "criteria" and v not in (0, 1)) for v in numbers):
        return None
    m = len(rubric.indicators)
    iid = np.array(index, dtype=np.intp)[ind.ids]
    value = np.array(numbers, dtype=np.float64)[score.ids]
    if (value > np.array([i.points for i in rubric.indicators], dtype=np.float64)[iid]).any():
        return None
    clause = cols.get("clause")
    if clause is None:
        met = np.zeros(len(iid), dtype=bool)
    else:
        if any(text not in ("", "0", "1") for text in clause.texts):
            return None
        met = np.array([text == "1" for text in clause.texts], dtype=bool)[clause.ids]
        has_clause = np.array([i.has_clause for i in rubric.indicators], dtype=bool)
        if (met & ~has_clause[iid]).any():
            return None
    keys = school.ids * m + iid
    n = len(school.texts) * m
    given = np.zeros(n, dtype=bool)
    given[keys] = True
    if np.count_nonzero(given) != len(keys):
        return None  # a school and indicator twice
    scores = np.zeros(n, dtype=np.float64)
    scores[keys] = value
    clauses = np.zeros(n, dtype=bool)
    clauses[keys] = met
    table = ScoreTable(school.texts, scores.reshape(-1, m), clauses.reshape(-1, m))
    return table, keys


def _inputs_of(rubric: Rubric, table: ScoreTable, keys: Ints) -> list[SchoolInput]:
    """One input per school, its indicators in the order of the file's rows."""
    m = len(rubric.indicators)
    sid = keys // m
    if len(sid) > 1 and (np.diff(sid) < 0).any():
        keys = keys[np.argsort(sid, kind="stable")]
        sid = keys // m
    codes = [i.code for i in rubric.indicators]
    row_codes = list(map(codes.__getitem__, (keys % m).tolist()))
    values = table.scores.reshape(-1)[keys].tolist()
    mets = table.clauses.reshape(-1)[keys].tolist()
    bounds = np.searchsorted(sid, np.arange(len(table.schools) + 1)).tolist()
    out = []
    for s, name in enumerate(table.schools):
        a, b = bounds[s], bounds[s + 1]
        out.append(
            SchoolInput(
                school=name,
                scores=dict(zip(row_codes[a:b], values[a:b], strict=True)),
                clauses=dict(zip(row_codes[a:b], mets[a:b], strict=True)),
            )
        )
    return out


def read_scores(rubric: Rubric, data: bytes, name: str = "scores.csv") -> list[SchoolInput]:
    """Parse SCORES.csv (school,indicator,score,clause) into one input per school, in order."""
    fast = _fast_scores(rubric, data)
    if fast is not None:
        return _inputs_of(rubric, *fast)
    return _checked_scores(rubric, _decode(data, name), name)


def read_score_table(rubric: Rubric, data: bytes, name: str = "scores.csv") -> ScoreTable:
    """Parse SCORES.csv into arrays (what :func:`read_scores` gives, laid out for the batch
    scorer); raise InputError with the same messages."""
    fast = _fast_scores(rubric, data)
    if fast is not None:
        return fast[0]
    return _table_of(rubric, _checked_scores(rubric, _decode(data, name), name))


def read_facts(data: bytes, name: str = "facts.csv") -> dict[str, dict[str, FactValue]]:
    """Parse FACTS.csv (school,fact,value): fact names are the ones rubric checks read."""
    table = _read_table(_decode(data, name), name, FACT_COLUMNS)
    problems = table.problems
    facts: dict[str, dict[str, FactValue]] = {}
    if not table.rows:  # a bad header reads no rows
        if problems:
            raise InputError(problems)
        return facts
    seen: dict[tuple[str, str], int] = {}
    i_school, i_fact, i_value = (table.header.index(c) for c in FACT_COLUMNS)
    for line, row in table.rows:
        where = f"{name}:{line}"
        school, fact, raw = row[i_school], row[i_fact], row[i_value]
        if not school:
            problems.append(f"{where}: 学校（school）为空")
            continue
        if fact not in FACTS:
            problems.append(f"{where}: 未知的学校数据“{fact}”；可用的有：{', '.join(FACTS)}")
            continue
        if (school, fact) in seen:
            problems.append(f"{where}: 学校“{school}”的数据 {fact} 重复（第 {seen[school, fact]} 行已有）")
            continue
        seen[school, fact] = line
        if fact in TEXT_FACTS:
            facts.setdefault(school, {})[fact] = raw
            continue
        value = _number(raw)
        if value is None:
            problems.append(f"{where}: 学校数据 {fact} 的值“{raw}”不是数字")
        elif value < 0:
            problems.append(f"{where}: 学校数据 {fact} 的值 {raw} 小于 0")
        else:
            facts.setdefault(school, {})[fact] = value
    if problems:
        raise InputError(problems)
    return facts


# --- Results ------------------------------------------------------------------------------


def format_points(value: float) -> str:
    """87 for whole points, 87.5 for halves, at most four decimals for combined means."""
    rounded = round(value, 4)
    return str(int(rounded)) if rounded == int(rounded) else f"{rounded:.4f}".rstrip("0")


def results_csv(results: Iterable[SchoolResult]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(RESULT_COLUMNS)
    for r in results:
        writer.writerow(
            [
                r.school,
                format_points(r.total),
                r.tier_name,
                ";".join(r.basic_missed),
                ";".join(r.demo_missed),
                ";".join(w.message for w in r.warnings),
            ]
        )
    return out.getvalue()


def _joined_codes(codes: list[str], missed: Bools) -> list[str]:
    """Per school (row of ``missed``), its missed indicators' codes joined by ';'; schools
    share a few patterns, so each pattern is joined once."""
    packed = np.packbits(missed, axis=1)
    width = packed.shape[1]
    flat = packed.tobytes()
    joined: dict[bytes, str] = {}
    out = []
    for start in range(0, len(flat), width):
        pattern = flat[start : start + width]
        text = joined.get(pattern)
        if text is None:
            row = np.unpackbits(np.frombuffer(pattern, dtype=np.uint8))[: len(codes)]
            text = joined[pattern] = ";".join(compress(codes, row.tolist()))
        out.append(text)
    return out


def score_table_csv(
    rubric: Rubric, table: ScoreTable, facts: Mapping[str, Mapping[str, FactValue]] | None = None
) -> str:
    """The CSV output for a table, scored in one batch: equal to
    ``results_csv(score_schools(rubric, inputs, path=False))`` for the same schools (with the
    same facts and no applied tier)."""
    facts = facts or {}
    compiled = compile_rubric(rubric)
    batch = score_arrays(compiled, table.scores, table.clauses)
    codes = [i.code for i in rubric.indicators]
    missed = {
        kind: _joined_codes(codes, batch.missed[kind] & compiled.has_req[kind])
        for kind in ("basic", "demo")
    }
    totals = batch.total.tolist()
    formatted = {t: format_points(t) for t in set(totals)}
    names = [rubric.no_tier, *(t.name for t in reversed(rubric.tiers))]
    warnings = [""] * len(table.schools)
    for n, school in enumerate(table.schools):
        school_facts = facts.get(school)
        if school_facts:
            found = fact_warnings(rubric, table.scores[n].tolist(), school_facts)
            warnings[n] = ";".join(w.message for w in found)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(RESULT_COLUMNS)
    writer.writerows(
        zip(
            table.schools,
            map(formatted.__getitem__, totals),
            map(names.__getitem__, batch.rank.tolist()),
            missed["basic"],
            missed["demo"],
            warnings,
            strict=True,
        )
    )
    return out.getvalue()


def result_dict(r: SchoolResult) -> dict[str, Any]:
    path = r.next_tier
    return {
        "school": r.school,
        "total": r.total,
        "tier": r.tier_name,
        "uncapped_tier": r.uncapped_tier,
        "area_totals": r.area_totals,
        "subarea_totals": r.subarea_totals,
        "basic_met": list(r.basic_met),
        "missed_basic": list(r.basic_missed),
        "demo_met": list(r.demo_met),
        "missed_demo": list(r.demo_missed),
        "warnings": [{"indicator": w.code, "check": w.check, "message": w.message} for w in r.warnings],
        "next_tier": None
        if path is None
        else {
            "target": path.target,
            "reachable": path.reachable,
            "steps": [
                {
                    "indicator": s.code,
                    "from": s.from_score,
                    "to": s.to_score,
                    "raise_by": s.to_score - s.from_score,
                    "clause_met": s.set_clause,
                }
                for s in path.steps
            ],
        },
    }


def results_json(results: Iterable[SchoolResult]) -> str:
    return json.dumps([result_dict(r) for r in results], ensure_ascii=False, indent=2) + "\n"
