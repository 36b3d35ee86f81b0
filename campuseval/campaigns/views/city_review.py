"""The city review (市级终评): expert assignment, decisions, gaps between experts, publication.

City administrators only (the ``city`` gate); objects through ``campaigns.access``; rows from
``presenters.city``. Every write is one service call; its refusal is shown as it is.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from campuseval.accounts.gates import gate_required, signed_in
from campuseval.campaigns import access, rules, services
from campuseval.campaigns.forms import DecideForm
from campuseval.campaigns.models import Campaign, Status
from campuseval.campaigns.presenters.city import (
    DecisionRow,
    decision_rows,
    expert_choices,
    expert_loads,
    gap_rows,
    understaffed,
)
from campuseval.campaigns.selectors.city import experts_of, objections_of, reviewed_applications

city_admin_required = gate_required("city")


@city_admin_required
@require_GET
def assignments(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = access.campaign_run_by(request.user, pk)
    applications = list(reviewed_applications(request.user, campaign))
    return render(
        request,
        "campaigns/city/assignments.html",
        {
            "campaign": campaign,
            "applications": applications,
            "loads": expert_loads(campaign),
            "understaffed": understaffed(campaign, applications),
            "open_now": rules.city_review_open(campaign),
            "deadline": campaign.city_review_deadline,
        },
    )


@city_admin_required
@require_POST
def assign_auto(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = access.campaign_run_by(request.user, pk)
    try:
        report = services.experts_assign_auto(by=signed_in(request), campaign=campaign)
    except services.WorkflowError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"自动分配完成：新增 {report.created} 项分配")
        if report.understaffed:
            messages.warning(
                request,
                f"以下 {len(report.understaffed)} 所学校的专家不足 {campaign.experts_per_application} 位"
                f"（可回避冲突的专家不够）：{'、'.join(report.understaffed)}",
            )
    return redirect("campaigns:assignments", pk=campaign.pk)


@city_admin_required
@require_http_methods(["GET", "POST"])
def assign(request: HttpRequest, pk: int, application_id: int) -> HttpResponse:
    """Choose an expert for one application by hand; conflicted experts are shown, disabled."""
    campaign = access.campaign_run_by(request.user, pk)
    application = access.application_for_city(request.user, application_id, campaign)
    if request.method == "POST":
        expert = next((e for e in experts_of(campaign) if str(e.pk) == request.POST.get("expert")), None)
        if expert is None:
            messages.error(request, "请选择本市的评估专家")
        else:
            try:
                services.expert_assign(by=signed_in(request), application=application, expert=expert)
            except services.WorkflowError as exc:
                messages.error(request, f"不能分配：{exc}")
            else:
                messages.success(request, f"已分配 {expert} 评审{application.school}")
        return redirect(f"{reverse('campaigns:assignments', kwargs={'pk': campaign.pk})}#app-{application.pk}")
    choices = expert_choices(campaign, application)
    template = "campaigns/city/_assign_form.html" if request.htmx else "campaigns/city/assign.html"  # type: ignore[attr-defined]
    return render(request, template, {"campaign": campaign, "application": application, "choices": choices})


@city_admin_required
@require_POST
def unassign(request: HttpRequest, pk: int, assignment_id: int) -> HttpResponse:
    campaign = access.campaign_run_by(request.user, pk)
    assignment = access.assignment_for_city(request.user, campaign, assignment_id)
    label = f"{assignment.expert} 对{assignment.application.school}的评审"
    try:
        services.expert_unassign(by=signed_in(request), assignment=assignment)
    except services.WorkflowError as exc:
        messages.error(request, f"不能撤销：{exc}")
    else:
        messages.success(request, f"已撤销{label}")
    return redirect("campaigns:assignments", pk=campaign.pk)


# --- decisions, gaps, publication -------------------------------------------------------


def _decisions_page(request: HttpRequest, campaign: Campaign, rows: list[DecisionRow]) -> HttpResponse:
    undecided = [r for r in rows if r.application.status in rules.AWAITING_DECISION]
    return render(
        request,
        "campaigns/city/decisions.html",
        {
            "campaign": campaign,
            "rows": rows,
            "undecided": undecided,
            "tier_names": campaign.tier_names,
            "no_tier": campaign.rubric.engine_rubric().no_tier,
            "decided": sum(1 for r in rows if r.application.status == Status.DECIDED),
            "notice_running": rules.notice_running(campaign),
            "objections": objections_of(campaign),
            "listed": [r.application for r in rows if r.application.status == Status.DECIDED],
        },
    )


@city_admin_required
@require_GET
def decisions(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = access.campaign_run_by(request.user, pk)
    return _decisions_page(request, campaign, decision_rows(request.user, campaign))


@city_admin_required
@require_POST
def decide(request: HttpRequest, pk: int, application_id: int) -> HttpResponse:
    campaign = access.campaign_run_by(request.user, pk)
    application = access.application_for_city(request.user, application_id, campaign)
    engine = campaign.rubric.engine_rubric()
    form = DecideForm(request.POST, tier_names=campaign.tier_names, no_tier=engine.no_tier)
    error = ""
    if not form.is_valid():
        error = "；".join(str(e) for errors in form.errors.values() for e in errors)
    else:
        try:
            application = services.application_decide(
                by=signed_in(request),
                application=application,
                tier=form.cleaned_data["tier"],
                reason=form.cleaned_data["reason"],
            )
        except services.WorkflowError as exc:
            error = str(exc)
    if not error:
        messages.success(
            request, f"已认定{application.school}：{application.decided_tier or engine.no_tier}"
        )
        return redirect(f"{reverse('campaigns:decisions', kwargs={'pk': campaign.pk})}#app-{application.pk}")
    # Show the page again with what was typed and the reason it was refused; nothing was saved.
    rows = decision_rows(request.user, campaign)
    for row in rows:
        if row.application.pk == application.pk:
            row.form_tier = request.POST.get("tier", "")
            row.reason = request.POST.get("reason", "")
            row.error = error
    messages.error(request, f"{application.school}：{error}")
    return _decisions_page(request, campaign, rows)


@city_admin_required
@require_GET
def gaps(request: HttpRequest, pk: int) -> HttpResponse:
    """Indicators where the experts' scores differ by the campaign's gap or more: to discuss."""
    campaign = access.campaign_run_by(request.user, pk)
    found = gap_rows(request.user, campaign)
    return render(request, "campaigns/city/gaps.html", {"campaign": campaign, "found": found})


@city_admin_required
@require_POST
def publish(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = access.campaign_run_by(request.user, pk)
    try:
        campaign = services.campaign_publish(by=signed_in(request), campaign=campaign)
    except services.WorkflowError as exc:
        messages.error(request, f"不能公布：{exc}")
        return redirect("campaigns:decisions", pk=campaign.pk)
    messages.success(request, f"已公布{campaign.name}的结果，并通知了本市所有学校")
    return redirect("campaigns:campaign_detail", pk=campaign.pk)


