"""Refused requests go into the audit trail (issue 13, defect 5; 等保 2.0 asks access-control
failures to be recorded): every 403, and every 404 to a signed-in user (the doors answer 404 for
an object outside one's scope). What was asked and the answer are kept, never the body. An
anonymous 404 (a mistyped address, a crawler) is not: it says nothing about access control,
and recording each would let anyone fill the trail."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from .services import audit_refusal


class RefusalAuditMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        signed_in = user is not None and user.is_authenticated
        if response.status_code == 403 or (response.status_code == 404 and signed_in):
            audit_refusal(
                method=request.method or "", path=request.path, status=response.status_code,
                by=user if signed_in else None,
            )
        return response
