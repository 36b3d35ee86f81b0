"""Writes on regions, schools and school facts; each one leaves an audit record.

The single-object services serve the pages; the ``*_import`` services write one batch of an
import (validated beforehand, row by row, by :mod:`campuseval.imports`) with a fixed number of
queries, whatever the batch size, and one ``audit_append`` for the whole batch.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, NotRequired, TypedDict, TypeVar

from django.core.exceptions import ValidationError
from django.db import transaction

from campuseval.audit.services import (
    Entry,
    audit_append,
    audit_export,
    audit_log,
    audited_update,
    changed,
    entry_for,
    snapshot,
)

from .models import Region, School, SchoolFacts

REGION_FIELDS = ["code", "name", "level", "parent_id"]
SCHOOL_FIELDS = [
    "code",
    "name",
    "stage",
    "location",
    "county_id",
    "central_school_id",
    "address",
    "head_name",
    "contact_name",
    "contact_phone",
]
# What a school user may change on the own school (the rest is the county's record).
SCHOOL_CONTACT_FIELDS = ("address", "head_name", "contact_name", "contact_phone")
FACT_FIELDS = ["school_id", "year", *SchoolFacts.NUMBER_FIELDS]
FactNumber = int | Decimal | None

# Model validation without the checks that cost a query per row: foreign keys are resolved
# in bulk by the caller, and uniqueness is known from the bulk lookup.
_BULK_CLEAN = {"validate_unique": False, "validate_constraints": False}


T = TypeVar("T")


def _lookup(found: Mapping[str, T], code: str, what: str, row_code: str) -> T:
    # The import checked every reference already; this only guards against a changed database.
    if code not in found:
        raise ValidationError(f"{row_code}：找不到{what} {code}")
    return found[code]


@dataclass
class ImportCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def add(self, other: ImportCounts) -> None:
        self.created += other.created
        self.updated += other.updated
        self.unchanged += other.unchanged


# Regions --------------------------------------------------------------------------------------


def _has_dependants(region: Region) -> bool:
    return region.children.exists() or region.schools.exists()


@transaction.atomic
def region_create(*, code: str, name: str, level: str, parent: Region | None = None) -> Region:
    region = Region(code=code, name=name, level=level, parent=parent)
    region.full_clean()
    region.save()
    audit_log("create", region, after=snapshot(region, REGION_FIELDS), region_code=region.code)
    return region


@transaction.atomic
def region_update(*, region: Region, **fields: Any) -> Region:
    """Change a region; code, level and parent are fixed once it has sub-regions or schools."""
    unknown = [name for name in fields if name not in {"code", "name", "level", "parent"}]
    if unknown:
        raise ValueError(f"不能修改字段 {unknown[0]}")

    def fixed_once_used(old: dict[str, Any], new: dict[str, Any]) -> None:
        structural = [f for f in ("code", "level", "parent_id") if f in new]
        if structural and _has_dependants(region):
            raise ValidationError(
                {f.removesuffix("_id"): "该区域已有下级区域或学校，不能修改代码、级别或上级区域" for f in structural}
            )

    audited_update(region, fields, tracked=REGION_FIELDS, region_code=region.code, check=fixed_once_used)
    return region


class RegionValues(TypedDict):
    code: str
    name: str
    level: str
    parent_code: str


@transaction.atomic
def regions_import(*, rows: Sequence[RegionValues]) -> ImportCounts:
    """Create or update regions by code; parents come first, from the database or these rows."""
    counts = ImportCounts()
    codes = {r["code"] for r in rows} | {r["parent_code"] for r in rows if r["parent_code"]}
    known = Region.objects.in_bulk(codes, field_name="code")
    with_dependants = set(
        Region.objects.filter(children__isnull=False, code__in=codes).values_list("code", flat=True)
    ) | set(Region.objects.filter(schools__isnull=False, code__in=codes).values_list("code", flat=True))
    entries: list[Entry] = []
    for level in Region.Level:
        new: list[Region] = []
        updated: list[tuple[Region, dict[str, Any], dict[str, Any]]] = []
        for row in rows:
            if row["level"] != level:
                continue
            region = known.get(row["code"])
            before = snapshot(region, REGION_FIELDS) if region else None
            region = region or Region(code=row["code"])
            region.name, region.level = row["name"], row["level"]
            parent = row["parent_code"]
            region.parent = _lookup(known, parent, "上级区域", row["code"]) if parent else None
            try:
                region.full_clean(exclude=["parent"], **_BULK_CLEAN)
            except ValidationError as exc:
                raise ValidationError(f"行政区划代码 {row['code']}：{'；'.join(exc.messages)}") from exc
            if before is None:
                new.append(region)
                continue
            old, after = changed(before, snapshot(region, REGION_FIELDS))
            if not after:
                counts.unchanged += 1
            elif {"level", "parent_id"} & after.keys() and region.code in with_dependants:
                raise ValidationError(
                    f"行政区划代码 {region.code}：已有下级区域或学校，不能修改级别或上级区域"
                )
            else:
                updated.append((region, old, after))
        Region.objects.bulk_create(new, batch_size=500)
        Region.objects.bulk_update([u[0] for u in updated], ["name", "level", "parent"], batch_size=500)
        known.update({r.code: r for r in new})
        counts.created += len(new)
        counts.updated += len(updated)
        entries += [
            entry_for("create", r, after=snapshot(r, REGION_FIELDS), region_code=r.code) for r in new
        ]
        entries += [
            entry_for("update", r, before=old, after=after, region_code=r.code)
            for r, old, after in updated
        ]
    audit_append(entries)
    return counts


# Schools --------------------------------------------------------------------------------------


def _check_not_central(school: School) -> None:
    if school.is_teaching_point and school.pk and school.teaching_points.exists():
        raise ValidationError({"stage": "该校有下属教学点，不能改为教学点"})


@transaction.atomic
def school_create(
    *,
    code: str,
    name: str,
    stage: str,
    location: str,
    county: Region,
    central_school: School | None = None,
    address: str = "",
    head_name: str = "",
    contact_name: str = "",
    contact_phone: str = "",
) -> School:
    school = School(
        code=code,
        name=name,
        stage=stage,
        location=location,
        county=county,
        central_school=central_school,
        address=address,
        head_name=head_name,
        contact_name=contact_name,
        contact_phone=contact_phone,
    )
    school.full_clean()
    school.save()
    audit_log("create", school, after=snapshot(school, SCHOOL_FIELDS), region_code=county.code)
    return school


@transaction.atomic
def school_update(*, school: School, **fields: Any) -> School:
    """Change a school's profile; the 学校标识码 identifies it and is not changed here."""
    for name in fields:
        if name not in {f.removesuffix("_id") for f in SCHOOL_FIELDS} or name == "code":
            raise ValueError(f"不能修改字段 {name}")
    audited_update(
        school, fields, tracked=SCHOOL_FIELDS, region_code=fields["county"].code if "county" in fields else school.county.code,
        check=lambda old, new: _check_not_central(school),
    )
    return school


