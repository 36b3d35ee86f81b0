"""Schools, by 学校标识码; teaching points name their central school (maybe in the same file)."""

from __future__ import annotations

from typing import cast

from django.core.exceptions import ValidationError

from campuseval.accounts.models import User
from campuseval.accounts.scope import is_admin
from campuseval.imports.columns import Column, choice_column, phone, region_code, school_code, text
from campuseval.regions.exports import SCHOOL_HEADERS, SCHOOL_REFERENCE_HEADERS
from campuseval.regions.models import Region, School
from campuseval.regions.selectors import counties_for_write, schools_for
from campuseval.regions.services import SCHOOL_CONTACT_FIELDS, SchoolValues, schools_import

from .base import Kind, Layout, Row, RowError, WriteResult, chunks

STAGES = {s.label: s.value for s in School.Stage}
LOCATIONS = {"城镇": "urban", "乡村": "rural", "城市": "urban", "农村": "rural", "镇区": "urban"}
TP = School.Stage.TEACHING_POINT
H = SCHOOL_HEADERS

COLUMNS = (
    Column(
        "code",
        H["code"],
        school_code,
        required=True,
        rule="10 位数字：2 位学校类别码 + 2 位省代码 + 6 位序号，如 2134000001（21 = 小学）",
        text_format=True,
    ),
    Column("name", H["name"], text(100), required=True, rule="最多 100 个字"),
    choice_column("stage", H["stage"], STAGES, required=True),
    choice_column(
        "location", H["location"], LOCATIONS, required=True, rule="城镇 或 乡村（也可写 城市、农村）"
    ),
    Column(
        "county_code",
        H["county_code"],
        region_code,
        required=True,
        rule="学校所在县（市、区）的 6 位行政区划代码，须在您的管理范围内",
        text_format=True,
    ),
    Column(
        "central_school_code",
        H["central_school_code"],
        school_code,
        must_be_present=True,
        rule="仅教学点填写：所属中心校的学校标识码；中心校可以在同一文件中（写在前后均可）",
        text_format=True,
    ),
    Column("address", H["address"], text(200), rule="最多 200 个字"),
    Column("head_name", H["head_name"], text(50), rule="最多 50 个字"),
    Column("contact_name", H["contact_name"], text(50), rule="最多 50 个字"),
    Column(
        "contact_phone",
        H["contact_phone"],
        phone,
        rule="11 位手机号，或带区号的固定电话，如 0550-1234567",
        text_format=True,
    ),
)

RENAME = {"county": "county_code", "central_school": "central_school_code"}


