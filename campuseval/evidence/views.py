"""Evidence pages: adding evidence to one indicator (htmx, answering with its block), carry,
and the download view.

The school manages its evidence; reviewers open it through the download view, which goes
through ``evidence.access`` (404 outside it). A role that never manages evidence gets 403.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from campuseval.accounts.gates import gate_required, signed_in
from campuseval.campaigns import access as campaign_access
from campuseval.campaigns import rules
from campuseval.campaigns.models import Application
from campuseval.campaigns.presenters import dom_id
from campuseval.campaigns.rules import WorkflowError
from campuseval.downloads import file_response

from . import access, services
from .checks import (
    ACCEPT_ATTR,
    ACCEPTED_TEXT,
    UploadRefused,
    check_name,
    human_size,
    max_application_bytes,
    max_file_bytes,
)
from .models import EvidenceItem
from .selectors import application_file_bytes, indicator_links, school_evidence
from .uploads import reads_uploads

FORMS = {"upload", "link", "text", "attach"}


def _edit_state(application: Application) -> tuple[bool, str]:
    reason = rules.refusal(rules.EDIT, application)
    return reason is None, reason or ""


def may_edit(application: Application) -> bool:
    return _edit_state(application)[0]


def _application(request: HttpRequest, pk: int) -> Application:
    return campaign_access.application_for_evidence(request.user, pk)


def _code(application: Application, code: str) -> str:
    if code not in application.campaign.rubric.engine_rubric().index:
        raise Http404("评估标准中没有这个指标")
    return code


def block_context(application: Application, code: str, *, editable: bool | None = None, **extra: Any) -> dict[str, Any]:
    """What ``evidence/_indicator_evidence.html`` needs for one indicator."""
    return {
        "application": application,
        "code": code,
        "dom_id": dom_id(code),
        "links": indicator_links(application, code),
        "may_edit": may_edit(application) if editable is None else editable,
        **extra,
    }


def _block(request: HttpRequest, application: Application, code: str, **extra: Any) -> HttpResponse:
    return render(request, "evidence/_indicator_evidence.html", block_context(application, code, **extra))


def _answer(request: HttpRequest, application: Application, code: str, *, message: str = "", error: str = "") -> HttpResponse:
    """htmx: the indicator's evidence block again; a plain form post: back to the page."""
    if request.htmx:  # type: ignore[attr-defined]
        return _block(request, application, code, evidence_message=message, evidence_error=error)
    if error:
        messages.error(request, error)
    elif message:
        messages.success(request, message)
    url = reverse("campaigns:school_application", args=[application.pk])
    return redirect(f"{url}#ind-{code}")


# Log-in required; a role that never fills in applications gets 403 with the message.
school_only = gate_required("evidence")


@school_only
@require_GET
def evidence_form(request: HttpRequest, application_pk: int, code: str, form: str) -> HttpResponse:
    """One of the four ways to add evidence, loaded into the indicator when asked for."""
    application = _application(request, application_pk)
    code = _code(application, code)
    if form not in FORMS:
        raise Http404("没有这种添加方式")
    editable, reason = _edit_state(application)
    if not editable:
        return render(request, "evidence/_notice.html", {"error": f"不能再添加佐证材料：{reason}"})
    context: dict[str, Any] = {"application": application, "code": code, "dom_id": dom_id(code)}
    if form == "upload":
        used = application_file_bytes(application)
        context.update(
            accept=ACCEPT_ATTR,
            accepted=ACCEPTED_TEXT,
            max_file=human_size(max_file_bytes()),
            max_application=human_size(max_application_bytes()),
            used=human_size(used),
        )
    if form == "text":
        context["max_text"] = services.MAX_TEXT
    if form == "attach":
        linked = {link.evidence_id for link in indicator_links(application, code)}
        context["choices"] = [e for e in school_evidence(application.school_id) if e.pk not in linked]
    return render(request, f"evidence/_{form}_form.html", context)


