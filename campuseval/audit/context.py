"""Who is acting and from where, for the audit trail, set once per request by middleware."""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse


@dataclass(frozen=True)
class Actor:
    user_id: int | None
    name: str
    ip: str | None


SYSTEM = Actor(None, "系统", None)
_current: ContextVar[Actor] = ContextVar("audit_actor", default=SYSTEM)


def current_actor() -> Actor:
    return _current.get()


@contextmanager
def acting_as(actor: Actor) -> Iterator[None]:
    token = _current.set(actor)
    try:
        yield
    finally:
        _current.reset(token)


def client_ip(request: HttpRequest) -> str | None:
    # Behind a trusted reverse proxy, REMOTE_ADDR is already the client's own address
    # (client_address.py); a forwarding header from anyone else is never believed.
    value = request.META.get("REMOTE_ADDR") or ""
    try:
        # A Unix-socket server may pass "" or a path: no address rather than a failed insert.
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def actor_for(request: HttpRequest) -> Actor:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return Actor(user.pk, user.get_username(), client_ip(request))
    return Actor(None, "匿名", client_ip(request))


class AuditContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with acting_as(actor_for(request)):
            return self.get_response(request)
