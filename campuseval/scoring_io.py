"""Read schools' scores and facts from CSV, and write results; no Django, no database.

Every problem in a file is collected and reported with its line; a file with any problem
gives no result at all.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from campuseval.engine import Rubric, SchoolInput, SchoolResult
from campuseval.engine.facts import FACTS, TEXT_FACTS, FactValue

SCORE_COLUMNS = ("school", "indicator", "score", "clause")
FACT_COLUMNS = ("school", "fact", "value")
RESULT_COLUMNS = ("school", "total", "tier", "missed_basic", "missed_demo", "warnings")


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


@dataclass
class _Table:
    name: str
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def _read_table(data: bytes, name: str, required: Iterable[str], optional: Iterable[str] = ()) -> _Table:
    text = _decode(data, name)
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
    header = [h.strip() for h in header]
    missing = [c for c in required if c not in header]
    for col in missing:
        table.problems.append(f"{name}:1: 缺少列“{col}”（表头应为 {','.join([*required, *optional])}）")
    unknown = [h for h in header if h and h not in (*required, *optional)]
    for col in unknown:
        table.problems.append(f"{name}:1: 未知的列“{col}”")
    if len(set(header)) != len(header):
        table.problems.append(f"{name}:1: 表头有重复的列")
    if table.problems:
        return table
    try:
        for row in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            if len(row) > len(header):
                table.problems.append(f"{name}:{line}: 列数多于表头（{len(row)} > {len(header)}）")
                continue
            values = {h: (row[i].strip() if i < len(row) else "") for i, h in enumerate(header)}
            table.rows.append((line, values))
    except csv.Error as exc:
        table.problems.append(f"{name}:{reader.line_num}: 不是有效的 CSV：{exc}")
    return table


def _number(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def read_scores(rubric: Rubric, data: bytes, name: str = "scores.csv") -> list[SchoolInput]:
    """Parse SCORES.csv (school,indicator,score,clause) into one input per school, in order."""
    table = _read_table(data, name, SCORE_COLUMNS[:3], SCORE_COLUMNS[3:])
    problems = table.problems
    scores: dict[str, dict[str, float]] = {}
    clauses: dict[str, dict[str, bool]] = {}
    seen: dict[tuple[str, str], int] = {}
    for line, row in table.rows:
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
        value = _number(raw)
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


def read_facts(data: bytes, name: str = "facts.csv") -> dict[str, dict[str, FactValue]]:
    """Parse FACTS.csv (school,fact,value): fact names are the ones rubric checks read."""
    table = _read_table(data, name, FACT_COLUMNS)
    problems = table.problems
    facts: dict[str, dict[str, FactValue]] = {}
    seen: dict[tuple[str, str], int] = {}
    for line, row in table.rows:
        where = f"{name}:{line}"
        school, fact, raw = row["school"], row["fact"], row["value"]
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
