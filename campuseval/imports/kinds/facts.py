"""School facts, by school and year; the columns are the engine's facts."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError

from campuseval.accounts.models import User
from campuseval.accounts.scope import is_admin
from campuseval.engine.facts import FACTS
from campuseval.imports.columns import Column, integer, percent, school_code, year
from campuseval.regions.models import SchoolFacts
from campuseval.regions.selectors import schools_for
from campuseval.regions.services import FactsValues, facts_import

from .base import Kind, Layout, Row, RowError, WriteResult, chunks

NUMBERS = SchoolFacts.NUMBER_FIELDS


def _fact_column(name: str) -> Column:
    if name.endswith("_pct"):
        return Column(name, FACTS[name], percent, empty=None, rule="0 到 100 之间的数，最多两位小数；不知道的留空")
    return Column(name, FACTS[name], integer(), empty=None, rule="非负整数；不知道的留空")


COLUMNS = (
    Column(
        "school_code",
        "学校标识码",
        school_code,
        required=True,
        rule="10 位学校标识码；学校须已在平台中且在您的管理范围内",
        text_format=True,
    ),
    Column("year", "年度", year, required=True, rule="四位年份，如 2024"),
    *(_fact_column(name) for name in NUMBERS),
)


class FactsKind(Kind):
    key = "facts"
    title = "学校基础数据"
    sheet = "学校基础数据"
    columns = COLUMNS
    reference_headers = ("学校名称",)
    example = {
        "school_code": "2134999901",
        "year": 2024,
        "classes": 18,
        "students": 720,
        "teachers": 48,
        "teacher_computers": 50,
        "student_computers": 90,
        "classrooms": 18,
        "multimedia_classrooms": 18,
        "internet_bandwidth_mbps": 1000,
        "backbone_bandwidth_mbps": 10000,
        "desktop_bandwidth_mbps": 1000,
        "wireless_coverage_pct": Decimal("95.5"),
        "video_retention_days": 30,
        "it_funds_share_pct": Decimal("8"),
        "teacher_space_pct": Decimal("100"),
        "student_space_pct": Decimal("85"),
        "teacher_resource_pct": Decimal("60"),
    }
    notes = (
        "每行是一所学校一个年度的数据，按“学校标识码 + 年度”识别：已有的更新，没有的新建。",
        "“学校名称”列只供核对，导入时忽略。百分比也可以用 Excel 的百分比格式填写（如 95.5%）。",
    )

    def may_import(self, user: User) -> bool:
        return is_admin(user)

    def check(self, rows: list[Row], layout: Layout, user: User) -> list[RowError]:
        errors = self.duplicates(rows, layout, "school_code", ["school_code", "year"], "同一学校同一年度")
        codes = {r.values["school_code"] for r in rows if r.ok("school_code")}
        schools = schools_for(user, write=True).in_bulk(codes, field_name="code")
        years = {r.values["year"] for r in rows if r.ok("year")}
        existing = {
            (f.school_id, f.year): f
            for chunk in chunks(schools.values())
            for f in SchoolFacts.objects.filter(school__in=chunk, year__in=years)
        }
        for row in rows:
            if not row.ok("school_code"):
                continue
            code = row.values["school_code"]
            school = schools.get(code)
            if school is None:
                errors.append(
                    layout.error(
                        row, "school_code", f"找不到学校标识码为 {code} 的学校，或该校不在您的管理范围内"
                    )
                )
                continue
            if not row.ok("year"):
                continue
            # The facts as they will be: stored values for the columns the file leaves out (or
            # could not read: those cells are reported already, the rest is checked still).
            stored = existing.get((school.pk, row.values["year"])) or SchoolFacts()
            readable = {n: row.values[n] for n in NUMBERS if row.ok(n)}
            facts = SchoolFacts(
                year=row.values["year"], **{n: readable.get(n, getattr(stored, n)) for n in NUMBERS}
            )
            try:
                facts.full_clean(
                    exclude=["school", *row.bad], validate_unique=False, validate_constraints=False
                )
            except ValidationError as exc:
                found = self.model_errors(row, layout, exc, {})
                errors += [e for e in found if e.header not in {layout.headers.get(k) for k in row.bad}]
        return errors

    def write(self, rows: list[Row], user: User) -> WriteResult:
        values: list[FactsValues] = [
            {
                "school_code": r.values["school_code"],
                "year": r.values["year"],
                "values": {n: r.values[n] for n in NUMBERS if n in r.values},
            }
            for r in rows
        ]
        return WriteResult(counts=facts_import(rows=values))
