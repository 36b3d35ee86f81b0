"""Writes the plan imports need beside ``plans.services`` (issue 9, the .xlsx imports): a
target's update, a construction task's update with its year, and a department made on first
mention. Each asks the rulebook where ``plans.services`` does, is one transaction and leaves an
audit record with ``by`` as the actor; nothing is written when nothing changes."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from campuseval.accounts.models import User
from campuseval.audit.services import audit_log, audited_update, snapshot
from campuseval.regions.models import Department, Region

from . import rules
from .models import ConstructionTask, Target

TARGET_FIELDS = (
    "text", "project", "value", "unit", "milestone", "year", "due", "group", "stated_rate", "lead_id",
    "all_districts",
)  # fmt: skip
TASK_FIELDS = ("year", "status", "started_on", "built_on", "accepted_on", "evidence")


def _changes(instance: Any, fields: dict[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in fields.items() if getattr(instance, name) != value}


@transaction.atomic
def target_update(*, by: User, target: Target, co: list[Department] | None = None, **fields: Any) -> bool:
    """Change a target of a plan that may be edited (rules.EDIT); ``co`` replaces its 配合处室.
    Returns whether anything changed."""
    rules.check(rules.EDIT, target.plan)
    unknown = set(fields) - set(TARGET_FIELDS)
    if unknown:
        raise ValueError(f"target_update does not change {sorted(unknown)}")
    changes = _changes(target, fields)
    if changes:
        audited_update(target, changes, tracked=list(changes), region_code=target.region.code, by=by)
    if co is None:
        return bool(changes)
    before = sorted(d.name for d in target.co.all())
    after = sorted(d.name for d in co)
    if before == after:
        return bool(changes)
    target.co.set(co)
    audit_log("update", target, before={"co": before}, after={"co": after}, region_code=target.region.code, by=by)
    return True


@transaction.atomic
def task_update(*, by: User, task: ConstructionTask, **fields: Any) -> bool:
    """Change a construction task, its planned year included (``plans.services.task_update``
    does not track the year). Returns whether anything changed."""
    unknown = set(fields) - set(TASK_FIELDS)
    if unknown:
        raise ValueError(f"task_update does not change {sorted(unknown)}")
    changes = _changes(task, fields)
    if changes:
        audited_update(task, changes, tracked=list(changes), region_code=task.school.county.code, by=by)
    return bool(changes)


@transaction.atomic
def department_ensure(*, by: User, region: Region, name: str) -> Department:
    """The bureau's department of that name, made when it is first named."""
    found = Department.objects.filter(region=region, name=name).first()
    if found is not None:
        return found
    department = Department(region=region, name=name)
    department.full_clean()
    department.save()
    audit_log("create", department, after=snapshot(department), region_code=region.code, by=by)
    return department
