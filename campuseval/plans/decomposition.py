"""A count plan's task decomposition (任务分解表): counts per county and year, and the cumulative
completion rate (完成率) each year reaches. Pure: standard library only, no Django.

The input is ``PLAN.csv`` with the header ``region,category,total,year,planned``: one row per
county (``region``), construction category (``category``, e.g. 教学点智慧课堂) and year, with
the county's total for the category (``total``, 合计数) and what it builds that year
(``planned``, 建设数). Chuzhou's overall plan is shipped in ``data/``.

- ``decompose`` gives each row its cumulative count and rate, plus one ``合计`` row per
  category and year (``campuseval progress PLAN.csv`` prints them as CSV);
- ``task_table`` gives the table as bureaus print it: per group (贫困地区 / 其他地区) one row per
  county, a 小计 row per group, and a 全市合计 row; years as columns (建设数, 完成率).

A rate is the whole percent rounded half up (2/3 is 67%). A bureau's own table may print
another value (Chuzhou's 附件1 gives 天长市 2/3 as 66%): ``task_table`` takes those ``stated``
rates and keeps both in the cell, so a page can show the disagreement; nothing corrects it.
Stated rates are keyed by the row's label as printed: the county, ``<group>小计`` for a
group's 小计 row (``贫困地区小计``), ``全市合计`` for the whole city.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, localcontext
from pathlib import Path
from typing import Literal

PLAN_COLUMNS = ("region", "category", "total", "year", "planned")
PROGRESS_COLUMNS = ("region", "category", "year", "planned", "cumulative", "total", "rate")
GROUP_COLUMNS = ("category", "region", "group")
STATED_COLUMNS = ("category", "region", "year", "rate")
SCHOOL_COLUMNS = ("category", "region", "school")

TOTAL_REGION = "合计"  # the region of decompose's sum rows
CITY_TOTAL_LABEL = "全市合计"  # the label of task_table's last row
SUBTOTAL_LABEL = "小计"
UNGROUPED = "未分组"  # the group of a county that ``groups`` does not name
RESERVED_REGIONS = (TOTAL_REGION, CITY_TOTAL_LABEL, SUBTOTAL_LABEL)
FIRST_YEAR, LAST_YEAR = 1900, 2100

DATA_DIR = Path(__file__).resolve().parent / "data"

# What each column is called in messages: the Chinese of the printed table, then the header.
COLUMN_NAMES = {
    "region": "县（市、区）（region）",
    "category": "建设类别（category）",
    "total": "合计数（total）",
    "year": "年份（year）",
    "planned": "建设数（planned）",
    "group": "地区类别（group）",
    "rate": "完成率（rate）",
    "school": "学校名称（school）",
}


class PlanInputError(Exception):
    """A plan file with problems; ``problems`` holds one message per problem."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class PlanRow:
    region: str
    category: str
    total: int  # the region's 合计数 for the category
    year: int
    planned: int  # 建设数 in that year


@dataclass(frozen=True)
class ProgressRow:
    region: str
    category: str
    year: int
    planned: int
    cumulative: int  # planned over the category's years up to and including this one
    total: int
    rate: int | None  # rate(cumulative, total); None when total is 0


# --- rates -----------------------------------------------------------------------------------


