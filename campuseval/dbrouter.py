"""Reads of the leaders' dashboards from a PostgreSQL streaming replica, when one is configured
(``DATABASE_REPLICA_URL``): the dashboards' aggregates then never compete with deadline-day
saves on the primary. Everything else, and every write, stays on the primary.

A view opts in with ``@replica_reads`` (the dashboards and the region reports); the router sends
that request's reads to the ``replica`` alias. A replica is a little behind the primary (seconds
under load): fine for charts, never for a page a user has just saved on.
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from typing import Any, TypeVar

from django.db import connections

REPLICA = "replica"
_on_replica: contextvars.ContextVar[bool] = contextvars.ContextVar("campuseval_replica_reads", default=False)
View = TypeVar("View", bound=Callable[..., Any])


@contextmanager
def reading_replica() -> Iterator[None]:
    token = _on_replica.set(True)
    try:
        yield
    finally:
        _on_replica.reset(token)


def replica_reads(view: View) -> View:
    """Run the view with its reads on the replica (when there is one)."""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        with reading_replica():
            return view(*args, **kwargs)

    return wrapped  # type: ignore[return-value]


class ReplicaRouter:
    """Reads inside ``reading_replica`` go to the replica; writes and migrations to the primary."""

    def db_for_read(self, model: Any, **hints: Any) -> str | None:
        return REPLICA if _on_replica.get() and REPLICA in connections.databases else None

    def db_for_write(self, model: Any, **hints: Any) -> str | None:
        return "default"

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        return True  # the same data on both

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        return db != REPLICA  # the replica follows the primary by replication
