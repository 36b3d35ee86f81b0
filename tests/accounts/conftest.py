from __future__ import annotations

from tests.conftest import PASSWORD


def log_in(client, username: str, password: str = PASSWORD, *, ip: str = "127.0.0.1"):
    """POST the log-in form from address ``ip``."""
    return client.post(
        "/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=ip
    )


def logged_in(client) -> bool:
    return client.get("/accounts/me/").status_code == 200
