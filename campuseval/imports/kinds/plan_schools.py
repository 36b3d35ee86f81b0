"""A count plan's 建设任务明细表: the named schools of a category and year, as construction
tasks, with their status, dates and evidence. Matched by plan, category and school (a school has
one task per category of a plan): importing again updates, never duplicates.

Tasks are the plan's progress, moved on after the plan is published (as on the task table's
page), so the plan need not be editable; the category must be one the plan decomposes."""

from __future__ import annotations

import datetime as dt
from typing import Any

from campuseval.accounts.models import User
from campuseval.accounts.scope import is_admin
from campuseval.imports.columns import Column, choice_column, date_column, school_code, text, year
from campuseval.plans import rules
from campuseval.plans.models import ConstructionTask, Plan
from campuseval.plans.services import changes_of, task_add, task_update
from campuseval.plans.tables import categories
from campuseval.regions.models import School

from .base import Kind, Layout, Row, RowError, WriteResult, chunks
from .plan_common import PLAN_COLUMN, PlanLookup, year_error

STATUS = ConstructionTask.Status
STATUSES = {s.label: s.value for s in STATUS}
DONE = (STATUS.BUILT, STATUS.ACCEPTED)

COLUMNS = (
    PLAN_COLUMN,
    Column(
        "category", "类别", text(100), required=True,
        rule="建设任务的类别，须是该规划任务分解表中已有的类别（如 教学点智慧课堂）",
    ),  # fmt: skip
    Column("year", "年度", year, required=True, rule="计划建设的年度，四位年份，须在规划的起止年度内"),
    Column(
        "school_code", "学校标识码", school_code, required=True, text_format=True,
        rule="10 位学校标识码；学校须已在平台中，且在规划的制定区域内",
    ),  # fmt: skip
    choice_column("status", "状态", STATUSES, empty=STATUS.PLANNED, rule=f"可选值：{'、'.join(STATUSES)}；留空为 计划"),
    date_column("built_on", "建成日期", rule="日期，如 2024-09-01；状态为 建成 或 验收通过 时必填"),
    date_column("accepted_on", "验收日期", rule="日期，如 2024-11-30；状态为 验收通过 时必填，不早于建成日期"),
    Column("evidence", "佐证", text(300), rule="验收报告的文件名、文号或链接，最多 300 个字"),
)


