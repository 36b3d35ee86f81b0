"""A database that stays busy past its timeout answers 503 with a Chinese message, never a
server error: the page (or the htmx form) keeps what the user typed, and the user tries again."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

log = logging.getLogger(__name__)

BUSY = "系统繁忙，刚才的操作未能保存。您填写的内容仍在页面上，请稍后再试一次。"


def is_busy(exc: BaseException) -> bool:
    text = str(exc).lower()
    return isinstance(exc, OperationalError) and ("locked" in text or "busy" in text)


class DatabaseBusyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not is_busy(exception):
            return None
        log.warning("database busy: %s %s: %s", request.method, request.path, exception)
        if request.path.startswith("/api/"):
            response: HttpResponse = JsonResponse({"detail": BUSY, "code": "busy"}, status=503)
        elif request.headers.get("HX-Request") == "true":
            response = HttpResponse(BUSY, status=503, content_type="text/plain; charset=utf-8")
        else:
            response = render(request, "busy.html", {"message": BUSY}, status=503)
        response["Retry-After"] = "2"
        return response
