"""With a replica configured (``DATABASE_REPLICA_URL``), the dashboards and the region reports
read from it and everything else, writes included, stays on the primary.

The replica here is a second connection to the test database (the data committed: a
transactional test), as a streaming replica in sync would be."""

from __future__ import annotations

import re

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from campuseval.dbrouter import REPLICA, ReplicaRouter, reading_replica
from campuseval.regions.models import School


@pytest.fixture(scope="module", autouse=True)
def replica_alias(django_db_setup):
    """The replica alias, once the test database exists: a second connection to it."""
    connections.databases[REPLICA] = {**connections.databases["default"]}
    yield
    connections[REPLICA].close()
    del connections.databases[REPLICA]


@pytest.fixture
def replica():
    return connections[REPLICA]


def _tables(queries) -> str:
    return " ".join(q["sql"] for q in queries)


def _target(sql: str) -> str | None:
    """The table a query reads (FROM) or writes (UPDATE, INSERT INTO); None for BEGIN/COMMIT."""
    match = re.search(r'(?:FROM|UPDATE|INSERT INTO) "(\w+)"', sql)
    return match.group(1) if match else None


@pytest.mark.django_db(transaction=True, databases=["default", REPLICA])
def test_the_dashboards_read_from_the_replica_and_the_rest_from_the_primary(client, cast, replica):
    client.force_login(cast.city_admin)
    with CaptureQueriesContext(connections["default"]) as primary, CaptureQueriesContext(replica) as copy:
        assert client.get(reverse("analytics:region", args=[cast.city.code])).status_code == 200
    assert 'FROM "regions_region"' in _tables(copy.captured_queries)  # the region, its units, the charts
    # The primary: the session, the user and the gate's roles before the view, the session saved.
    touched = {_target(q["sql"]) for q in primary.captured_queries} - {None}
    assert touched <= {"django_session", "accounts_user", "accounts_roleassignment"}, touched
    with CaptureQueriesContext(connections["default"]) as primary, CaptureQueriesContext(replica) as copy:
        assert client.get(reverse("campaigns:campaign_list")).status_code == 200
    assert copy.captured_queries == [] and primary.captured_queries


@pytest.mark.django_db(transaction=True, databases=["default", REPLICA])
def test_the_region_report_reads_from_the_replica_on_its_page_and_through_the_api(client, cast, replica):
    client.force_login(cast.city_admin)
    for url in (reverse("reports:region", args=[cast.city.code]), reverse("api:region_report", args=[cast.city.code])):
        with CaptureQueriesContext(replica) as copy:
            assert client.get(url).status_code == 200, url
        assert 'FROM "regions_region"' in _tables(copy.captured_queries), url


def test_the_router_keeps_writes_and_migrations_on_the_primary():
    router = ReplicaRouter()
    with reading_replica():
        assert router.db_for_write(School) == "default"
    assert router.allow_migrate(REPLICA, "regions") is False and router.allow_migrate("default", "regions") is True


def test_outside_the_dashboards_reads_stay_on_the_primary(replica):
    router = ReplicaRouter()
    assert router.db_for_read(School) is None
    with reading_replica():
        assert router.db_for_read(School) == REPLICA
