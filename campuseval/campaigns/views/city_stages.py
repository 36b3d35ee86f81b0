"""The city administrator ends the running stage now (结束申报、进入县级初评 ...): a page that
shows what will lock and asks to confirm; the service changes the deadline, audits it and tells
everyone concerned."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from campuseval.accounts.gates import gate_required, signed_in
from campuseval.campaigns import access, rules, services
from campuseval.campaigns.models import Stage
from campuseval.campaigns.selectors.stages import endable_stage, stage_end

city_admin_required = gate_required("city")


@city_admin_required
@require_http_methods(["GET", "POST"])
def end_stage(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = access.campaign_run_by(request.user, pk)
    error = ""
    if request.method == "POST":
        # The form names the stage it was shown for: a second click or a stale tab is refused.
        stage = request.POST.get("stage", "")
        try:
            services.campaign_end_stage(by=signed_in(request), campaign=campaign, stage=stage)
        except (services.WorkflowError, ValueError) as exc:
            error = str(exc) if isinstance(exc, services.WorkflowError) else "阶段名称不对"
            campaign.refresh_from_db()
        else:
            ended, now = Stage(stage), rules.NEXT_STAGE[Stage(stage)]
            messages.success(request, f"已结束“{ended.label}”，现为“{now.label}”阶段；已通知有关的县、学校和专家")
            return redirect("campaigns:campaign_detail", pk=campaign.pk)
    running = endable_stage(campaign)
    context = {"campaign": campaign, "end": stage_end(campaign, running) if running else None, "error": error}
    return render(request, "campaigns/city/stage_end.html", context, status=400 if error else 200)