def school_export_log(*, count: int, filters: Mapping[str, str]) -> None:
    """Record that a list of schools left the platform, and under which filters."""
    audit_export(
        object_type=School._meta.label_lower,
        description=f"学校名单（{count} 所）",
        count=count,
        fmt="xlsx",
        filters=dict(filters),
        region_code=filters.get("county", "")[:6],
    )


class SchoolValues(TypedDict):
    code: str
    name: str
    stage: str
    location: str
    county_code: str
    central_school_code: str
    # Optional columns: a key that is absent leaves the school's value as it is.
    address: NotRequired[str]
    head_name: NotRequired[str]
    contact_name: NotRequired[str]
    contact_phone: NotRequired[str]


@transaction.atomic
def schools_import(*, rows: Sequence[SchoolValues]) -> ImportCounts:
    """Create or update schools by 学校标识码.

    A teaching point's central school is looked up by code in the database or among these
    rows (central schools are written first), so one file can bring both.
    """
    counts = ImportCounts()
    codes = {r["code"] for r in rows}
    central_codes = {r["central_school_code"] for r in rows if r["central_school_code"]}
    known = School.objects.select_related("county").in_bulk(codes | central_codes, field_name="code")
    counties = Region.objects.in_bulk({r["county_code"] for r in rows}, field_name="code")
    entries: list[Entry] = []
    points = [r for r in rows if r["stage"] == School.Stage.TEACHING_POINT]
    plain = [r for r in rows if r["stage"] != School.Stage.TEACHING_POINT]
    for phase in (plain, points):
        new: list[School] = []
        updated: list[tuple[School, dict[str, Any], dict[str, Any]]] = []
        for row in phase:
            school = known.get(row["code"])
            before = snapshot(school, SCHOOL_FIELDS) if school else None
            school = school or School(code=row["code"])
            school.name, school.stage, school.location = row["name"], row["stage"], row["location"]
            school.county = _lookup(counties, row["county_code"], "县（市、区）", row["code"])
            central = row["central_school_code"]
            school.central_school = _lookup(known, central, "中心校", row["code"]) if central else None
            for name in SCHOOL_CONTACT_FIELDS:
                if name in row:
                    setattr(school, name, row[name])  # type: ignore[literal-required]
            try:
                school.full_clean(exclude=["county", "central_school"], **_BULK_CLEAN)
            except ValidationError as exc:
                raise ValidationError(f"学校标识码 {row['code']}：{'；'.join(exc.messages)}") from exc
            if before is None:
                new.append(school)
                continue
            old, after = changed(before, snapshot(school, SCHOOL_FIELDS))
            if after:
                updated.append((school, old, after))
            else:
                counts.unchanged += 1
        School.objects.bulk_create(new, batch_size=500)
        fields = ["name", "stage", "location", "county", "central_school", *SCHOOL_CONTACT_FIELDS]
        School.objects.bulk_update([u[0] for u in updated], fields, batch_size=500)
        known.update({s.code: s for s in new})
        counts.created += len(new)
        counts.updated += len(updated)
        for school in new:
            after = snapshot(school, SCHOOL_FIELDS)
            entries.append(entry_for("create", school, after=after, region_code=school.county.code))
        for school, old, after in updated:
            entries.append(
                entry_for("update", school, before=old, after=after, region_code=school.county.code)
            )
    now_points = [r["code"] for r in points]
    if School.objects.filter(central_school__code__in=now_points).exists():
        raise ValidationError("有学校改为教学点，但它仍有下属教学点")
    audit_append(entries)
    return counts


