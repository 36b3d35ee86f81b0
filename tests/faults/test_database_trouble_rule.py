"""The one rule of which database errors answer 503 (``busy_middleware.trouble``), fed with real
errors: a refused PostgreSQL connection, a locked and an unopenable SQLite file; what is not a
passing trouble (a missing table, a broken constraint) stays a server error. The 503 answers
read nothing from the database, and Django's 500 handler gives the same answer to an error a
middleware raised before the view."""

from __future__ import annotations

import json
import sqlite3

import pytest
from django.db import DatabaseError, IntegrityError, OperationalError, transaction
from django.db.utils import ConnectionHandler
from django.test import RequestFactory

from campuseval.busy_middleware import (
    BUSY,
    DATABASE_BUSY,
    DATABASE_UNAVAILABLE,
    UNAVAILABLE,
    answer,
    trouble,
)
from campuseval.errors import server_error

from .conftest import connect
from .forwarder import free_port


def _wrapper(**database):
    return ConnectionHandler({"default": database})["default"]


@pytest.fixture
def refused(django_db_blocker) -> OperationalError:
    """What Django raises when PostgreSQL refuses the connection (nothing listens on the port)."""
    conn = _wrapper(ENGINE="django.db.backends.postgresql", NAME="campuseval", HOST="127.0.0.1",
                    PORT=str(free_port()), USER="postgres", OPTIONS={"connect_timeout": 5})
    with django_db_blocker.unblock(), pytest.raises(OperationalError) as caught:
        conn.ensure_connection()
    return caught.value


def test_a_refused_connection_is_the_database_unavailable(refused):
    assert trouble(refused) is DATABASE_UNAVAILABLE


def test_a_locked_sqlite_file_past_its_timeout_is_busy(tmp_path, django_db_blocker):
    path = tmp_path / "db.sqlite3"
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("CREATE TABLE t (x int)")
    holder.execute("BEGIN IMMEDIATE")  # holds the write lock
    conn = _wrapper(ENGINE="django.db.backends.sqlite3", NAME=str(path), OPTIONS={"timeout": 0.1})
    try:
        with django_db_blocker.unblock(), pytest.raises(OperationalError) as caught, conn.cursor() as cursor:
            cursor.execute("INSERT INTO t VALUES (1)")
        assert trouble(caught.value) is DATABASE_BUSY
    finally:
        conn.close()
        holder.close()


def test_an_sqlite_file_that_cannot_be_opened_is_unavailable(tmp_path, django_db_blocker):
    conn = _wrapper(ENGINE="django.db.backends.sqlite3", NAME=str(tmp_path / "no-such-folder" / "db.sqlite3"))
    with django_db_blocker.unblock(), pytest.raises(OperationalError) as caught:
        conn.ensure_connection()
    assert trouble(caught.value) is DATABASE_UNAVAILABLE


@pytest.mark.django_db
def test_a_missing_table_or_a_broken_constraint_stays_a_server_error():
    from django.db import connection

    from campuseval.regions.models import Region

    with pytest.raises(DatabaseError) as missing, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT * FROM no_such_table")  # OperationalError on SQLite, ProgrammingError on PostgreSQL
    Region.objects.create(code="340000", name="安徽省", level="province")
    with pytest.raises(IntegrityError) as twice, transaction.atomic():
        Region.objects.create(code="340000", name="安徽省", level="province")
    assert trouble(missing.value) is None
    assert trouble(twice.value) is None
    assert trouble(ValueError("database is locked")) is None  # only the database's own errors


@pytest.mark.django_db(transaction=True)
def test_a_postgresql_lock_not_granted_in_time_is_busy(postgresql):
    from django.db import connection

    from campuseval.regions.models import Region

    region = Region.objects.create(code="340000", name="安徽省", level="province")
    with connect() as holder:
        holder.execute("BEGIN")
        holder.execute("SELECT 1 FROM regions_region WHERE id = %s FOR UPDATE", [region.pk])
        with pytest.raises(OperationalError) as caught, transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL lock_timeout = '100ms'")
            cursor.execute("SELECT 1 FROM regions_region WHERE id = %s FOR UPDATE", [region.pk])
        holder.execute("ROLLBACK")
    assert trouble(caught.value) is DATABASE_BUSY


# --- the answers: no database read, whoever asks --------------------------------------------


@pytest.mark.parametrize(("path", "headers", "kind"), [
    ("/api/applications/1/submit/", {}, "application/json"),
    ("/campaigns/applications/1/scores/1.1.1/", {"HTTP_HX_REQUEST": "true"}, "text/plain"),
    ("/campaigns/applications/1/submit/", {}, "text/html"),
])
def test_the_answer_to_an_unreachable_database_reads_nothing_from_it(refused, path, headers, kind):
    # No database fixture: any query here would fail the test.
    response = answer(RequestFactory().post(path, **headers), refused)

    assert response is not None and response.status_code == 503
    assert response["Content-Type"].startswith(kind) and response["Retry-After"] == "5"
    body = response.content.decode()
    if kind == "application/json":
        assert json.loads(body) == {"detail": UNAVAILABLE, "code": "database_unavailable"}
    else:
        assert UNAVAILABLE in body
    if kind == "text/html":
        assert "暂时无法连接数据库" in body.split("<h1")[1] and 'href="/"' in body


def test_an_unreachable_database_met_in_a_middleware_gets_the_same_503_from_the_500_handler(refused):
    """Django calls the 500 handler while it handles the exception, as here."""
    for path in ("/campaigns/applications/", "/api/applications/"):
        try:
            raise refused
        except OperationalError:
            response = server_error(RequestFactory().get(path))
        assert response.status_code == 503
    assert json.loads(response.content)["code"] == "database_unavailable"


def test_any_other_error_still_gets_the_500_page():
    try:
        raise RuntimeError("a bug")
    except RuntimeError:
        response = server_error(RequestFactory().get("/campaigns/applications/"))
    assert response.status_code == 500 and "系统出错了" in response.content.decode()


def test_a_busy_database_keeps_its_own_sentence(db):
    response = answer(RequestFactory().post("/api/applications/1/submit/"), OperationalError("database is locked"))
    assert response is not None and response.status_code == 503
    assert json.loads(response.content) == {"detail": BUSY, "code": "busy"}
    assert response["Retry-After"] == "2"
