"""The audit trail is append-only, and appends are numbered in sequence even when concurrent."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from campuseval.audit.models import AppendOnlyError, AuditRecord
from campuseval.audit.services import GENESIS, Entry, audit_append, verify_chain

from .conftest import record, trail

pytestmark = pytest.mark.django_db


def test_it_refuses_to_save_an_existing_record():
    r = record(object_repr="原样")
    r.object_repr = "改过"

    with pytest.raises(AppendOnlyError):
        r.save()
    assert AuditRecord.objects.get(pk=r.pk).object_repr == "原样"


def test_it_refuses_to_delete_a_record():
    r = record()

    with pytest.raises(AppendOnlyError):
        r.delete()
    assert AuditRecord.objects.filter(pk=r.pk).exists()


def test_it_refuses_a_queryset_update():
    record()

    with pytest.raises(AppendOnlyError):
        AuditRecord.objects.all().update(actor_name="别人")


def test_it_refuses_a_queryset_delete():
    record()

    with pytest.raises(AppendOnlyError):
        AuditRecord.objects.filter(seq=1).delete()
    assert AuditRecord.objects.count() == 1


def test_it_numbers_and_links_records_in_order():
    records = trail(4)

    assert [r.seq for r in records] == [1, 2, 3, 4]
    assert records[0].prev_hash == GENESIS
    assert [r.prev_hash for r in records[1:]] == [r.hash for r in records[:-1]]
    assert verify_chain() == (4, [])


def test_it_appends_several_entries_at_once_in_order():
    entries = [Entry(action="import", object_type="regions.school", object_repr=f"校{i}") for i in range(3)]

    audit_append(entries)

    assert list(AuditRecord.objects.order_by("seq").values_list("object_repr", flat=True)) == [
        "校0",
        "校1",
        "校2",
    ]
    assert verify_chain()[1] == []


def test_it_stores_a_normalised_ipv6_address_that_still_verifies():
    from campuseval.audit.context import Actor

    record(actor=Actor(None, "某人", "2001:DB8:0:0::1"))

    assert AuditRecord.objects.get().ip == "2001:db8::1"
    assert verify_chain()[1] == []


@pytest.mark.django_db(transaction=True)
def test_it_numbers_concurrent_appends_without_gaps_or_forks():
    if connection.vendor == "sqlite":
        pytest.skip("SQLite has a single writer; run with TEST_DATABASE_URL (PostgreSQL)")
    threads, per_thread = 8, 10
    start = threading.Barrier(threads)
    errors: list[BaseException] = []

    def work(n: int) -> None:
        try:
            start.wait()
            for i in range(per_thread):
                audit_append([Entry(action="update", object_type="regions.school", object_repr=f"{n}-{i}")])
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connections.close_all()

    pool = [threading.Thread(target=work, args=(n,)) for n in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()

    assert errors == []
    seqs = list(AuditRecord.objects.order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(1, threads * per_thread + 1))
    assert verify_chain() == (threads * per_thread, [])
