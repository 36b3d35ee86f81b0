"""``/ping``, the bare endpoint the benchmarks and the load test measure pages against: the
same middleware and log-in as every page, nothing else, never cached."""

from __future__ import annotations


def test_a_signed_in_user_gets_pong_and_it_is_never_cached(client, cast):
    client.force_login(cast.school_user_a)
    response = client.get("/ping")
    assert response.status_code == 200 and response.content == b"pong"
    assert "no-store" in response["Cache-Control"]


def test_someone_not_signed_in_is_sent_to_the_log_in_page(client, db):
    response = client.get("/ping")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
