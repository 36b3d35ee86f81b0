"""The site's 404 and 500 answers: the neutral Chinese pages (templates 404.html, 500.html), and
on API paths a JSON error with ``detail`` and ``code``, as every other API error has, never an
HTML page a client cannot read (issue 13: HTML 404s on API paths broke the schema).

An error a middleware raised before the view reaches Django's 500 handler, not the middleware
that answers the views' database troubles: a session or user read from an unreachable database
is answered here with the same 503 (``busy_middleware.answer``)."""

from __future__ import annotations

import sys

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views import defaults

from campuseval.busy_middleware import answer

API = "/api/"


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if request.path.startswith(API):
        return JsonResponse({"detail": "找不到这个接口或对象", "code": "not_found"}, status=404)
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    exc = sys.exc_info()[1]  # Django calls the handler while handling the exception
    troubled = answer(request, exc) if exc is not None else None
    if troubled is not None:
        return troubled
    if request.path.startswith(API):
        body = {"detail": "系统出错了，操作未完成；请稍后再试，问题仍在时请联系平台管理员", "code": "server_error"}
        return JsonResponse(body, status=500)
    return defaults.server_error(request)