# Facts ----------------------------------------------------------------------------------------


@transaction.atomic
def facts_save(*, school: School, year: int, values: Mapping[str, FactNumber]) -> SchoolFacts:
    """Create or change one school's facts for one year."""
    facts = SchoolFacts.objects.filter(school=school, year=year).first()
    before = snapshot(facts, FACT_FIELDS) if facts else None
    facts = facts or SchoolFacts(school=school, year=year)
    for name, value in values.items():
        if name not in SchoolFacts.NUMBER_FIELDS:
            raise ValueError(f"没有这项学校基础数据：{name}")
        setattr(facts, name, value)
    facts.full_clean()
    if before is None:
        facts.save()
        audit_log("create", facts, after=snapshot(facts, FACT_FIELDS), region_code=school.county.code)
        return facts
    old, new = changed(before, snapshot(facts, FACT_FIELDS))
    if new:
        facts.save(update_fields=list(new))
        audit_log("update", facts, before=old, after=new, region_code=school.county.code)
    return facts


class FactsValues(TypedDict):
    school_code: str
    year: int
    # Only the facts named here are set; the others keep their values.
    values: dict[str, FactNumber]


@transaction.atomic
def facts_import(*, rows: Sequence[FactsValues]) -> ImportCounts:
    """Create or update facts by school and year."""
    counts = ImportCounts()
    schools = School.objects.select_related("county").in_bulk(
        {r["school_code"] for r in rows}, field_name="code"
    )
    existing = {
        (f.school_id, f.year): f
        for f in SchoolFacts.objects.filter(
            school__in=list(schools.values()), year__in={r["year"] for r in rows}
        )
    }
    new: list[SchoolFacts] = []
    updated: list[tuple[SchoolFacts, dict[str, Any], dict[str, Any]]] = []
    for row in rows:
        school = _lookup(schools, row["school_code"], "学校", row["school_code"])
        facts = existing.get((school.pk, row["year"]))
        before = snapshot(facts, FACT_FIELDS) if facts else None
        facts = facts or SchoolFacts(school=school, year=row["year"])
        for name, value in row["values"].items():
            setattr(facts, name, value)
        try:
            facts.full_clean(exclude=["school"], **_BULK_CLEAN)
        except ValidationError as exc:
            raise ValidationError(
                f"学校标识码 {row['school_code']} {row['year']} 年：{'；'.join(exc.messages)}"
            ) from exc
        if before is None:
            new.append(facts)
            existing[(school.pk, row["year"])] = facts
            continue
        old, after = changed(before, snapshot(facts, FACT_FIELDS))
        if after:
            updated.append((facts, old, after))
        else:
            counts.unchanged += 1
    SchoolFacts.objects.bulk_create(new, batch_size=500)
    SchoolFacts.objects.bulk_update(
        [u[0] for u in updated], list(SchoolFacts.NUMBER_FIELDS), batch_size=500
    )
    counts.created, counts.updated = len(new), len(updated)
    entries = [
        entry_for("create", f, after=snapshot(f, FACT_FIELDS), region_code=f.school.county.code)
        for f in new
    ]
    entries += [
        entry_for("update", f, before=old, after=after, region_code=f.school.county.code)
        for f, old, after in updated
    ]
    audit_append(entries)
    return counts
