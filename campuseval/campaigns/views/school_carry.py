"""从上次认定的申报开始: the school starts a new application, or its blank draft, from its last
certified application. The offer comes from ``selectors.carry``; the service checks the
rulebook, the source and that nothing has been filled in yet, and answers with what it did.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from campuseval.accounts.gates import gate_required, signed_in
from campuseval.campaigns import access, services
from campuseval.campaigns.selectors import school as reads

from .school import chosen_school

school_only = gate_required("school")


def carry_message(report: services.CarryReport) -> str:
    """What was carried and what was not, for the page's message."""
    source = report.source
    text = (
        f"已从{source.campaign.name}（认定为{source.decided_tier}）开始：沿用 {len(report.carried)} 项自评得分与说明、"
        f"{report.evidence} 项佐证材料，均标有“沿用上次”，请逐项核对，修改后即为本次新填。"
    )
    if report.skipped:
        shown = "、".join(report.skipped[:8]) + ("等" if len(report.skipped) > 8 else "")
        text += f"{len(report.skipped)} 项自评未沿用（本次评估标准中没有该指标，或原得分不符合本次分值）：{shown}。"
    if report.evidence_skipped:
        text += f"{report.evidence_skipped} 项佐证材料所属指标不在本次评估标准中，未沿用。"
    return text


@school_only
@require_POST
def school_application_start_from_last(request: HttpRequest, pk: int) -> HttpResponse:
    """A blank draft starts from the last certified application."""
    application = access.application_for_school(request.user, pk)
    try:
        report = services.application_start_from_last(by=signed_in(request), application=application)
    except services.WorkflowError as exc:
        messages.error(request, f"未能从上次认定的申报开始：{exc}")
    else:
        messages.success(request, carry_message(report))
    return redirect("campaigns:school_application", pk=application.pk)


@school_only
@require_POST
def school_application_start_carried(request: HttpRequest, campaign_pk: int) -> HttpResponse:
    """我的申报: start the application of a campaign from the last certified application."""
    campaign = access.campaign_for_viewer(request.user, campaign_pk)
    school = chosen_school(request)
    existing = reads.application_of(campaign, school)
    try:
        if existing is not None:
            application = existing
            report = services.application_start_from_last(by=signed_in(request), application=existing)
        else:
            application, report = services.application_create_from_last(
                by=signed_in(request), campaign=campaign, school=school
            )
    except services.WorkflowError as exc:
        messages.error(request, f"未能从上次认定的申报开始：{exc}")
        if existing is not None:
            return redirect("campaigns:school_application", pk=existing.pk)
        return redirect("campaigns:school_applications")
    messages.success(request, carry_message(report))
    return redirect("campaigns:school_application", pk=application.pk)
