"""The city's 公示: open it, record the objections received, resolve each (pages; the API's
are in ``api/city_views.py``). Every write goes through ``services`` and the rulebook."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from campuseval.accounts.gates import gate_required, signed_in
from campuseval.campaigns import access, services


def _back(pk: int) -> HttpResponse:
    return redirect(f"{reverse('campaigns:decisions', kwargs={'pk': pk})}#notice-title")


@gate_required("city")
@require_POST
def notice_open(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = access.campaign_run_by(request.user, pk)
    try:
        campaign = services.notice_open(by=signed_in(request), campaign=campaign)
    except services.WorkflowError as exc:
        messages.error(request, f"不能开始公示：{exc}")
        return _back(pk)
    messages.success(request, f"已开始公示，公示期至 {campaign.notice_ends_on:%Y-%m-%d}；已通知本市所有学校")
    return _back(pk)


def _received(raw: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(raw) if raw else None
    except ValueError as exc:
        raise services.WorkflowError(f"收到日期“{raw}”不是有效的日期（格式 2022-10-08）") from exc


@gate_required("city")
@require_POST
def objection_add(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = access.campaign_run_by(request.user, pk)
    data = request.POST
    try:
        chosen = data.get("application", "")
        if not chosen.isdigit():
            raise services.WorkflowError("请选择异议涉及的学校")
        application = access.application_for_city(request.user, int(chosen), campaign)
        services.objection_record(
            by=signed_in(request), campaign=campaign, application=application, submitter=data.get("submitter", ""),
            contact=data.get("contact", ""), text=data.get("text", ""), evidence=data.get("evidence", ""),
            received_on=_received(data.get("received_on", "")),
        )
    except services.WorkflowError as exc:
        messages.error(request, f"异议未登记：{exc}")
        return _back(pk)
    messages.success(request, f"已登记对{application.school}的异议")
    return _back(pk)


@gate_required("city")
@require_POST
def objection_resolve(request: HttpRequest, pk: int, objection_id: int) -> HttpResponse:
    campaign = access.campaign_run_by(request.user, pk)
    objection = access.objection_for_city(request.user, campaign, objection_id)
    data = request.POST
    upheld = data.get("upheld") == "yes"
    tier = data.get("tier") if upheld and "tier" in data and data.get("tier") != "keep" else None
    try:
        objection = services.objection_resolve(
            by=signed_in(request), objection=objection, upheld=upheld, reason=data.get("reason", ""), tier=tier,
        )
    except services.WorkflowError as exc:
        messages.error(request, f"异议未处理：{exc}")
        return _back(pk)
    messages.success(request, f"已处理对{objection.application.school}的异议：{objection.get_state_display()}")
    return _back(pk)
