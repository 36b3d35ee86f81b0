"""The certificates' downloads and the public verification page. The ``*_file`` functions take
their object through the door and answer the file; the pages' views below and the API's
(``api/certificate_views.py``) both call them."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from campuseval.accounts.scope import AnyUser
from campuseval.exporting import attachment

from . import access, rules, selectors, services

PDF = "application/pdf"


def certificate_file(user: AnyUser, application_id: int) -> HttpResponse:
    certificate = access.certificate_for_viewer(user, application_id)
    body = services.certificate_download(by=user, certificate=certificate)
    school = certificate.application.school.name
    return attachment(
        body, content_type=PDF, filename=f"{school}证书{certificate.number}.pdf",
        ascii_filename=f"certificate-{certificate.number}.pdf",
    )


@login_required
@require_GET
def certificate(request: HttpRequest, pk: int) -> HttpResponse:
    return certificate_file(request.user, pk)


# --- the public verification (no log-in) -----------------------------------------------------


@require_GET
def lookup(request: HttpRequest) -> HttpResponse:
    """Type a code in: to its certificate's page, or the form again with what is wrong."""
    text = request.GET.get("code", "").strip()[:40]
    problem = ""
    if text:
        code = rules.normalise_code(text)
        if code and selectors.by_code(code):
            return redirect("verify:code", code=code)
        problem = (
            "验证码应为 8 位字母和数字（不含 0、1、O、I）" if code is None else "没有这个验证码的证书，请核对后重新输入"
        )
    status = 404 if problem.startswith("没有") else 400 if problem else 200
    return render(request, "certificates/lookup.html", {"text": text, "problem": problem}, status=status)


@never_cache
@require_GET
def verify(request: HttpRequest, code: str) -> HttpResponse:
    certificate = access.certificate_by_code(code)
    return render(request, "certificates/verify.html", {"v": selectors.verification(certificate)})
