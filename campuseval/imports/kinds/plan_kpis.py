"""An action plan's 指标 (Qingdao's 行动计划 layout): per 重点工程 its KPIs with their target
value or milestone, due date and the departments that lead and help (牵头处室, 配合处室). The
KPIs are reported (进度填报); a department not yet in the bureau is made as typed. Matched by
plan, 重点工程 and 指标: importing again updates, never duplicates."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Max

from campuseval.accounts.models import User
from campuseval.accounts.scope import is_admin
from campuseval.imports.columns import (
    Column,
    amount,
    date_column,
    name_list,
    show_names,
    text,
    yes_no_column,
)
from campuseval.plans.models import Plan, Target
from campuseval.plans.services import department_ensure, target_add, target_update
from campuseval.regions.models import Department

from .base import Kind, Layout, Row, RowError, WriteResult
from .plan_common import PLAN_COLUMN, PlanLookup, plan_end, plan_years

COLUMNS = (
    PLAN_COLUMN,
    Column(
        "project", "重点工程", text(100), must_be_present=True,
        rule="指标所属的重点工程（或任务），最多 100 个字；与“指标”一起识别一条指标",
    ),  # fmt: skip
    Column("text", "指标", text(300), required=True, rule="指标的表述，最多 300 个字"),
    Column("value", "目标值", amount, empty=None, rule="非负数，最多两位小数；不以数值计的指标留空并填写里程碑"),
    Column("unit", "单位", text(20), rule="如 %、所、个、门；最多 20 个字"),
    Column("milestone", "里程碑", text(300), rule="不以数值计的目标，如“出台智慧校园建设规范”；目标值留空时必填"),
    date_column("due", "截止日期", rule="日期，如 2024-12-31，须在规划的起止年度内；留空为规划最后一年的 12 月 31 日"),
    Column("lead", "牵头处室", text(100), rule="牵头的处室名称；平台中还没有的处室按所填名称新建"),
    Column(
        "co", "配合处室", name_list(100), empty=(), show=show_names,
        rule="配合的处室名称，多个用顿号“、”分隔；平台中还没有的处室按所填名称新建",
    ),  # fmt: skip
    yes_no_column("all_districts", "各区市分别落实", rule="是 或 否：各区（市）是否须分别落实该指标；留空为 否"),
)

# The model's fields as the file's columns, for its own validation messages.
RENAME = {"year": "due"}


class PlanKpisKind(Kind):
    key = "plan_kpis"
    title = "行动计划指标"
    sheet = "行动计划指标"
    columns = COLUMNS
    example = {
        "plan": "示例市智慧教育行动计划（虚构，请删除）",
        "project": "智慧校园建设工程",
        "text": "智慧校园达标率",
        "value": Decimal("90"),
        "unit": "%",
        "milestone": "",
        "due": dt.date(2024, 12, 31),
        "lead": "装备信息中心",
        "co": ("基础教育处", "职业教育处"),
        "all_districts": True,
    }
    notes = (
        "行动计划的指标：每行是一条指标，按“规划名称 + 重点工程 + 指标”识别，已有的更新，没有的新建；指标的进度由责任处室填报。",
        "规划须处于可修改的状态（草稿或退回修改）；已提交或已发布的规划不能导入。",
        "“牵头处室”“配合处室”填规划制定单位（教育局）的处室；平台中还没有的处室按所填名称新建，请注意名称写法一致。",
    )

    def may_import(self, user: User) -> bool:
        return is_admin(user)

    def check(self, rows: list[Row], layout: Layout, user: User) -> list[RowError]:
        errors: list[RowError] = []
        plans = PlanLookup(user, rows)
        stored = _stored(plans.plans())
        seen: dict[tuple[int, str, str], int] = {}
        for row in rows:
            plan, problem = plans.resolve(row, layout, editable=True)
            if problem:
                errors.append(problem)
            if plan is None:
                continue
            if row.ok("project", "text"):
                ident = (plan.pk, row.values["project"], row.values["text"])
                if ident in seen:
                    errors.append(
                        layout.error(row, "text", f"与第 {seen[ident]} 行重复（同一规划同一重点工程的指标只能出现一次）")
                    )
                    continue
                seen[ident] = row.number
            due = row.values.get("due") or plan_end(plan)
            if row.ok("due") and not plan.start_year <= due.year <= plan.end_year:
                errors.append(layout.error(row, "due", f"截止日期 {due} 不在规划年度（{plan_years(plan)}）内"))
            lead, co = row.values.get("lead", ""), row.values.get("co", ())
            if row.ok("lead", "co") and lead and lead in co:
                errors.append(layout.error(row, "co", f"“{lead}”已是牵头处室，不必再列为配合处室"))
            if not row.bad:
                existing = stored.get((plan.pk, row.values.get("project", ""), row.values["text"]))
                errors += self._model_errors(row, layout, plan, existing)
        return errors

    def _model_errors(self, row: Row, layout: Layout, plan: Plan, existing: Target | None) -> list[RowError]:
        """The KPI as it will be (stored values for the columns the file leaves out), checked by
        the model: a value or a milestone."""
        target = existing or Target()
        fields = _fields(row, plan, existing)
        candidate = Target(
            plan=plan, region=plan.region, kind=Target.Kind.KPI, measure=Target.Measure.REPORTED,
            **{name: fields.get(name, getattr(target, name)) for name in ("project", "text", "value", "unit", "milestone", "year", "due", "all_districts")},
        )  # fmt: skip
        try:
            candidate.full_clean(
                exclude=["plan", "parent", "region", "lead"], validate_unique=False, validate_constraints=False
            )
        except ValidationError as exc:
            return self.model_errors(row, layout, exc, RENAME)
        return []

    def write(self, rows: list[Row], user: User) -> WriteResult:
        result = WriteResult()
        plans = PlanLookup(user, rows)
        stored = _stored(plans.plans())
        departments: dict[tuple[int, str], Department] = {}

        def department(plan: Plan, name: str) -> Department:
            key = (plan.region_id, name)
            if key not in departments:
                departments[key] = department_ensure(by=user, region=plan.region, name=name)
            return departments[key]

        last: dict[int, int] = {}
        for row in rows:
            plan = plans.get(row)
            assert plan is not None  # checked
            ident = (plan.pk, row.values.get("project", ""), row.values["text"])
            existing = stored.get(ident)
            fields: dict[str, Any] = _fields(row, plan, existing)
            co = [department(plan, name) for name in row.values["co"]] if "co" in row.values else None
            if "lead" in row.values:
                fields["lead_id"] = department(plan, row.values["lead"]).pk if row.values["lead"] else None
            if existing is not None:
                changed = target_update(by=user, target=existing, co=co, **fields)
                result.counts.updated += changed
                result.counts.unchanged += not changed
                continue
            if plan.pk not in last:
                last[plan.pk] = plan.targets.aggregate(last=Max("order"))["last"] or 0
            last[plan.pk] += 1
            stored[ident] = target_add(
                by=user, plan=plan, region=plan.region, kind=Target.Kind.KPI, measure=Target.Measure.REPORTED,
                order=last[plan.pk], co=co, **fields,
            )  # fmt: skip
            result.counts.created += 1
        return result


def _stored(plans: list[Plan]) -> dict[tuple[int, str, str], Target]:
    found: dict[tuple[int, str, str], Target] = {}
    kpis = Target.objects.filter(plan__in=plans, kind=Target.Kind.KPI, parent__isnull=True)
    for target in kpis.select_related("plan", "region").order_by("-order", "-pk"):
        found[target.plan_id, target.project, target.text] = target  # the first by order wins
    return found


def _fields(row: Row, plan: Plan, existing: Target | None) -> dict[str, Any]:
    """The target's fields the row gives (a column left out keeps the stored value)."""
    v = row.values
    fields: dict[str, Any] = {k: v[k] for k in ("project", "text", "value", "unit", "milestone", "all_districts") if k in v}
    if "due" in v:
        fields["due"] = v["due"] or plan_end(plan)
        fields["year"] = fields["due"].year
    if existing is None:  # a new KPI: what the columns left out mean
        fields.setdefault("project", "")
        fields.setdefault("due", plan_end(plan))
        fields.setdefault("year", fields["due"].year)
        fields.setdefault("unit", "")
    return fields
