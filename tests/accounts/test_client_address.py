"""The client's address behind a trusted reverse proxy (issue 13, defect 1): the lockout and the
audit see the client, not the proxy; a forwarding header from anyone else is ignored."""

from __future__ import annotations

import ipaddress

import pytest
from hypothesis import given
from hypothesis import strategies as st

from campuseval.audit.models import AuditRecord
from campuseval.client_address import client_address

from .conftest import PASSWORD, logged_in

PROXY = "10.0.0.254"
TRUSTED = ("10.0.0.254", "192.168.10.0/24")


def _via_proxy(client, username, password, client_ip, peer=PROXY):
    return client.post(
        "/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=peer, HTTP_X_FORWARDED_FOR=client_ip
    )


@pytest.fixture
def proxied(settings):
    settings.TRUSTED_PROXIES = list(TRUSTED)
    settings.CLIENT_ADDRESS_HEADER = "X-Forwarded-For"


def test_behind_the_proxy_one_users_failures_lock_only_their_account_and_the_audit_names_the_client(client, cast, proxied):
    for _ in range(5):
        _via_proxy(client, "schoola", "Wrong-Passw0rd", "203.0.113.7")

    assert _via_proxy(client, "schoola", PASSWORD, "203.0.113.7").status_code == 429
    assert _via_proxy(client, "schoolb", PASSWORD, "203.0.113.8").status_code == 302 and logged_in(client)
    failed = AuditRecord.objects.filter(action="login_failed").first()
    assert failed.ip == "203.0.113.7"
    assert AuditRecord.objects.get(action="login").ip == "203.0.113.8"


def test_a_forwarding_header_from_an_untrusted_address_is_ignored(client, cast, proxied):
    _via_proxy(client, "schoola", PASSWORD, "203.0.113.9", peer="198.51.100.20")

    assert AuditRecord.objects.get(action="login").ip == "198.51.100.20"


def test_without_trusted_proxies_the_header_is_never_believed(client, cast, settings):
    settings.TRUSTED_PROXIES = []
    _via_proxy(client, "schoola", PASSWORD, "203.0.113.9")

    assert AuditRecord.objects.get(action="login").ip == PROXY


def test_the_client_is_the_first_untrusted_hop_from_the_right():
    assert client_address(PROXY, "198.51.100.1, 203.0.113.5, 192.168.10.3", TRUSTED) == "203.0.113.5"
    assert client_address(PROXY, "192.168.10.3", TRUSTED) == "192.168.10.3"  # all trusted: the leftmost
    assert client_address(PROXY, "not-an-address", TRUSTED) == PROXY
    assert client_address(PROXY, "203.0.113.5:4431, [2001:db8::1]:443", TRUSTED) == "2001:db8::1"


addresses = st.ip_addresses(v=4).map(str)


@given(peer=addresses, hops=st.lists(addresses, max_size=5))
def test_the_answer_is_the_peer_or_one_of_the_hops_and_never_a_trusted_proxy_when_another_hop_exists(peer, hops):
    got = client_address(peer, ", ".join(hops), TRUSTED)
    trusted = [ipaddress.ip_network(t) for t in TRUSTED]

    def is_trusted(a: str) -> bool:
        return any(ipaddress.ip_address(a) in n for n in trusted)

    if not is_trusted(peer):
        assert got == peer  # a client cannot pick its own address
    elif any(not is_trusted(h) for h in hops):
        assert got in hops and not is_trusted(got)
    else:
        assert got in [peer, *hops]