def rate(part: int, whole: int) -> int | None:
    """``part`` of ``whole`` as a whole percent, rounded half up; None when ``whole`` is 0."""
    if whole == 0:
        return None
    numerator = part * 100
    # Enough digits that the quotient is exact up to the rounding digit: a quotient that is not
    # exactly a half lies at least 1/(2*whole) away from one.
    digits = len(str(abs(numerator))) + len(str(abs(whole))) + 4
    with localcontext() as ctx:
        ctx.prec = digits
        quotient = Decimal(numerator) / Decimal(whole)
        return int(quotient.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def format_rate(value: int | None) -> str:
    return "" if value is None else f"{value}%"


# --- reading CSV -----------------------------------------------------------------------------


def _decode(data: bytes, source: str) -> str:
    if data.startswith(b"PK\x03\x04"):
        raise PlanInputError(
            [f"{source}: 这是 Excel 工作簿（.xlsx），不是 CSV；请在 Excel/WPS 中另存为“CSV UTF-8”"]
        )
    try:
        # utf-8-sig reads Excel's and WPS's "CSV UTF-8" (with a byte-order mark) like any other.
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        utf8_line = data[: exc.start].count(b"\n") + 1
    try:
        # Chinese Excel's plain "CSV" is saved in the ANSI code page, GBK.
        return data.decode("gbk")
    except UnicodeDecodeError:
        raise PlanInputError(
            [
                f"{source}:{utf8_line}: 既不是 UTF-8 也不是 GBK 编码的 CSV 文件（从这一行起无法解码）；"
                "请另存为“CSV UTF-8”"
            ]
        ) from None


def _read_table(
    data: bytes, source: str, columns: Sequence[str]
) -> tuple[list[tuple[int, dict[str, str]]], list[str]]:
    """The rows (line number, values by column) and the problems of a CSV file with a header."""
    text = _decode(data, source)
    problems: list[str] = []
    rows: list[tuple[int, dict[str, str]]] = []
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        return rows, [f"{source}:1: 文件是空的；第一行应为表头 {','.join(columns)}"]
    except csv.Error as exc:
        return rows, [f"{source}:1: 不是有效的 CSV：{exc}"]
    header = [h.strip() for h in header]
    for col in columns:
        if col not in header:
            problems.append(f"{source}:1: 缺少列“{col}”（表头应为 {','.join(columns)}）")
    for col in header:
        if col and col not in columns:
            problems.append(f"{source}:1: 未知的列“{col}”（表头应为 {','.join(columns)}）")
    if len(set(header)) != len(header):
        problems.append(f"{source}:1: 表头有重复的列")
    if problems:
        return rows, problems
    try:
        for row in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            if len(row) > len(header):
                problems.append(f"{source}:{line}: 列数多于表头（{len(row)} > {len(header)}）")
                continue
            rows.append(
                (line, {h: (row[i].strip() if i < len(row) else "") for i, h in enumerate(header)})
            )
    except csv.Error as exc:
        problems.append(f"{source}:{reader.line_num}: 不是有效的 CSV：{exc}")
    return rows, problems


_INTEGER = re.compile(r"[+-]?[0-9]+(?:\.0*)?", re.ASCII)


def _integer(text: str) -> int | None:
    """A whole number as typed in a sheet: "11", "11.0", full-width "１１"; else None."""
    text = unicodedata.normalize("NFKC", text).strip()
    if not _INTEGER.fullmatch(text):
        return None
    return int(text.partition(".")[0])


def _field(where: str, row: Mapping[str, str], column: str, problems: list[str]) -> int | None:
    raw = row[column]
    name = COLUMN_NAMES[column]
    if raw == "":
        problems.append(f"{where}: {name}为空")
        return None
    value = _integer(raw)
    if value is None:
        problems.append(f"{where}: {name}“{raw}”不是整数")
        return None
    if value < 0:
        problems.append(f"{where}: {name}{value} 小于 0")
        return None
    return value


def _name(where: str, row: Mapping[str, str], column: str, problems: list[str]) -> str | None:
    value = row[column]
    if not value:
        problems.append(f"{where}: {COLUMN_NAMES[column]}为空")
        return None
    return value


def read_plan_csv(data: bytes, source: str) -> list[PlanRow]:
    """Parse PLAN.csv (region,category,total,year,planned); every problem is collected and the
    file gives no rows at all when it has any (``PlanInputError``)."""
    table, problems = _read_table(data, source, PLAN_COLUMNS)
    rows: list[PlanRow] = []
    lines: list[int] = []
    first: dict[tuple[str, str], tuple[int, int]] = {}  # (category, region) -> (line, total)
    seen: dict[tuple[str, str, int], int] = {}
    doubtful: set[tuple[str, str]] = set()  # a row of the region already has a problem
    for line, values in table:
        where = f"{source}:{line}"
        region = _name(where, values, "region", problems)
        category = _name(where, values, "category", problems)
        before = len(problems)
        total = _field(where, values, "total", problems)
        year = _field(where, values, "year", problems)
        planned = _field(where, values, "planned", problems)
        if region in RESERVED_REGIONS:
            problems.append(
                f"{where}: {COLUMN_NAMES['region']}不能是“{region}”：合计、小计行由系统计算"
            )
        if region is None or category is None:
            continue
        key = (category, region)
        if year is not None and not FIRST_YEAR <= year <= LAST_YEAR:
            problems.append(
                f"{where}: {COLUMN_NAMES['year']}{year} 不在 {FIRST_YEAR}–{LAST_YEAR} 之间"
            )
            year = None
        if year is not None:
            if (category, region, year) in seen:
                problems.append(
                    f"{where}: {region}“{category}”{year} 年重复（第 {seen[category, region, year]} 行已有）"
                )
                year = None
            else:
                seen[category, region, year] = line
        if total is not None:
            if key not in first:
                first[key] = (line, total)
            elif first[key][1] != total:
                first_line, first_total = first[key]
                problems.append(
                    f"{where}: {region}“{category}”的{COLUMN_NAMES['total']}{total} "
                    f"与第 {first_line} 行的 {first_total} 不同"
                )
                total = None
        if planned is not None and total is not None and planned > total:
            problems.append(
                f"{where}: {COLUMN_NAMES['planned']}{planned} 超过{region}的{COLUMN_NAMES['total']}{total}"
            )
            planned = None
        if len(problems) > before or total is None or year is None or planned is None:
            doubtful.add(key)
            continue
        rows.append(PlanRow(region, category, total, year, planned))
        lines.append(line)
    # Cumulative planned above the total, once per region, at the year it first goes over.
    by_region: dict[tuple[str, str], list[tuple[PlanRow, int]]] = {}
    for row, line in zip(rows, lines, strict=True):
        by_region.setdefault((row.category, row.region), []).append((row, line))
    for key, entries in by_region.items():
        if key in doubtful:
            continue
        cumulative = 0
        for row, line in sorted(entries, key=lambda e: e[0].year):
            cumulative += row.planned
            if cumulative > row.total:
                problems.append(
                    f"{source}:{line}: {row.region}“{row.category}”到 {row.year} 年累计建设数 "
                    f"{cumulative} 超过{COLUMN_NAMES['total']}{row.total}"
                )
                break
    if problems:
        raise PlanInputError(problems)
    return rows


def read_groups_csv(data: bytes, source: str) -> dict[str, dict[str, str]]:
    """GROUPS.csv (category,region,group): category -> region -> group (贫困地区, ...)."""
    table, problems = _read_table(data, source, GROUP_COLUMNS)
    groups: dict[str, dict[str, str]] = {}
    for line, values in table:
        where = f"{source}:{line}"
        names = [_name(where, values, c, problems) for c in GROUP_COLUMNS]
        category, region, group = names
        if category is None or region is None or group is None:
            continue
        if region in groups.get(category, {}):
            problems.append(f"{where}: {region}“{category}”重复")
            continue
        groups.setdefault(category, {})[region] = group
    if problems:
        raise PlanInputError(problems)
    return groups


def read_stated_csv(data: bytes, source: str) -> dict[str, dict[tuple[str, int], int]]:
    """STATED.csv (category,region,year,rate): the rates a bureau's table prints, as whole
    percents; category -> (row label, year) -> rate. ``rate`` may be "66" or "66%"."""
    table, problems = _read_table(data, source, STATED_COLUMNS)
    stated: dict[str, dict[tuple[str, int], int]] = {}
    for line, values in table:
        where = f"{source}:{line}"
        category = _name(where, values, "category", problems)
        region = _name(where, values, "region", problems)
        year = _field(where, values, "year", problems)
        value = _field(where, {"rate": values["rate"].removesuffix("%")}, "rate", problems)
        if category is None or region is None or year is None or value is None:
            continue
        if (region, year) in stated.get(category, {}):
            problems.append(f"{where}: {region}“{category}”{year} 年重复")
            continue
        stated.setdefault(category, {})[region, year] = value
    if problems:
        raise PlanInputError(problems)
    return stated


def read_schools_csv(data: bytes, source: str) -> list[tuple[str, str, str]]:
    """SCHOOLS.csv (category,region,school): the named schools of a year's 明细表, in order."""
    table, problems = _read_table(data, source, SCHOOL_COLUMNS)
    schools: list[tuple[str, str, str]] = []
    seen: dict[tuple[str, str, str], int] = {}
    for line, values in table:
        where = f"{source}:{line}"
        category, region, school = (_name(where, values, c, problems) for c in SCHOOL_COLUMNS)
        if category is None or region is None or school is None:
            continue
        if (category, region, school) in seen:
            problems.append(
                f"{where}: {region}的“{school}”重复（第 {seen[category, region, school]} 行已有）"
            )
            continue
        seen[category, region, school] = line
        schools.append((category, region, school))
    if problems:
        raise PlanInputError(problems)
    return schools


# --- progress --------------------------------------------------------------------------------


def _cumulative(rows: Iterable[PlanRow]) -> dict[tuple[str, str], list[tuple[int, int]]]:
    """(category, region) -> [(year, planned up to and including that year)], years ascending."""
    planned: dict[tuple[str, str], dict[int, int]] = {}
    for row in rows:
        years = planned.setdefault((row.category, row.region), {})
        years[row.year] = years.get(row.year, 0) + row.planned
    result: dict[tuple[str, str], list[tuple[int, int]]] = {}
    for key, years in planned.items():
        running = 0
        steps: list[tuple[int, int]] = []
        for year in sorted(years):
            running += years[year]
            steps.append((year, running))
        result[key] = steps
    return result


def _upto(steps: Sequence[tuple[int, int]], year: int) -> int:
    done = 0
    for step_year, cumulative in steps:
        if step_year > year:
            break
        done = cumulative
    return done


def decompose(rows: Sequence[PlanRow]) -> list[ProgressRow]:
    """Each row with its cumulative count and rate, in input order; then one ``合计`` row per
    category and year (first-seen order) summing planned, cumulative and total over the
    category's regions (a region without a row that year counts with what it has built)."""
    steps = _cumulative(rows)
    totals: dict[tuple[str, str], int] = {}
    regions: dict[str, list[str]] = {}
    years: dict[tuple[str, int], None] = {}
    for row in rows:
        if (row.category, row.region) not in totals:
            totals[row.category, row.region] = row.total
            regions.setdefault(row.category, []).append(row.region)
        years[row.category, row.year] = None
    result: list[ProgressRow] = []
    for row in rows:
        done = _upto(steps[row.category, row.region], row.year)
        result.append(
            ProgressRow(
                row.region,
                row.category,
                row.year,
                row.planned,
                done,
                row.total,
                rate(done, row.total),
            )
        )
    for category, year in years:
        planned = sum(r.planned for r in rows if r.category == category and r.year == year)
        done = sum(_upto(steps[category, region], year) for region in regions[category])
        total = sum(totals[category, region] for region in regions[category])
        result.append(
            ProgressRow(TOTAL_REGION, category, year, planned, done, total, rate(done, total))
        )
    return result


def progress_csv(rows: Iterable[ProgressRow]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(PROGRESS_COLUMNS)
    for r in rows:
        writer.writerow(
            [
                r.region,
                r.category,
                r.year,
                r.planned,
                r.cumulative,
                r.total,
                "" if r.rate is None else r.rate,
            ]
        )
    return out.getvalue()


# --- the printed table -----------------------------------------------------------------------

RowKind = Literal["region", "subtotal", "total"]


@dataclass(frozen=True)
class YearCell:
    year: int
    planned: int  # 建设数
    cumulative: int
    rate: int | None  # computed, half up; None when the row's total is 0
    stated: int | None = None  # the rate the bureau's own table prints, when given
    dash: bool = False  # nothing left to build (total 0 or already complete): printed ——

    @property
    def disagrees(self) -> bool:
        """The stated rate differs from the computed one."""
        return self.stated is not None and self.stated != self.rate


@dataclass(frozen=True)
class TaskRow:
    kind: RowKind
    label: str  # the county, 小计 or 全市合计
    group: str | None
    total: int  # 合计数
    cells: tuple[YearCell, ...]

    @property
    def key(self) -> str:
        """The label stated rates are looked up by: county, ``<group>小计`` or ``全市合计``."""
        if self.kind == "subtotal":
            return f"{self.group or ''}{SUBTOTAL_LABEL}"
        return self.label


@dataclass(frozen=True)
class TaskGroup:
    name: str | None  # None: the table has no groups (附件2)
    rows: tuple[TaskRow, ...]
    subtotal: TaskRow | None  # the group's 小计; None without groups


@dataclass(frozen=True)
class Disagreement:
    label: str  # TaskRow.key
    year: int
    computed: int | None
    stated: int


@dataclass(frozen=True)
class TaskTable:
    category: str
    years: tuple[int, ...]
    groups: tuple[TaskGroup, ...]
    total: TaskRow  # 全市合计
    total_label: str = "合计数"  # the 合计数 column's header (附件1: 教学点合计数)

    @property
    def grouped(self) -> bool:
        return any(g.name is not None for g in self.groups)

    def rows(self) -> list[TaskRow]:
        """Every row as printed: each group's counties and 小计, then 全市合计."""
        out: list[TaskRow] = []
        for group in self.groups:
            out.extend(group.rows)
            if group.subtotal is not None:
                out.append(group.subtotal)
        out.append(self.total)
        return out

    def disagreements(self) -> list[Disagreement]:
        return [
            Disagreement(row.key, cell.year, cell.rate, cell.stated)
            for row in self.rows()
            for cell in row.cells
            if cell.disagrees and cell.stated is not None
        ]


def _row(
    kind: RowKind,
    label: str,
    group: str | None,
    members: Sequence[str],
    planned: Mapping[tuple[str, int], int],
    totals: Mapping[str, int],
    years: Sequence[int],
    stated: Mapping[tuple[str, int], int],
) -> TaskRow:
    total = sum(totals[m] for m in members)
    key = f"{group or ''}{SUBTOTAL_LABEL}" if kind == "subtotal" else label
    cells: list[YearCell] = []
    done = 0
    for year in years:
        built = sum(planned.get((m, year), 0) for m in members)
        before = done
        done += built
        cells.append(
            YearCell(
                year=year,
                planned=built,
                cumulative=done,
                rate=rate(done, total),
                stated=stated.get((key, year)),
                dash=built == 0 and before >= total,
            )
        )
    return TaskRow(kind, label, group, total, tuple(cells))


def task_table(
    rows: Sequence[PlanRow],
    category: str,
    groups: Mapping[str, str] | None = None,
    stated: Mapping[tuple[str, int], int] | None = None,
    *,
    total_label: str = "合计数",
) -> TaskTable:
    """The category's 任务分解表: counties in input order, within ``groups`` (region -> group,
    groups in first-seen order; a county the mapping leaves out goes under 未分组) each with
    a 小计 row, then 全市合计; ``stated`` rates ((row label, year) -> percent) kept beside the
    computed ones."""
    mine = [r for r in rows if r.category == category]
    years = tuple(sorted({r.year for r in mine}))
    stated = stated or {}
    planned: dict[tuple[str, int], int] = {}
    totals: dict[str, int] = {}
    for r in mine:
        planned[r.region, r.year] = planned.get((r.region, r.year), 0) + r.planned
        totals.setdefault(r.region, r.total)
    regions = list(totals)
    members: dict[str | None, list[str]] = {}
    for region in regions:
        name = None if groups is None else groups.get(region, UNGROUPED)
        members.setdefault(name, []).append(region)
    table_groups: list[TaskGroup] = []
    for name, names in members.items():
        county_rows = tuple(
            _row("region", region, name, [region], planned, totals, years, stated)
            for region in names
        )
        subtotal = (
            None
            if name is None
            else _row("subtotal", SUBTOTAL_LABEL, name, names, planned, totals, years, stated)
        )
        table_groups.append(TaskGroup(name, county_rows, subtotal))
    total = _row("total", CITY_TOTAL_LABEL, None, regions, planned, totals, years, stated)
    return TaskTable(category, years, tuple(table_groups), total, total_label)
