"""The plan pages: the list, one plan's status board (every target's progress, status, reason
and gap, with the county parts), and the 任务分解表 of a count plan (page and .xlsx).

Plans come through ``plans.access`` (404 outside scope); progress from ``plans.progress``."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from campuseval.accounts import scope
from campuseval.accounts.gates import gate_required
from campuseval.accounts.scope import is_admin
from campuseval.exporting import XLSX, attachment

from . import access, rules, tables
from .due import reports_due
from .forms import AsOfForm
from .models import ConstructionTask
from .presenters import has_kpi_targets, kpi_rows, pending_reports, plan_actions, target_rows
from .progress import plan_progress

plans_readers = gate_required("plans")


@plans_readers
@require_GET
def plan_list(request: HttpRequest) -> HttpResponse:
    plans = list(access.plans_for(request.user))
    return render(request, "plans/list.html", {"plans": plans, "may_import": is_admin(request.user)})


@plans_readers
@require_GET
def my_kpis(request: HttpRequest) -> HttpResponse:
    """我的指标: the KPIs the user's departments lead or co-own, with progress, the last report
    and what is due; the lead department reports from here."""
    targets = list(access.department_targets(request.user))
    reportable = access.reportable_ids(request.user, among=targets)
    due = {t.pk for t in reports_due(access.led_targets(request.user))}
    rows = kpi_rows(targets, reportable, due, timezone.localdate())
    return render(request, "plans/my_kpis.html", {"rows": rows, "has_department": bool(scope.department_ids(request.user))})


@plans_readers
@require_GET
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = access.plan_for_viewer(request.user, pk)
    dated = AsOfForm(request.GET or None)
    as_of = dated.cleaned_data.get("as_of") if dated.is_valid() else None
    runs_it = access.runs(request.user, plan)
    rows = target_rows(plan_progress(plan, as_of))
    context = {
        "plan": plan,
        "dated": dated,
        "as_of": as_of,
        "rows": rows,
        "has_kpis": has_kpi_targets(rows),
        "categories": tables.categories(plan),
        "runs_it": runs_it,
        "actions": plan_actions(plan) if runs_it else [],
        "may_add_targets": runs_it and rules.allowed(rules.EDIT, plan),
        "reportable": access.reportable_ids(request.user, plan),
        "pending": pending_reports(plan) if runs_it else [],
    }
    return render(request, "plans/detail.html", context, status=400 if dated.errors else 200)


@plans_readers
@require_GET
def task_table(request: HttpRequest, pk: int, category: str) -> HttpResponse:
    plan = access.plan_for_viewer(request.user, pk)
    planned, done = tables.task_tables(plan, category)
    return render(
        request, "plans/task_table.html",
        {
            "plan": plan, "category": category, "planned": planned, "done": done,
            "schools": tables.named_schools(plan, category), "runs_it": access.runs(request.user, plan),
            "statuses": ConstructionTask.Status.choices,
        },
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
