"""The one batch-score routine: several indicators' scores saved at once, all or none, with
optimistic versions and one audit record per changed row. The school's self-assessment, the
county's scores and the experts' scores all save through ``save_score_rows``."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from campuseval.accounts.models import User
from campuseval.audit.services import Entry, audit_append, changed, entry_for, snapshot
from campuseval.campaigns import hooks
from campuseval.campaigns.rules import EditConflict, WorkflowError, check_length
from campuseval.engine import Indicator
from campuseval.engine import Rubric as EngineRubric


def parse_score(raw: Any, points: float, criteria: bool) -> Decimal | None:
    """A score from a form or the API: blank, or a number of half points from 0 to the points."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    try:
        value = Decimal(str(raw).strip())
    except InvalidOperation as exc:
        raise WorkflowError(f"“{raw}”不是数字") from exc
    if not value.is_finite():
        raise WorkflowError(f"“{raw}”不是数字")
    if value < 0 or value > Decimal(str(points)):
        raise WorkflowError(f"得分须在 0 到 {points:g} 之间")
    if criteria and value not in (0, 1):
        raise WorkflowError("达标型标准只能选“达到”（1）或“未达到”（0）")
    if (value * 2) % 1:
        raise WorkflowError("得分须为 0.5 的整数倍")
    return value


@dataclass(frozen=True)
class ScoreInput:
    """One indicator's score as a form, the API or an import gives it."""

    code: str
    score: Any
    clause_met: bool | None = None
    comment: str = ""
    expected_version: int = 0


def _indicator_value(rubric: EngineRubric, item: ScoreInput) -> tuple[Indicator, Decimal | None]:
    if item.code not in rubric.index:
        raise WorkflowError(f"评估标准中没有指标 {item.code}")
    indicator = rubric.indicator(item.code)
    try:
        return indicator, parse_score(item.score, indicator.points, rubric.kind == "criteria")
    except WorkflowError as exc:
        raise WorkflowError(f"指标 {item.code}：{exc}") from exc


def _locked_rows(model: Any, owner: dict[str, Any], items: Sequence[ScoreInput]) -> list[Any]:
    """The saved rows for the items' codes, locked, or a new row (version 0) where there is none."""
    codes = [item.code for item in items]
    repeated = sorted({code for code in codes if codes.count(code) > 1})
    if repeated:
        raise WorkflowError(f"指标 {'、'.join(repeated)} 出现了不止一次")
    # Their own rows only, in their own order: the models' default ordering goes through the
    # application to its campaign and regions, and a FOR UPDATE over those joins would lock
    # the campaign's row too (deadlocks with the audit chain's head, found by make load).
    locked = model.objects.select_for_update(of=("self",)).filter(**owner, code__in=codes).order_by("pk")
    saved = {row.code: row for row in locked}
    for row in saved.values():
        for name, value in owner.items():
            setattr(row, name, value)  # the owner is loaded once, not once per row's audit text
    return [saved.get(code) or model(**owner, code=code, version=0) for code in codes]


# apply(row, item, indicator, value, before): set the row's fields from the input.
Apply = Callable[[Any, ScoreInput, Indicator, "Decimal | None", dict[str, Any]], None]


def save_score_rows(
    *,
    comment_field: str = "comment",
    model: Any,
    owner: dict[str, Any],
    rubric: EngineRubric,
    items: Sequence[ScoreInput],
    fields: list[str],
    also_saved: Sequence[str] = (),
    apply: Apply,
    conflict: Callable[[ScoreInput, Any], str],
    region_code: str,
    by: User,
) -> list[Any]:
    """Check every item, then save them all: a stale version raises EditConflict (nothing saved)."""
    values = [_indicator_value(rubric, item) for item in items]
    for item in items:
        check_length(comment_field, item.comment or "", f"指标 {item.code}")
    rows = _locked_rows(model, owner, items)
    befores: list[tuple[bool, dict[str, Any]]] = []
    for item, (indicator, value), row in zip(items, values, rows, strict=True):
        if row.version != item.expected_version:
            raise EditConflict(conflict(item, row), row)
        before = snapshot(row, fields)
        apply(row, item, indicator, value, before)
        row.version += 1
        befores.append((row.pk is None, before))
    model.objects.bulk_create([row for row in rows if row.pk is None])
    for row, (created, _before) in zip(rows, befores, strict=True):
        if not created:
            row.save(update_fields=[*fields, *also_saved, "version", "updated_at"])
    entries: list[Entry] = []
    for row, (created, before) in zip(rows, befores, strict=True):
        old, new = changed(before, snapshot(row, fields))
        if new:
            action = "create" if created else "update"
            entries.append(entry_for(action, row, before=old or None, after=new, region_code=region_code))
    audit_append(entries, by=by)
    if "application" in owner:  # an expert's scores count once submitted (expert_submit)
        hooks.changed([owner["application"].pk])
    return rows
