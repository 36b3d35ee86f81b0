"""Regions (GB/T 2260), by code; a parent may be in the database or in the same file."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from campuseval.accounts.models import User
from campuseval.accounts.scope import is_platform_admin
from campuseval.imports.columns import Column, choice_column, region_code, text
from campuseval.regions.models import Region
from campuseval.regions.services import RegionValues, regions_import

from .base import Kind, Layout, Row, RowError, WriteResult

LEVELS = {
    "省": Region.Level.PROVINCE,
    "市": Region.Level.CITY,
    "县（市、区）": Region.Level.COUNTY,
    "省级": Region.Level.PROVINCE,
    "市级": Region.Level.CITY,
    "县级": Region.Level.COUNTY,
    "县": Region.Level.COUNTY,
    "区": Region.Level.COUNTY,
    "县级市": Region.Level.COUNTY,
}
DEPTH = {Region.Level.PROVINCE: 0, Region.Level.CITY: 1, Region.Level.COUNTY: 2}

COLUMNS = (
    Column(
        "code",
        "行政区划代码",
        region_code,
        required=True,
        rule="6 位 GB/T 2260 代码：省级以 0000 结尾，市级前 2 位同所属省，县级前 4 位同所属市",
        text_format=True,
    ),
    Column("name", "名称", text(50), required=True, rule="最多 50 个字"),
    choice_column(
        "level", "级别", LEVELS, required=True, rule="省、市 或 县（市、区）（也可写 县、区、县级市）"
    ),
    Column(
        "parent_code",
        "上级区域代码",
        region_code,
        must_be_present=True,
        rule="市填所属省的代码，县（市、区）填所属市的代码，省留空；上级可以在同一文件中",
        text_format=True,
    ),
)


class RegionsKind(Kind):
    key = "regions"
    title = "行政区域"
    sheet = "行政区域"
    columns = COLUMNS
    example = {"code": "349901", "name": "示例区（虚构，请删除）", "level": "county", "parent_code": "349900"}
    notes = ("行政区域按“行政区划代码”识别：已有的更新名称，没有的新建。已有下级区域或学校的区域不能改级别或上级。",)

    def may_import(self, user: User) -> bool:
        return is_platform_admin(user)

    def check(self, rows: list[Row], layout: Layout, user: User) -> list[RowError]:
        errors = self.duplicates(rows, layout, "code", ["code"], "行政区划代码")
        in_file = {r.values["code"]: r for r in rows if r.ok("code")}
        parents = {r.values["parent_code"] for r in rows if r.ok("parent_code")} - {""}
        existing = Region.objects.in_bulk(set(in_file) | parents, field_name="code")
        with_dependants = set(
            Region.objects.filter(code__in=in_file, children__isnull=False).values_list("code", flat=True)
        ) | set(Region.objects.filter(code__in=in_file, schools__isnull=False).values_list("code", flat=True))
        for row in rows:
            if row.bad:
                continue
            code, parent_code = row.values["code"], row.values["parent_code"]
            parent = None
            if parent_code:
                parent = _as_checked(parent_code, in_file, existing)
                if parent is None:
                    errors.append(
                        layout.error(row, "parent_code", f"找不到行政区划代码为 {parent_code} 的上级区域（文件中和平台中都没有）")
                    )
                    continue
            old = existing.get(code)
            if old is not None and code in with_dependants and (
                old.level != row.values["level"] or old.parent_id != (parent.pk if parent else None)
            ):
                errors.append(
                    layout.error(row, "level", "该区域已有下级区域或学校，不能修改级别或上级区域")
                )
                continue
            region = Region(code=code, name=row.values["name"], level=row.values["level"], parent=parent)
            try:
                region.full_clean(exclude=["parent"], validate_unique=False, validate_constraints=False)
            except ValidationError as exc:
                errors += self.model_errors(row, layout, exc, {"parent": "parent_code"})
        return errors

    def order(self, rows: list[Row]) -> list[Row]:
        return sorted(rows, key=lambda r: DEPTH[r.values["level"]])

    def write(self, rows: list[Row], user: User) -> WriteResult:
        values: list[RegionValues] = [
            {
                "code": r.values["code"],
                "name": r.values["name"],
                "level": r.values["level"],
                "parent_code": r.values["parent_code"],
            }
            for r in rows
        ]
        return WriteResult(counts=regions_import(rows=values))


def _as_checked(code: str, in_file: dict[str, Row], existing: dict[str, Region]) -> Region | None:
    """The parent as it will be after the import: its row if it is in the file."""
    row = in_file.get(code)
    if row is None:
        return existing.get(code)
    if row.bad:
        return existing.get(code)
    pk = existing[code].pk if code in existing else None
    return Region(pk=pk, code=code, name=row.values["name"], level=row.values["level"])
