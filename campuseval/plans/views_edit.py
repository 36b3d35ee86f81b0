"""Making plans in the pages: a new plan (a city's, or a county's answering its city's plan),
and a target of a draft plan. Each is one service call; the model's own checks come back as
form errors naming the field."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from campuseval.accounts.gates import gate_required, signed_in

from . import access, services
from .forms import PlanForm, TargetForm
from .progress import tier_choices
from .rules import PlanError

plan_makers = gate_required("plan_makers")


def _errors(form: PlanForm | TargetForm, exc: ValidationError) -> None:
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for name, errors in exc.error_dict.items():
        form.add_error(name if name in form.fields else None, errors)


@plan_makers
@require_http_methods(["GET", "POST"])
def plan_new(request: HttpRequest) -> HttpResponse:
    form = PlanForm(
        request.POST or None, regions=access.plan_regions(request.user), answerable=access.answerable_plans(request.user)
    )
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.plan_create(by=signed_in(request), **form.cleaned_data)
        except ValidationError as exc:
            _errors(form, exc)
        else:
            messages.success(request, f"已新建规划：{plan.title}。请添加目标，或导入任务分解表和指标。")
            return redirect("plans:detail", pk=plan.pk)
    return render(request, "plans/plan_form.html", {"form": form}, status=400 if form.errors else 200)


@plan_makers
@require_http_methods(["GET", "POST"])
def target_new(request: HttpRequest, pk: int) -> HttpResponse:
    plan = access.plan_run_by(request.user, pk)
    form = TargetForm(request.POST or None, tiers=tier_choices(plan), departments=access.plan_departments(plan))
    error = ""
    if request.method == "POST" and form.is_valid():
        try:
            target = services.target_add(by=signed_in(request), plan=plan, **form.cleaned_data)
        except ValidationError as exc:
            _errors(form, exc)
        except PlanError as exc:
            error = str(exc)
        else:
            messages.success(request, f"已添加目标：{target.text}")
            return redirect("plans:detail", pk=plan.pk)
    return render(
        request, "plans/target_form.html", {"plan": plan, "form": form, "error": error},
        status=400 if form.errors or error else 200,
    )