class PlanSchoolsKind(Kind):
    key = "plan_schools"
    title = "建设任务明细表"
    sheet = "建设任务明细表"
    columns = COLUMNS
    example = {
        "plan": "示例市智慧学校建设规划（虚构，请删除）",
        "category": "教学点智慧课堂",
        "year": 2024,
        "school_code": "2134999901",
        "status": STATUS.BUILT,
        "built_on": dt.date(2024, 9, 1),
        "accepted_on": None,
        "evidence": "",
    }
    notes = (
        "计数规划中每所学校的建设任务：每行是一所学校一个类别的任务，按“规划名称 + 类别 + 学校标识码”识别，已有的更新"
        "（包括计划年度），没有的新建。",
        "请先导入该规划的建设任务分解表（或在规划中建好该类别的目标），再导入明细表。",
        "已发布的规划也可以导入明细表，用来更新已有任务的建设进度（在建、建成、验收通过），但不能新增学校或更改计划年度；"
        "因学校获认定而验收通过的任务不能改回。",
    )

    def may_import(self, user: User) -> bool:
        return is_admin(user)

    def check(self, rows: list[Row], layout: Layout, user: User) -> list[RowError]:
        errors: list[RowError] = []
        plans = PlanLookup(user, rows)
        schools = _schools(rows)
        stored = _tasks(plans.plans(), schools.values())
        kinds: dict[int, set[str]] = {}
        seen: dict[tuple[int, str, str], int] = {}
        for row in rows:
            plan, problem = plans.resolve(row, layout, editable=False)
            if problem:
                errors.append(problem)
            if plan is None:
                continue
            if row.ok("category"):
                known = kinds.setdefault(plan.pk, set(categories(plan)))
                if row.values["category"] not in known:
                    shown = "、".join(sorted(known)) or "无"
                    errors.append(
                        layout.error(
                            row, "category", f"规划中没有“{row.values['category']}”类别的建设任务分解（已有：{shown}）"
                        )
                    )
            if row.ok("year"):
                message = year_error(plan, row.values["year"])
                if message:
                    errors.append(layout.error(row, "year", message))
            if not row.ok("school_code"):
                continue
            code = row.values["school_code"]
            school = schools.get(code)
            if school is None:
                errors.append(layout.error(row, "school_code", f"找不到学校标识码为 {code} 的学校"))
                continue
            if plan.region_id not in (school.county_id, school.county.parent_id):
                errors.append(
                    layout.error(row, "school_code", f"{school.name}（{code}）不在规划的制定区域{plan.region.name}内")
                )
                continue
            if row.ok("category"):
                ident = (plan.pk, row.values["category"], code)
                if ident in seen:
                    errors.append(
                        layout.error(row, "school_code", f"与第 {seen[ident]} 行重复（同一规划同一类别每所学校只能有一行）")
                    )
                    continue
                seen[ident] = row.number
                task = stored.get((plan.pk, row.values["category"], school.pk))
                errors += _status_errors(row, layout, task)
                refused = rules.task_problem(
                    plan, task, year=row.values.get("year") if row.ok("year") else None,
                    status=row.values.get("status") if "status" in row.values else None,
                )
                if refused is not None:
                    column, message = refused
                    errors.append(layout.error(row, "school_code" if column == "school" else column, message))
        return errors

    def write(self, rows: list[Row], user: User) -> WriteResult:
        result = WriteResult()
        plans = PlanLookup(user, rows)
        schools = _schools(rows)
        stored = _tasks(plans.plans(), schools.values())
        for row in rows:
            plan = plans.get(row)
            assert plan is not None  # checked
            school = schools[row.values["school_code"]]
            category = row.values["category"]
            fields: dict[str, Any] = {
                k: row.values[k] for k in ("status", "built_on", "accepted_on", "evidence") if k in row.values
            }
            task = stored.get((plan.pk, category, school.pk))
            if task is None:
                stored[plan.pk, category, school.pk] = task_add(
                    by=user, plan=plan, school=school, category=category, year=row.values["year"], **fields
                )
                result.counts.created += 1
            elif changes := changes_of(task, {"year": row.values["year"], **fields}):
                task_update(by=user, task=task, **changes)
                result.counts.updated += 1
            else:
                result.counts.unchanged += 1
        return result


def _schools(rows: list[Row]) -> dict[str, School]:
    codes = {r.values["school_code"] for r in rows if r.ok("school_code")}
    found: dict[str, School] = {}
    for chunk in chunks(codes):
        found.update({s.code: s for s in School.objects.filter(code__in=chunk).select_related("county")})
    return found


def _tasks(plans: list[Plan], schools: Any) -> dict[tuple[int, str, int], ConstructionTask]:
    ids = [s.pk for s in schools]
    found: dict[tuple[int, str, int], ConstructionTask] = {}
    for chunk in chunks(ids):
        tasks = ConstructionTask.objects.filter(plan__in=plans, school_id__in=chunk).select_related("school__county")
        found.update({(t.plan_id, t.category, t.school_id): t for t in tasks})
    return found


def _status_errors(row: Row, layout: Layout, task: ConstructionTask | None) -> list[RowError]:
    """The task as it will be (the stored values for the columns the file leaves out) follows
    the task page's rules: built or accepted has a 建成日期, accepted a 验收日期 not before it."""
    keys = ("status", "built_on", "accepted_on")
    if any(k in row.bad for k in keys):
        return []
    current = task or ConstructionTask(status=STATUS.PLANNED)
    status, built, accepted = (row.values[k] if k in row.values else getattr(current, k) for k in keys)
    problems = ConstructionTask.date_problems(status, built, accepted)
    return [layout.error(row, name, message) for name, message in problems.items()]
