"""Refused requests go into the audit trail (issue 13, defect 5; 等保 2.0 asks access-control
failures to be recorded): every 403, and every 404 to a signed-in user (the doors answer 404 for
an object outside one's scope). What was asked and the answer are kept, never the body. An
anonymous 404 (a mistyped address, a crawler) is not: it says nothing about access control,
and recording each would let anyone fill the trail.

Anonymous 403s (a CSRF failure, a bad host) are recorded up to ``ANONYMOUS_LIMIT`` per address
in ``WINDOW`` (counted in each process's cache): past that the refusal is only logged, so that a
script cannot flood the chain. A record that cannot be written (the database busy or gone) is
logged too: the user still gets the 403, never a 500."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.core.cache import cache
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse

from .context import client_ip
from .services import audit_refusal

ANONYMOUS_LIMIT = 20
WINDOW = 15 * 60  # seconds
logger = logging.getLogger(__name__)


def _anonymous_allowed(request: HttpRequest) -> bool:
    key = f"campuseval.refusals.{client_ip(request) or '-'}"
    cache.add(key, 0, WINDOW)
    try:
        return cache.incr(key) <= ANONYMOUS_LIMIT
    except ValueError:  # expired between add and incr
        cache.set(key, 1, WINDOW)
        return True


class RefusalAuditMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        signed_in = user is not None and user.is_authenticated
        if response.status_code == 403 or (response.status_code == 404 and signed_in):
            self._record(request, response.status_code, user if signed_in else None)
        return response

    @staticmethod
    def _record(request: HttpRequest, status: int, user: object) -> None:
        method, path = request.method or "", request.path
        if user is None and not _anonymous_allowed(request):
            logger.warning("refused %s %s (%s) from %s: not recorded, too many", method, path, status, client_ip(request))
            return
        try:
            audit_refusal(method=method, path=path, status=status, by=user)
        except DatabaseError:
            logger.exception("refused %s %s (%s): the audit record could not be written", method, path, status)
