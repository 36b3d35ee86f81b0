"""The 任务分解表 of a count plan, in the seed's layout, from the plan's own rows: per category,
each county's yearly parts (建设数) and whole (合计数), the cumulative 完成率, and the same table
of what has been built. The computation is ``plans.decomposition`` (the ``campuseval progress``
command's), the file ``plans.exports``."""

from __future__ import annotations

from django.db.models import Count

from .decomposition import PlanRow, TaskTable, task_table
from .exports import task_table_xlsx
from .models import ConstructionTask, Plan, Target
from .progress import DONE_TASKS


def categories(plan: Plan) -> list[str]:
    """The construction-task categories the plan decomposes per county and year."""
    found = (
        plan.targets.filter(measure=Target.Measure.TASKS, parent__isnull=False)
        .exclude(category="")
        .values_list("category", flat=True)
    )
    return list(dict.fromkeys(found))


def _parts(plan: Plan, category: str) -> tuple[list[Target], list[Target]]:
    """The counties' wholes (cumulative) and yearly parts (not cumulative) of a category."""
    parts = list(
        plan.targets.filter(measure=Target.Measure.TASKS, category=category, parent__isnull=False)
        .select_related("region")
        .order_by("order", "pk")
    )
    return [t for t in parts if t.cumulative], [t for t in parts if not t.cumulative]


def plan_rows(plan: Plan, category: str) -> list[PlanRow]:
    wholes, yearly = _parts(plan, category)
    totals = {t.region_id: int(t.value or 0) for t in wholes}
    return [PlanRow(t.region.name, category, totals.get(t.region_id, 0), t.year, int(t.value or 0)) for t in yearly]


def done_rows(plan: Plan, category: str) -> list[PlanRow]:
    """What has been built (建成 or 验收通过), per county and planned year, in the same shape."""
    wholes, yearly = _parts(plan, category)
    totals = {t.region_id: int(t.value or 0) for t in wholes}
    built = {
        (r["school__county_id"], r["year"]): r["n"]
        for r in ConstructionTask.objects.filter(plan=plan, category=category, status__in=DONE_TASKS)
        .values("school__county_id", "year")
        .annotate(n=Count("id"))
        .order_by()
    }
    return [
        PlanRow(t.region.name, category, totals.get(t.region_id, 0), t.year, built.get((t.region_id, t.year), 0))
        for t in yearly
    ]


def _groups(plan: Plan, category: str) -> dict[str, str] | None:
    wholes, _yearly = _parts(plan, category)
    groups = {t.region.name: t.group for t in wholes if t.group}
    return groups or None


def _stated(plan: Plan, category: str) -> dict[tuple[str, int], int]:
    _wholes, yearly = _parts(plan, category)
    return {(t.region.name, t.year): t.stated_rate for t in yearly if t.stated_rate is not None}


def task_tables(plan: Plan, category: str) -> tuple[TaskTable, TaskTable]:
    """The planned 任务分解表 (with the plan's own stated rates where imported) and the built one."""
    groups = _groups(plan, category)
    planned = task_table(plan_rows(plan, category), category, groups, stated=_stated(plan, category))
    return planned, task_table(done_rows(plan, category), category, groups)


def named_schools(plan: Plan, category: str) -> list[ConstructionTask]:
    """The 明细表: every named school's task of the category, by year and county."""
    return list(
        ConstructionTask.objects.filter(plan=plan, category=category)
        .select_related("school__county")
        .order_by("year", "school__county__code", "school__code")
    )


def task_table_file(plan: Plan, category: str) -> bytes:
    planned, _done = task_tables(plan, category)
    return task_table_xlsx(planned, f"{plan.region.name}{category}建设任务分解表")
