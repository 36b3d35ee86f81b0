"""``/healthz``: what a load balancer or a monitor asks of each app server. It answers 200 when
the database answers a query and the file storage (the local folder or the object store)
answers a lookup, else 503 naming which failed; it says nothing else and needs no log-in. It
asks the database afresh each time (a failed check drops the connection at the end of the
request), so it says ok again as soon as the database is back.

``/ping``: the bare endpoint of the stack, for the benchmarks and the load test to measure a page
against (issue 12): the same middleware, the same session and log-in check, and nothing else.
A signed-in user gets 200 ``pong``; anyone else the log-in page, as every page."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.db import connections
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from campuseval.busy_middleware import trouble

log = logging.getLogger(__name__)


def _database() -> None:
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _storage() -> None:
    default_storage.exists("healthz-probe")  # a lookup: nothing is written


CHECKS: dict[str, Callable[[], None]] = {"database": _database, "storage": _storage}


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    answers = {}
    for name, check in CHECKS.items():
        try:
            check()
            answers[name] = "ok"
        except Exception as exc:  # any failure is the answer; the trace goes to the log
            if trouble(exc):  # a database away: one line per probe, not a trace
                log.warning("health check %s failed: %s", name, exc)
            else:
                log.exception("health check %s failed", name)
            answers[name] = "failed"
    healthy = all(a == "ok" for a in answers.values())
    return JsonResponse({"status": "ok" if healthy else "failed", **answers}, status=200 if healthy else 503)


@never_cache
@login_required
def ping(request: HttpRequest) -> HttpResponse:
    return HttpResponse("pong", content_type="text/plain; charset=utf-8")
