"""Faults that lose nothing (issue 13): the tests cause each fault for real and look at what is
left on a fresh connection.

What needs PostgreSQL (a backend killed mid-transaction, a server whose database goes away)
runs in the suite's PostgreSQL pass (``TEST_DATABASE_URL``) against its test database; on the
SQLite pass it skips and says why. CI sets ``CAMPUSEVAL_REQUIRE_POSTGRES=1``, and ``.ci/run``
then fails without a PostgreSQL server, so that these never go unrun there.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.apps import apps
from django.db import connection

# Tables a request writes outside the service's transaction, whatever it does: the session,
# django-axes' attempts, a token's last use.
OUTSIDE = {"django_session", "axes_accessattempt", "axes_accesslog", "axes_accessfailurelog", "accounts_apitoken"}


@pytest.fixture
def postgresql() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (a server process to kill, a server to lose): runs in the pass with TEST_DATABASE_URL")


def connect(**overrides: Any) -> Any:
    """A connection of our own to the test database (psycopg, autocommit), as another server's."""
    import psycopg

    params = connection.settings_dict
    options = {
        "dbname": params["NAME"], "user": params["USER"] or "postgres", "host": params["HOST"] or "127.0.0.1",
        "port": params["PORT"] or 5432, "password": params["PASSWORD"] or None, "connect_timeout": 10,
        **overrides,
    }
    return psycopg.connect(autocommit=True, **options)


@pytest.fixture
def other(postgresql) -> Iterator[Any]:
    conn = connect()
    yield conn
    conn.close()


def kill_own_backend(other: Any) -> int:
    """Terminate the server process behind Django's connection, from another connection, and
    wait until it has gone (PostgreSQL 14+): the next query of this connection fails."""
    pid = connection.connection.info.backend_pid
    killed = other.execute("SELECT pg_terminate_backend(%s, 10000)", [pid]).fetchone()[0]
    assert killed, f"backend {pid} was not terminated"
    return pid


def snapshot() -> dict[str, list[tuple[Any, ...]]]:
    """Every table of the project's models, read on a fresh connection, row by row."""
    tables = sorted({m._meta.db_table for m in apps.get_models()} - OUTSIDE)
    with connect() as fresh:
        return {t: fresh.execute(f'SELECT * FROM "{t}" ORDER BY 1').fetchall() for t in tables}


def changed_tables(before: dict[str, list[tuple[Any, ...]]], after: dict[str, list[tuple[Any, ...]]]) -> list[str]:
    return [t for t in before if before[t] != after[t]]
