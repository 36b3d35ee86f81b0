"""The audit chain cannot be rewritten by someone who holds only the database (issue 13, defect 5).

With the audit key (kept outside the database) every record's hash is an HMAC: rewriting a record
and recomputing the chain with plain SHA-256, or with any other key, is found; cutting the tail
and rewinding the head is found against a head kept elsewhere (``verify --expect``); and a copy
of each record goes to syslog as it is written.
"""

from __future__ import annotations

import io
import socket

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from campuseval.audit.models import AuditChainHead, AuditRecord
from campuseval.audit.services import GENESIS, compute_hash

from .conftest import trail

pytestmark = pytest.mark.django_db
KEY = "k" * 16 + "-audit-key-kept-outside-the-database"
TABLE = connection.ops.quote_name(AuditRecord._meta.db_table)
HEAD = connection.ops.quote_name(AuditChainHead._meta.db_table)


def verify(*args: str) -> str:
    out = io.StringIO()
    call_command("audit", "verify", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def rewrite_from(seq: int, change: dict, *, keyed: bool, key: bytes | None) -> None:
    """What an attacker with the database does: change a record, then recompute its hash and
    every later link and the head, so that the chain is whole again."""
    records = list(AuditRecord.objects.order_by("seq"))
    prev = GENESIS
    with connection.cursor() as cursor:
        for record in records:
            if record.seq >= seq:
                for name, value in (change if record.seq == seq else {}).items():
                    setattr(record, name, value)
                record.prev_hash, record.keyed = prev, keyed
                record.hash = compute_hash(record, key)
                cursor.execute(
                    f"UPDATE {TABLE} SET actor_name = %s, prev_hash = %s, hash = %s, keyed = %s WHERE seq = %s",
                    [record.actor_name, record.prev_hash, record.hash, record.keyed, record.seq],
                )
            prev = record.hash
        cursor.execute(f"UPDATE {HEAD} SET hash = %s", [prev])


@pytest.fixture
def keyed(settings):
    settings.AUDIT_KEY = KEY.encode()
    settings.AUDIT_UNKEYED_UNTIL = 0
    return settings


def test_with_the_key_records_are_signed_and_the_chain_verifies(keyed):
    records = trail(4)

    assert all(r.keyed for r in records)
    assert "ok: 4 条审计记录" in verify()


def test_a_record_rewritten_with_a_plain_hash_and_the_chain_recomputed_is_found(keyed):
    trail(5)
    rewrite_from(3, {"actor_name": "别人"}, keyed=False, key=None)

    with pytest.raises(CommandError, match=r"记录 #3 未以密钥签名"):
        verify()


def test_a_record_rewritten_with_another_key_is_found(keyed):
    trail(5)
    rewrite_from(3, {"actor_name": "别人"}, keyed=True, key=b"a guessed key that is not the audit key")

    with pytest.raises(CommandError, match=r"记录 #3 的内容已被改动"):
        verify()


def test_a_tail_cut_off_with_the_head_rewound_is_found_against_the_head_kept_elsewhere(keyed):
    records = trail(5)
    kept = f"{records[-1].seq}:{records[-1].hash}"
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE} WHERE seq > %s", [3])
        cursor.execute(f"UPDATE {HEAD} SET seq = %s, hash = %s", [3, records[2].hash])

    assert "ok: 3 条审计记录" in verify()  # the database alone cannot tell
    with pytest.raises(CommandError, match=r"外部保存的记录 #5 已不在审计日志中"):
        verify("--expect", kept)


def test_the_head_kept_elsewhere_passes_while_the_chain_grows(keyed):
    records = trail(3)
    kept = f"{records[-1].seq}:{records[-1].hash}"
    trail(2)

    assert "ok: 5 条审计记录" in verify("--expect", kept)
    with pytest.raises(CommandError, match=r"记录 #3 的哈希与外部保存的不符"):
        verify("--expect", f"3:{'0' * 64}")
    with pytest.raises(CommandError, match=r"--expect 应为 序号:哈希"):
        verify("--expect", "3-abc")


def test_records_from_before_the_key_are_accepted_only_up_to_the_number_named(settings):
    settings.AUDIT_KEY = None
    trail(2)  # before the key was set
    settings.AUDIT_KEY, settings.AUDIT_UNKEYED_UNTIL = KEY.encode(), 2
    trail(2)

    assert "ok: 4 条审计记录" in verify()
    settings.AUDIT_UNKEYED_UNTIL = 1
    with pytest.raises(CommandError, match=r"记录 #2 未以密钥签名"):
        verify()


def test_without_the_key_a_signed_record_cannot_be_checked_and_says_so(keyed):
    trail(2)
    keyed.AUDIT_KEY = None

    with pytest.raises(CommandError, match=r"须设置审计密钥"):
        verify()


def test_each_committed_record_is_copied_to_syslog(keyed, django_capture_on_commit_callbacks):
    import logging
    from logging.handlers import SysLogHandler

    server = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    server.bind(("127.0.0.1", 0))
    server.settimeout(5)
    handler = SysLogHandler(address=server.getsockname())
    logger = logging.getLogger("campuseval.audit.trail")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            record = trail(1)[0]
        line = server.recv(65536).decode()
    finally:
        logger.removeHandler(handler)
        handler.close()
        server.close()

    assert f'"seq":{record.seq}' in line and f"hash={record.hash}" in line and "对象1" in line
