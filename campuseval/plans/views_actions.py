"""What the plan's owner and reporters do on the pages: publish a plan, submit a county plan to
the city, return or accept it, report a KPI's progress, accept or return a report, move a
construction task on. Each is one service call; the rulebook's refusal is shown as it is."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from campuseval.accounts.gates import gate_required, signed_in

from . import access, services
from .forms import ReasonForm, ReportForm, TaskForm
from .rules import PlanError

plans_readers = gate_required("plans")


@plans_readers
@require_POST
def plan_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """发布 / 提交 / 退回 / 采纳 a plan; the form names the action."""
    plan = access.plan_run_by(request.user, pk)
    by = signed_in(request)
    try:
        if action == "submit":
            services.plan_submit(by=by, plan=plan)
            messages.success(request, f"已提交{plan.title}，等待市级审核")
        elif action == "return":
            form = ReasonForm(request.POST)
            if not form.is_valid():
                raise PlanError("；".join(str(e) for errors in form.errors.values() for e in errors))
            services.plan_return(by=by, plan=plan, reason=form.cleaned_data["reason"])
            messages.success(request, f"已退回{plan.title}")
        elif action == "publish":
            services.plan_publish(by=by, plan=plan)
            messages.success(request, f"已发布{plan.title}")
        else:
            raise PlanError("没有这项操作")
    except PlanError as exc:
        messages.error(request, str(exc))
    return redirect("plans:detail", pk=plan.pk)


@plans_readers
@require_http_methods(["GET", "POST"])
def report_new(request: HttpRequest, pk: int) -> HttpResponse:
    """Report a KPI's progress (进度填报)."""
    target = access.target_reported_by(request.user, pk)
    form = ReportForm(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.report_submit(
                by=signed_in(request), target=target, as_of=data["as_of"], value=data["value"],
                achieved=data["achieved"], note=data["note"], evidence=data["evidence"],
            )
        except PlanError as exc:
            error = str(exc)
        else:
            messages.success(request, f"已提交“{target.text}”的进度，等待规划制定单位采纳")
            if access.led_targets(request.user).filter(pk=target.pk).exists():
                return redirect("plans:my_kpis")  # the department's own page, where it reports
            return redirect("plans:detail", pk=target.plan_id)
    return render(request, "plans/report_form.html", {"target": target, "form": form, "error": error}, status=400 if error or form.errors else 200)


@plans_readers
@require_POST
def report_decide(request: HttpRequest, pk: int) -> HttpResponse:
    report = access.report_for_owner(request.user, pk)
    accept = request.POST.get("decision") == "accept"
    try:
        services.report_decide(by=signed_in(request), report=report, accept=accept, reason=request.POST.get("reason", ""))
    except PlanError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "已采纳该次填报" if accept else "已退回该次填报")
    return redirect("plans:detail", pk=report.target.plan_id)


@plans_readers
@require_POST
def task_edit(request: HttpRequest, pk: int) -> HttpResponse:
    task = access.task_run_by(request.user, pk)
    form = TaskForm(request.POST)
    if form.is_valid():
        try:
            services.task_update(by=signed_in(request), task=task, **form.cleaned_data)
        except PlanError as exc:
            messages.error(request, f"{task.school}：{exc}")
        else:
            messages.success(request, f"已更新{task.school}的建设任务：{task.get_status_display()}")
    else:
        messages.error(request, f"{task.school}：" + "；".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect("plans:task_table", pk=task.plan_id, category=task.category)
