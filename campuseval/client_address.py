"""The client's own address behind the bureau's reverse proxy (issue 13, defect 1).

Behind nginx (or a school's NAT) every request arrives from the proxy's address. Only when the
request comes from an address named in ``TRUSTED_PROXIES`` (``CAMPUSEVAL_TRUSTED_PROXIES``:
addresses or networks, comma-separated) is the header ``CLIENT_ADDRESS_HEADER``
(``CAMPUSEVAL_CLIENT_ADDRESS_HEADER``, default ``X-Forwarded-For``) believed: its addresses
are read from the right, skipping the trusted proxies, and the first other one is the client.
That address replaces ``REMOTE_ADDR`` for everything after this middleware (the log-in
lockout, the address throttle, the audit records); the proxy's own address stays in
``request.META["campuseval.proxy_address"]``. From any other address the header is ignored:
a client cannot forge its way out of the throttle.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest, HttpResponse

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _networks(names: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(n, strict=False) for n in names)


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    text = text.strip()
    if text.startswith("[") and "]" in text:  # [v6]:port
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:  # v4:port
        text = text.split(":", 1)[0]
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def client_address(remote: str, header: str | None, trusted: tuple[str, ...]) -> str:
    """The client's address given the peer's (``remote``), the forwarding header's value and
    the trusted proxies. Pure, for the tests and the property checks."""
    networks = _networks(trusted)
    peer = _address(remote)
    if peer is None or not header or not any(peer in n for n in networks):
        return remote
    hops = [a for a in (_address(part) for part in header.split(",")) if a is not None]
    for hop in reversed(hops):
        if not any(hop in n for n in networks):
            return str(hop)
    return str(hops[0]) if hops else remote


def meta_key(header: str) -> str:
    return "HTTP_" + header.upper().replace("-", "_")


class ClientAddressMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.trusted = tuple(settings.TRUSTED_PROXIES)
        self.key = meta_key(settings.CLIENT_ADDRESS_HEADER)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self.trusted:
            remote = request.META.get("REMOTE_ADDR", "")
            found = client_address(remote, request.META.get(self.key), self.trusted)
            if found != remote:
                request.META["campuseval.proxy_address"] = remote
                request.META["REMOTE_ADDR"] = found
        return self.get_response(request)