@school_only
@reads_uploads
@require_POST
def evidence_upload(request: HttpRequest, application_pk: int, code: str) -> HttpResponse:
    application = _application(request, application_pk)
    code = _code(application, code)
    too_big: list[str] = request.upload_too_big  # type: ignore[attr-defined]
    names: list[tuple[str, str | None]] = request.upload_names  # type: ignore[attr-defined]
    failed: str = request.upload_failed  # type: ignore[attr-defined]
    if failed:  # the files never arrived (the server's disk full): say so, write nothing
        return _answer(request, application, code, error=failed)
    if too_big:
        limit = human_size(max_file_bytes())
        shown = "、".join(f"“{n}”" for n in too_big)
        return _answer(request, application, code, error=f"文件{shown}超过单个文件的上限 {limit}，未上传")
    files = request.FILES.getlist("file")
    kept = [sent for sent, clean in names if clean]
    uploads = []
    for n, f in enumerate(files):
        # The name the client sent, not Django's cleaned one: the checks refuse odd names.
        sent = kept[n] if n < len(kept) else (f.name or "")
        uploads.append(services.Upload(name=sent, file=f, size=f.size or 0))
    dropped = [sent for sent, clean in names if not clean]
    try:
        for sent in dropped:
            check_name(sent)
        added = services.evidence_upload(
            by=request.user,  # type: ignore[arg-type]
            application=application,
            code=code,
            uploads=uploads,
            title=request.POST.get("title", ""),
        )
    except (UploadRefused, WorkflowError) as exc:
        return _answer(request, application, code, error=str(exc))
    message = f"已上传 {len(uploads)} 个文件"
    if added.reused:
        message += "；" + "、".join(f"“{n}”" for n in added.reused) + " 与本校已有材料内容相同，已直接关联，未重复保存"
    return _answer(request, application, code, message=message)


@school_only
@require_POST
def evidence_link_add(request: HttpRequest, application_pk: int, code: str) -> HttpResponse:
    application = _application(request, application_pk)
    code = _code(application, code)
    try:
        services.evidence_add_link(
            by=request.user,  # type: ignore[arg-type]
            application=application,
            code=code,
            url=request.POST.get("url", ""),
            title=request.POST.get("title", ""),
        )
    except WorkflowError as exc:
        return _answer(request, application, code, error=str(exc))
    return _answer(request, application, code, message="已添加链接")


@school_only
@require_POST
def evidence_text_add(request: HttpRequest, application_pk: int, code: str) -> HttpResponse:
    application = _application(request, application_pk)
    code = _code(application, code)
    try:
        services.evidence_add_text(
            by=request.user,  # type: ignore[arg-type]
            application=application,
            code=code,
            text=request.POST.get("text", ""),
            title=request.POST.get("title", ""),
        )
    except WorkflowError as exc:
        return _answer(request, application, code, error=str(exc))
    return _answer(request, application, code, message="已添加文字说明")


@school_only
@require_POST
def evidence_attach(request: HttpRequest, application_pk: int, code: str) -> HttpResponse:
    application = _application(request, application_pk)
    code = _code(application, code)
    try:
        evidence = school_evidence(application.school_id).get(pk=int(request.POST.get("evidence", "")))
    except (ValueError, EvidenceItem.DoesNotExist):
        return _answer(request, application, code, error="请从本校已有材料中选择一项")
    try:
        services.evidence_attach(by=request.user, application=application, code=code, evidence=evidence)  # type: ignore[arg-type]
    except WorkflowError as exc:
        return _answer(request, application, code, error=str(exc))
    return _answer(request, application, code, message=f"已关联“{evidence.title}”")


@school_only
@require_POST
def evidence_unlink(request: HttpRequest, pk: int) -> HttpResponse:
    link = access.link_for_school(request.user, pk)
    try:
        services.evidence_unlink(by=request.user, link=link)  # type: ignore[arg-type]
    except WorkflowError as exc:
        return _answer(request, link.application, link.code, error=str(exc))
    return _answer(request, link.application, link.code, message=f"已从指标 {link.code} 移除“{link.evidence.title}”")


@school_only
@require_POST
def evidence_carry(request: HttpRequest, application_pk: int) -> HttpResponse:
    application = _application(request, application_pk)
    try:
        n = services.evidence_carry(by=request.user, application=application)  # type: ignore[arg-type]
    except WorkflowError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"已沿用往年佐证材料 {n} 项（标有“沿用”），请逐项核对是否仍然适用")
    return redirect("campaigns:school_application", pk=application.pk)


@login_required
@require_GET
def evidence_download(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The stored file, to whoever may see it; as an attachment under its original name."""
    item = access.file_for_download(request.user, pk)
    services.evidence_downloaded(by=signed_in(request), item=item)
    response = file_response(
        item.file, filename=item.original_name or f"evidence-{item.pk}",
        content_type=item.content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response
