"""The database's passing troubles answer 503 with a Chinese message, never a server error: a
database busy past its timeout, or one the server cannot reach (a refused, dropped or closed
connection, a server shutting down). The page (or the htmx form) keeps what the user typed and
the user tries again; nothing was saved, as the transaction rolled back with the connection.
The service recovers by itself: Django drops a broken connection at the end of the request and
the next request opens a new one.

``trouble`` is the one rule deciding which database errors are 503, and ``answer`` the one
answer: given here for an error a view raises, by ``errors.server_error`` for one a middleware
raises before the view (the session or the user read from an unreachable database), and asked
by the background worker, which waits for the database instead of stopping.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext_noop

log = logging.getLogger(__name__)

BUSY = "系统繁忙，刚才的操作未能保存。您填写的内容仍在页面上，请稍后再试一次。"
UNAVAILABLE = (
    "系统暂时无法连接数据库，刚才的操作没有完成，也没有保存任何内容。您填写的内容仍在页面上，"
    "请稍后再试一次；如果一直如此，请联系平台管理员。"
)


@dataclass(frozen=True)
class Trouble:
    code: str  # the API's error code
    title: str  # translated on the page (gettext_noop: collected by makemessages)
    message: str
    retry_after: int  # seconds, the Retry-After header


DATABASE_BUSY = Trouble("busy", gettext_noop("系统繁忙"), BUSY, 2)
DATABASE_UNAVAILABLE = Trouble("database_unavailable", gettext_noop("暂时无法连接数据库"), UNAVAILABLE, 5)

# PostgreSQL's SQLSTATEs: a lock not granted in time, a deadlock, a serialization failure.
BUSY_STATES = frozenset({"55P03", "40P01", "40001"})
# Class 08 (connection exceptions, PgBouncer's among them), too many connections, and the
# server shutting down, crashed or starting up (57P01 is also pg_terminate_backend).
UNAVAILABLE_STATES = ("08", "53300", "57P01", "57P02", "57P03")
# SQLite's result codes (sqlite3's sqlite_errorcode): busy, locked; cannot open the file.
SQLITE_BUSY, SQLITE_CANTOPEN = frozenset({5, 6}), 14
NOT_POSTGRESQL = object()


def trouble(exc: BaseException) -> Trouble | None:
    """The database's passing trouble behind ``exc``, or None for any other error (a 500)."""
    if isinstance(exc, InterfaceError):  # the connection was closed under the request
        return DATABASE_UNAVAILABLE
    if not isinstance(exc, OperationalError):
        return None
    cause = exc.__cause__
    state = getattr(cause, "sqlstate", NOT_POSTGRESQL)
    if state is not NOT_POSTGRESQL:  # psycopg's error
        if not isinstance(state, str):  # None: no answer from a server at all (refused, lost)
            return DATABASE_UNAVAILABLE
        if state in BUSY_STATES:
            return DATABASE_BUSY
        return DATABASE_UNAVAILABLE if state.startswith(UNAVAILABLE_STATES) else None
    code = getattr(cause, "sqlite_errorcode", None)
    text = str(exc).lower()
    if code in SQLITE_BUSY or "locked" in text or "busy" in text:
        return DATABASE_BUSY
    if code == SQLITE_CANTOPEN or "unable to open database file" in text:
        return DATABASE_UNAVAILABLE
    return None


def answer(request: HttpRequest, exc: BaseException) -> HttpResponse | None:
    """The 503 answer to a database trouble (JSON on the API, text to htmx, else the page), or
    None for any other error. The page needs no database: no context processors, no user."""
    found = trouble(exc)
    if found is None:
        return None
    log.warning("database %s: %s %s: %s", found.code, request.method, request.path, exc)
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse({"detail": found.message, "code": found.code}, status=503)
    elif request.headers.get("HX-Request") == "true":
        response = HttpResponse(found.message, status=503, content_type="text/plain; charset=utf-8")
    else:
        page = render_to_string("busy.html", {"title": found.title, "message": found.message})
        response = HttpResponse(page, status=503)
    response["Retry-After"] = str(found.retry_after)
    return response


class DatabaseBusyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        return answer(request, exception)
