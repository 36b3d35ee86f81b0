"""The plan pages: the list, one plan's status board (every target's progress, status, reason
and gap, with the county parts), and the 任务分解表 of a count plan (page and .xlsx).

Plans come through ``plans.access`` (404 outside scope); progress from ``plans.progress``."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from campuseval.accounts.gates import gate_required
from campuseval.exporting import XLSX, attachment

from . import access, tables
from .presenters import target_rows
from .progress import plan_progress

plans_readers = gate_required("plans")


@plans_readers
@require_GET
def plan_list(request: HttpRequest) -> HttpResponse:
    plans = list(access.plans_for(request.user))
    return render(request, "plans/list.html", {"plans": plans})


@plans_readers
@require_GET
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = access.plan_for_viewer(request.user, pk)
    context = {
        "plan": plan,
        "rows": target_rows(plan_progress(plan)),
        "categories": tables.categories(plan),
        "runs_it": access.runs(request.user, plan),
    }
    return render(request, "plans/detail.html", context)


@plans_readers
@require_GET
def task_table(request: HttpRequest, pk: int, category: str) -> HttpResponse:
    plan = access.plan_for_viewer(request.user, pk)
    planned, done = tables.task_tables(plan, category)
    return render(
        request, "plans/task_table.html",
        {"plan": plan, "category": category, "planned": planned, "done": done, "schools": tables.named_schools(plan, category)},
    )


@plans_readers
@require_GET
def task_table_file(request: HttpRequest, pk: int, category: str) -> HttpResponse:
    plan = access.plan_for_viewer(request.user, pk)
    content = tables.task_table_file(plan, category)
    return attachment(
        content, content_type=XLSX, filename=f"{plan.title}-{category}建设任务分解表.xlsx",
        ascii_filename=f"plan-{plan.pk}-tasks.xlsx",
    )
