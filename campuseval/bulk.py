"""Bulk inserts for rows computed in the thousands (the dashboards' summary, the province
demo): the ORM's per-object, per-field work would cost more than computing the rows.

PostgreSQL (psycopg 3) takes the rows by ``COPY``; other databases by ``executemany`` in
batches. Every column but an auto-created primary key is given (Django sets no database
defaults), in ``columns`` order, with values ready for the database.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection, models

BATCH = 5000


def insert_columns(model: type[models.Model]) -> list[str]:
    """The attribute names ``insert_rows`` needs for ``model``, in field order."""
    return [f.attname for f in model._meta.concrete_fields if not (f.primary_key and f.auto_created)]


def insert_rows(model: type[models.Model], columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    wanted = set(insert_columns(model))
    assert set(columns) == wanted, f"{model.__name__}: {sorted(wanted ^ set(columns))}"
    quote = connection.ops.quote_name
    column = {f.attname: f.column for f in model._meta.concrete_fields}
    table = f"{quote(model._meta.db_table)} ({', '.join(quote(column[c]) for c in columns)})"
    count = 0
    with connection.cursor() as cursor:
        raw = cursor.cursor
        if connection.vendor == "postgresql" and hasattr(raw, "copy"):
            with raw.copy(f"COPY {table} FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    count += 1
            return count
        sql = f"INSERT INTO {table} VALUES ({', '.join(['%s'] * len(columns))})"
        chunk: list[Sequence[Any]] = []
        for row in rows:
            chunk.append(row)
            if len(chunk) >= BATCH:
                cursor.executemany(sql, chunk)
                count += len(chunk)
                chunk = []
        if chunk:
            cursor.executemany(sql, chunk)
            count += len(chunk)
    return count