class SchoolsKind(Kind):
    key = "schools"
    title = "学校"
    sheet = "学校"
    columns = COLUMNS
    reference_headers = tuple(SCHOOL_REFERENCE_HEADERS.values())
    example = {
        "code": "2134999901",
        "name": "示例县第一实验小学（虚构，请删除）",
        "stage": School.Stage.PRIMARY,
        "location": "urban",
        "county_code": "341102",
        "central_school_code": "",
        "address": "示例路 1 号",
        "head_name": "张三",
        "contact_name": "李四",
        "contact_phone": "0550-0000000",
    }
    notes = (
        "学校按“学校标识码”识别：已有的学校更新，没有的新建。",
        "教学点的“学段”填“教学点”，并填写所属中心校的学校标识码；其他学校此列留空。",
        "从学校列表导出的文件可以直接修改后导入：其中“所属县（市、区）名称”“所属中心校名称”两列只供核对，导入时忽略。",
    )

    def may_import(self, user: User) -> bool:
        return is_admin(user)

    def check(self, rows: list[Row], layout: Layout, user: User) -> list[RowError]:
        errors = self.duplicates(rows, layout, "code", ["code"], "学校标识码")
        in_file = {r.values["code"]: r for r in rows if r.ok("code")}
        centrals = {
            r.values["central_school_code"]
            for r in rows
            if r.ok("central_school_code") and r.values["central_school_code"]
        }
        wanted = set(in_file) | centrals
        existing = School.objects.in_bulk(wanted, field_name="code")
        writable: set[str] = set()
        for chunk in chunks(wanted):
            scoped = schools_for(user, write=True).filter(code__in=chunk)
            writable.update(scoped.values_list("code", flat=True))
        county_codes = {r.values["county_code"] for r in rows if r.ok("county_code")}
        counties = Region.objects.in_bulk(county_codes, field_name="code")
        my_counties = set(
            counties_for_write(user).filter(code__in=county_codes).values_list("code", flat=True)
        )
        # A school that keeps teaching points (in the database, not moved by this file) cannot
        # become a teaching point itself.
        attached: list[tuple[str, str]] = []
        for chunk in chunks(in_file):
            points = School.objects.filter(central_school__code__in=chunk)
            attached += points.values_list("code", "central_school__code")
        moved = {c for c, r in in_file.items() if r.ok("central_school_code")}
        keeps_points = {central for code, central in attached if code not in moved}
        for row in rows:
            if not row.ok("code"):
                continue
            code = row.values["code"]
            row_errors: list[RowError] = []
            if code in existing and code not in writable:
                row_errors.append(layout.error(row, "code", "该学校不在您的管理范围内，不能修改"))
            county = counties.get(row.values.get("county_code", ""))
            if row.ok("county_code"):
                row_errors += self._county_errors(row, layout, county, my_counties)
            central_code = row.values.get("central_school_code", "")
            unknown = central_code not in in_file and central_code not in writable
            if central_code and row.ok("central_school_code") and unknown:
                row_errors.append(
                    layout.error(
                        row,
                        "central_school_code",
                        f"找不到学校标识码为 {central_code} 的中心校（文件中和您的管理范围内都没有）",
                    )
                )
            if row.values.get("stage") == TP and code in keeps_points:
                row_errors.append(layout.error(row, "stage", "该校有下属教学点，不能改为教学点"))
            if not row_errors and not row.bad:
                central = None
                if central_code:
                    central = _as_checked(central_code, in_file, existing)
                row_errors += self._model_errors(row, layout, county, central, existing)
            errors += row_errors
        return errors

    @staticmethod
    def _county_errors(
        row: Row, layout: Layout, county: Region | None, my_counties: set[str]
    ) -> list[RowError]:
        code = row.values["county_code"]
        if county is None:
            message = f"找不到行政区划代码为 {code} 的县（市、区）"
        elif county.level != Region.Level.COUNTY:
            message = f"{code}（{county.name}）不是县（市、区）的代码"
        elif code not in my_counties:
            message = f"{county.name}（{code}）不在您的管理范围内"
        else:
            return []
        return [layout.error(row, "county_code", message)]

    def _model_errors(
        self,
        row: Row,
        layout: Layout,
        county: Region | None,
        central: School | None,
        existing: dict[str, School],
    ) -> list[RowError]:
        v = row.values
        school = School(
            pk=_checking_pk(v["code"], row.number, existing),
            code=v["code"],
            name=v["name"],
            stage=v["stage"],
            location=v["location"],
            county=county,
            central_school=central,
            **{k: v[k] for k in SCHOOL_CONTACT_FIELDS if k in v},
        )
        try:
            school.full_clean(
                exclude=["county", "central_school"], validate_unique=False, validate_constraints=False
            )
        except ValidationError as exc:
            return self.model_errors(row, layout, exc, RENAME)
        return []

    def order(self, rows: list[Row]) -> list[Row]:
        # Central schools before teaching points, so that a point's central school exists.
        return sorted(rows, key=lambda r: r.values["stage"] == TP)

    def write(self, rows: list[Row], user: User) -> WriteResult:
        values = [cast(SchoolValues, dict(r.values)) for r in rows]
        return WriteResult(counts=schools_import(rows=values))


def _checking_pk(code: str, row_number: int, existing: dict[str, School]) -> int:
    # Model.clean compares ids (a point attached to itself, a point without a central school):
    # a school not yet saved gets a negative stand-in id, used for checking only, never saved.
    return existing[code].pk if code in existing else -row_number


def _as_checked(code: str, in_file: dict[str, Row], existing: dict[str, School]) -> School:
    """The central school as it will be after the import: its row if it is in the file."""
    row = in_file.get(code)
    if row is None:
        return existing[code]
    return School(
        pk=_checking_pk(code, row.number, existing), code=code, stage=row.values.get("stage", "")
    )
