"""`campuseval audit verify`: the hash chain is checked; any edit or deletion is named."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from campuseval.audit.models import AuditRecord
from campuseval.audit.services import compute_hash

from .conftest import trail

pytestmark = pytest.mark.django_db
TABLE = connection.ops.quote_name(AuditRecord._meta.db_table)


def verify() -> str:
    out = io.StringIO()
    call_command("audit", "verify", stdout=out, stderr=io.StringIO())
    return out.getvalue()


def raw(sql: str, params: list) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql.replace("{table}", TABLE), params)


def test_it_passes_an_intact_chain():
    trail(5)

    assert "ok: 5 条审计记录，哈希链完整" in verify()


def test_it_passes_an_empty_trail():
    assert "ok: 0 条审计记录" in verify()


def test_it_prints_the_chain_head_to_keep_elsewhere():
    last = trail(3)[-1]

    assert f"链头 #3 {last.hash}" in verify()


def test_it_catches_a_record_whose_after_was_edited_in_the_database():
    trail(5)
    raw("UPDATE {table} SET after = %s WHERE seq = %s", [json.dumps({"i": 99}), 3])

    with pytest.raises(CommandError, match=r"记录 #3 的内容已被改动"):
        verify()


def test_it_catches_a_record_whose_actor_was_edited_in_the_database():
    trail(5)
    raw("UPDATE {table} SET actor_name = %s WHERE seq = %s", ["别人", 2])

    with pytest.raises(CommandError, match=r"#2"):
        verify()


def test_it_catches_an_edit_whose_hash_was_recomputed_at_the_next_link():
    trail(5)
    forged = AuditRecord.objects.get(seq=3)
    forged.actor_name = "别人"
    forged.hash = compute_hash(forged)
    raw("UPDATE {table} SET actor_name = %s, hash = %s WHERE seq = %s", ["别人", forged.hash, 3])

    with pytest.raises(CommandError, match=r"记录 #4 与前一条记录的链接不符"):
        verify()


def test_it_catches_a_record_deleted_from_the_middle():
    trail(5)
    raw("DELETE FROM {table} WHERE seq = %s", [3])

    with pytest.raises(CommandError, match=r"记录 #3 缺失（已被删除）"):
        verify()


def test_it_catches_several_records_deleted_from_the_middle():
    trail(6)
    raw("DELETE FROM {table} WHERE seq IN (%s, %s)", [3, 4])

    with pytest.raises(CommandError, match=r"记录 #3–#4 缺失"):
        verify()


def test_it_catches_the_first_record_deleted():
    trail(3)
    raw("DELETE FROM {table} WHERE seq = %s", [1])

    with pytest.raises(CommandError, match=r"记录 #1 缺失"):
        verify()


def test_it_catches_a_record_removed_from_the_end():
    trail(5)
    raw("DELETE FROM {table} WHERE seq = %s", [5])

    with pytest.raises(CommandError, match=r"链尾记录 #5 缺失（已被删除）"):
        verify()


def test_it_catches_every_record_removed():
    trail(3)
    raw("DELETE FROM {table} WHERE seq > %s", [0])

    with pytest.raises(CommandError, match=r"链尾记录 #1–#3 缺失"):
        verify()


def test_it_reports_each_problem_on_stderr():
    trail(5)
    raw("DELETE FROM {table} WHERE seq = %s", [2])
    raw("UPDATE {table} SET object_repr = %s WHERE seq = %s", ["改过", 4])
    err = io.StringIO()

    with pytest.raises(CommandError, match=r"2 处问题"):
        call_command("audit", "verify", stdout=io.StringIO(), stderr=err)

    assert "error: 记录 #2 缺失" in err.getvalue()
    assert "error: 记录 #4 的内容已被改动" in err.getvalue()
