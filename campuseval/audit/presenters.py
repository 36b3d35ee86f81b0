"""What the audit pages show: readable object types, field names and values, and diffs."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.apps import apps
from django.db import models

from campuseval.accounts.models import User
from campuseval.regions.models import Region

from .models import AuditRecord

# Keys that services write by hand rather than from a model field.
EXTRA_LABELS = {
    "password": "密码",
    "two_factor": "两步验证",
    "recovery_codes": "恢复码",
    "enrolment_code": "绑定码",
    "token": "接口令牌",
    "via": "途径",
    "initial_passwords": "待显示的初始密码",  # before they were sealed (imports 0004)
    "reason": "原因",
    "format": "格式",
    "count": "条数",
    "filters": "筛选条件",
}
EMPTY = "—"


@cache
def _model(object_type: str) -> type[models.Model] | None:
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


# What the trail records that is not a model of the product.
OTHER_TYPES = {"http.request": "访问请求", "demo.dataset": "演示数据"}


def object_type_label(object_type: str) -> str:
    model = _model(object_type)
    return str(model._meta.verbose_name) if model is not None else OTHER_TYPES.get(object_type, object_type)


def object_type_choices() -> list[tuple[str, str]]:
    """Every model of the product, by its Chinese name: what the trail can be about."""
    found = [
        (m._meta.label_lower, str(m._meta.verbose_name))
        for m in apps.get_models()
        if m._meta.app_config.name.startswith("campuseval.")
    ]
    return sorted(found, key=lambda pair: pair[1])


def _fields(model: type[models.Model] | None) -> dict[str, models.Field[Any, Any]]:
    if model is None:
        return {}
    by_name: dict[str, models.Field[Any, Any]] = {}
    for f in model._meta.concrete_fields:
        by_name[f.name] = f
        by_name[f.attname] = f
    return by_name


def field_label(key: str, field: models.Field[Any, Any] | None) -> str:
    if field is not None:
        return str(field.verbose_name)
    return EXTRA_LABELS.get(key, key)


def format_value(value: Any, field: models.Field[Any, Any] | None = None) -> str:
    """A stored JSON value as a reader wants it: names for codes and related objects."""
    if value is None or value == "":
        return EMPTY
    if isinstance(value, bool):
        return "是" if value else "否"
    if field is not None and field.is_relation and field.related_model is not None:
        try:
            target = field.related_model._base_manager.filter(pk=value).first()  # type: ignore[union-attr]
        except (TypeError, ValueError):
            return str(value)
        return f"{target}（#{value}）" if target is not None else f"#{value}（已不存在）"
    if field is not None and field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


@dataclass(frozen=True)
class DiffRow:
    field: str
    before: str
    after: str
    changed: bool


def diff_rows(record: AuditRecord) -> list[DiffRow]:
    """One row per field named in before or after, in the order they were written."""
    before, after = record.before or {}, record.after or {}
    fields = _fields(_model(record.object_type))
    keys = list(after) + [k for k in before if k not in after]
    rows = []
    for key in keys:
        field = fields.get(key)
        old = format_value(before.get(key), field) if record.before is not None else EMPTY
        new = format_value(after.get(key), field) if record.after is not None else EMPTY
        rows.append(DiffRow(field_label(key, field), old, new, old != new))
    return rows


def actor_full_names(records: Iterable[AuditRecord]) -> dict[int, str]:
    """The people behind the user names on a page of records, in one query."""
    ids = {r.actor_id for r in records if r.actor_id is not None}
    return dict(User.objects.filter(pk__in=ids).exclude(full_name="").values_list("pk", "full_name"))


def region_names(records: Iterable[AuditRecord]) -> dict[str, str]:
    codes = {r.region_code for r in records if r.region_code}
    return dict(Region.objects.filter(code__in=codes).values_list("code", "name"))


@dataclass(frozen=True)
class RecordRow:
    record: AuditRecord
    actor: str
    object_type: str
    region: str


def record_rows(records: list[AuditRecord]) -> list[RecordRow]:
    names, regions = actor_full_names(records), region_names(records)
    rows = []
    for r in records:
        full = names.get(r.actor_id) if r.actor_id is not None else None
        actor = f"{full}（{r.actor_name}）" if full else r.actor_name
        region = f"{regions[r.region_code]}（{r.region_code}）" if r.region_code in regions else r.region_code
        rows.append(RecordRow(r, actor, object_type_label(r.object_type), region))
    return rows
