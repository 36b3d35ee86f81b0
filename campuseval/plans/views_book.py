"""The 工作推进任务书 of a plan (Qingdao's task book): the page, and the book as .xlsx and .docx.

One row per target: 重点工程, 指标, 目标, 牵头处室, 配合处室, 截止时间, 最新进展 (the latest accepted
report) and 状态, as of today. The plan comes through ``plans.access`` behind the gate "plans";
the rows from ``plans.presenters.task_book_rows``, the files from ``plans.exports``."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from campuseval.accounts.gates import gate_required
from campuseval.exporting import DOCX, XLSX, attachment

from . import access, exports
from .presenters import task_book_rows

plans_readers = gate_required("plans")


def _title(title: str) -> str:
    return f"{title}工作推进任务书"


@plans_readers
@require_GET
def task_book(request: HttpRequest, pk: int) -> HttpResponse:
    plan = access.plan_for_viewer(request.user, pk)
    today = timezone.localdate()
    context = {"plan": plan, "today": today, "rows": task_book_rows(plan, today), "title": _title(plan.title)}
    return render(request, "plans/task_book.html", context)


@plans_readers
@require_GET
def task_book_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    plan = access.plan_for_viewer(request.user, pk)
    body = exports.task_book_xlsx(task_book_rows(plan, timezone.localdate()), _title(plan.title))
    return attachment(
        body, content_type=XLSX, filename=f"{_title(plan.title)}.xlsx", ascii_filename=f"plan-{plan.pk}-task-book.xlsx"
    )


@plans_readers
@require_GET
def task_book_docx(request: HttpRequest, pk: int) -> HttpResponse:
    plan = access.plan_for_viewer(request.user, pk)
    body = exports.task_book_docx(task_book_rows(plan, timezone.localdate()), _title(plan.title))
    return attachment(
        body, content_type=DOCX, filename=f"{_title(plan.title)}.docx", ascii_filename=f"plan-{plan.pk}-task-book.docx"
    )
