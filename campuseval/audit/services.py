"""Append to the audit trail, and verify its hash chain."""

from __future__ import annotations

import datetime as dt
import decimal
import hashlib
import hmac
import json
import logging
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.db.models import QuerySet
from django.utils import timezone

from . import exports
from .context import Actor, current_actor
from .models import AuditChainHead, AuditRecord
from .presenters import object_type_label

GENESIS = "0" * 64
trail = logging.getLogger("campuseval.audit.trail")  # to syslog when AUDIT_SYSLOG is set
_IP_FIELD = AuditRecord._meta.get_field("ip")


def _jsonable(value: Any) -> Any:
    if isinstance(value, decimal.Decimal):
        return str(value.normalize()) if value == value.to_integral() else str(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, models.Model):
        return value.pk
    return value


def snapshot(instance: models.Model, fields: Iterable[str] | None = None) -> dict[str, Any]:
    """The instance's concrete field values, JSON-safe, for before/after."""
    names = fields or [f.attname for f in instance._meta.concrete_fields if f.attname != "password"]
    return {name: _jsonable(getattr(instance, name)) for name in names}


def _canonical(record: AuditRecord) -> bytes:
    body = {
        "seq": record.seq,
        "at": record.at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
        "actor_id": record.actor_id,
        "actor_name": record.actor_name,
        "ip": record.ip,
        "action": record.action,
        "object_type": record.object_type,
        "object_id": record.object_id,
        "object_repr": record.object_repr,
        "region_code": record.region_code,
        "before": record.before,
        "after": record.after,
        "prev_hash": record.prev_hash,
    }
    if record.keyed:
        body["keyed"] = True
    return json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


class KeyMissing(RuntimeError):
    """A keyed record cannot be hashed without the audit key."""


def compute_hash(record: AuditRecord, key: bytes | None = None) -> str:
    """Plain SHA-256 of the record, or for a keyed record its HMAC-SHA256 with the audit key:
    without the key nobody can write a record, or rewrite one, that verifies."""
    if record.keyed:
        if key is None:
            raise KeyMissing("审计记录以密钥签名，须设置审计密钥才能计算")
        return hmac.new(key, _canonical(record), hashlib.sha256).hexdigest()
    return hashlib.sha256(_canonical(record)).hexdigest()


@dataclass(frozen=True)
class Entry:
    action: str
    object_type: str
    object_id: str = ""
    object_repr: str = ""
    region_code: str = ""
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None


def entry_for(
    action: str,
    instance: models.Model,
    *,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    region_code: str = "",
) -> Entry:
    return Entry(
        action=action,
        object_type=instance._meta.label_lower,
        object_id=str(instance.pk),
        object_repr=str(instance)[:200],
        region_code=region_code,
        before=before,
        after=after,
    )


def actor_of(by: Any) -> Actor:
    """The actor of a service's ``by``: the user who acts, from the address of the request."""
    context = current_actor()
    if by is None:
        return context
    return Actor(by.pk, by.get_username(), context.ip)


@transaction.atomic
def audit_append(entries: Sequence[Entry], *, actor: Actor | None = None, by: Any = None) -> list[AuditRecord]:
    """Append entries to the chain, in order, under a lock on the chain head.

    The actor is the service's ``by`` (the request context gives only the address), an explicit
    ``actor`` (log-in events), or else the request's user (or 系统 for jobs).
    """
    if not entries:
        return []
    actor = actor or actor_of(by)
    head, _ = AuditChainHead.objects.select_for_update().get_or_create(pk=1)
    key = settings.AUDIT_KEY
    now = timezone.now()
    records = []
    prev, seq = head.hash, head.seq
    # What we hash must be exactly what the database gives back: IPv6 is stored normalised,
    # and over-long text would be cut (or refused) by the column.
    ip = _IP_FIELD.get_prep_value(actor.ip) if actor.ip else None
    for e in entries:
        seq += 1
        record = AuditRecord(
            seq=seq,
            at=now,
            actor_id=actor.user_id,
            actor_name=actor.name[:150],
            ip=ip,
            action=e.action,
            object_type=e.object_type[:50],
            object_id=e.object_id[:64],
            object_repr=e.object_repr[:200],
            region_code=e.region_code[:6],
            before=_normalise(e.before),
            after=_normalise(e.after),
            prev_hash=prev,
            keyed=key is not None,
        )
        record.hash = compute_hash(record, key)
        prev = record.hash
        records.append(record)
    AuditRecord.objects.bulk_create(records, batch_size=1000)
    head.seq, head.hash = seq, prev
    head.save(update_fields=["seq", "hash"])
    transaction.on_commit(lambda: _ship(records))
    return records


def record_intact(record: AuditRecord) -> bool | None:
    """Whether the record's hash matches its content; None when it is keyed and no key is set."""
    try:
        return compute_hash(record, settings.AUDIT_KEY) == record.hash
    except KeyMissing:
        return None


def _ship(records: Sequence[AuditRecord]) -> None:
    """A copy of each committed record, one JSON line, to the trail's logger (syslog)."""
    if not trail.isEnabledFor(logging.INFO):
        return
    for record in records:
        trail.info(_canonical(record).decode() + f' hash={record.hash}')


def _normalise(data: dict[str, Any] | None) -> dict[str, Any] | None:
    # Round-trip through JSON so that what we hash is exactly what the database returns.
    return None if data is None else json.loads(json.dumps(data, default=_jsonable, ensure_ascii=False))


def audit_log(
    action: str,
    instance: models.Model,
    *,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    region_code: str = "",
    by: Any = None,
) -> AuditRecord:
    entry = entry_for(action, instance, before=before, after=after, region_code=region_code)
    return audit_append([entry], by=by)[0]


def audited_update(
    instance: models.Model,
    fields: dict[str, Any],
    *,
    tracked: Sequence[str],
    region_code: str,
    by: Any = None,
    clean: bool = True,
    check: Any = None,
) -> dict[str, Any]:
    """Set ``fields`` on ``instance``, validate, save just those fields and record what changed
    of ``tracked`` in the audit trail; the one way every app writes an audited update.

    ``check(old, new)`` may refuse the change (raise) after validation and before the save.
    Returns the changed tracked values.
    """
    before = snapshot(instance, tracked)
    for name, value in fields.items():
        setattr(instance, name, value)
    if clean:
        instance.full_clean()
    old, new = changed(before, snapshot(instance, tracked))
    if check is not None:
        check(old, new)
    auto_now = [f.name for f in instance._meta.concrete_fields if getattr(f, "auto_now", False)]
    instance.save(update_fields=sorted({*(n.removesuffix("_id") for n in fields), *auto_now}))
    if new:
        audit_log("update", instance, before=old, after=new, region_code=region_code, by=by)
    return new


def audit_export(
    *, object_type: str, description: str, count: int, fmt: str, filters: dict[str, Any],
    region_code: str = "", by: Any = None,
) -> AuditRecord:
    """Record that someone exported data: what, how many rows, in which format, filtered how."""
    entry = Entry(
        action=AuditRecord.Action.EXPORT,
        object_type=object_type,
        object_repr=description,
        region_code=region_code,
        after={"format": fmt, "count": count, "filters": filters},
    )
    return audit_append([entry], by=by)[0]


REQUEST = "http.request"  # the object type of a refused request (presenters names it)


def audit_refusal(*, method: str, path: str, status: int, by: Any = None) -> AuditRecord:
    """A refused request (403, or 404 to a signed-in user: the door's "not yours"), as level 3
    asks access-control failures to be logged: what was asked and the answer, never the body."""
    entry = Entry(
        action=AuditRecord.Action.REFUSED,
        object_type=REQUEST,
        object_repr=f"{method} {path}"[:200],
        after={"method": method, "path": path[:500], "status": status},
    )
    return audit_append([entry], by=by)[0]


def records_file(
    records: QuerySet[AuditRecord], *, fmt: str, filters: dict[str, Any], region_code: str, by: Any = None,
) -> bytes:
    """The records as .xlsx or .csv; the export records itself with the count the file holds
    (even if records were appended meanwhile)."""
    written = 0

    def counted() -> Iterator[AuditRecord]:
        nonlocal written
        for record in records.iterator(chunk_size=2000):
            written += 1
            yield record

    body = exports.to_xlsx(counted()) if fmt == "xlsx" else exports.to_csv(counted())
    label = AuditRecord._meta.label_lower
    audit_export(
        object_type=label,
        description=f"导出{object_type_label(label)} {written} 条（{fmt}）",
        count=written,
        fmt=fmt,
        filters=filters,
        region_code=region_code,
        by=by,
    )
    return body


def changed(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Only the fields that differ, for an update record."""
    keys = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}


@dataclass(frozen=True)
class ChainProblem:
    seq: int
    message: str


def _span(first: int, last: int) -> str:
    return f"#{first}" if first == last else f"#{first}–#{last}"


def verify_chain(batch_size: int = 5000, expect: tuple[int, str] | None = None) -> tuple[int, list[ChainProblem]]:
    """Check every record's hash and link; return (records checked, problems).

    With the audit key set, every record after ``AUDIT_UNKEYED_UNTIL`` must be keyed: a record
    rewritten with a plain hash is a rewrite. ``expect`` is a (number, hash) kept outside the
    system (from an earlier verify, or the syslog copy): that record must be there with that
    hash, so a chain cut short and its head rewound, or rewritten whole, is found.
    """
    problems: list[ChainProblem] = []
    key, unkeyed_until = settings.AUDIT_KEY, settings.AUDIT_UNKEYED_UNTIL
    expected_seq, prev = 1, GENESIS
    count = 0
    last_seq = 0
    found_expected: str | None = None
    for record in AuditRecord.objects.order_by("seq").iterator(chunk_size=batch_size):
        count += 1
        if expect is not None and record.seq == expect[0]:
            found_expected = record.hash
        if record.seq != expected_seq:
            problems.append(
                ChainProblem(
                    expected_seq, f"记录 {_span(expected_seq, record.seq - 1)} 缺失（已被删除）"
                )
            )
        elif record.prev_hash != prev:
            problems.append(ChainProblem(record.seq, f"记录 #{record.seq} 与前一条记录的链接不符"))
        if record.keyed and key is None:
            problems.append(ChainProblem(record.seq, f"记录 #{record.seq} 以密钥签名：须设置审计密钥（CAMPUSEVAL_AUDIT_KEY_FILE）才能校验"))
        elif not record.keyed and key is not None and record.seq > unkeyed_until:
            problems.append(ChainProblem(
                record.seq, f"记录 #{record.seq} 未以密钥签名，而设置密钥后的记录都应签名（可能已被改写；"
                f"设置密钥之前的记录用 CAMPUSEVAL_AUDIT_UNKEYED_UNTIL 注明）",
            ))
        elif compute_hash(record, key) != record.hash:
            problems.append(ChainProblem(record.seq, f"记录 #{record.seq} 的内容已被改动（哈希不符）"))
        expected_seq, prev, last_seq = record.seq + 1, record.hash, record.seq
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is None:
        if count:
            problems.append(ChainProblem(last_seq, "链头记录缺失（已被删除），无法确认链尾是否完整"))
    elif head.seq > last_seq:
        problems.append(
            ChainProblem(last_seq + 1, f"链尾记录 {_span(last_seq + 1, head.seq)} 缺失（已被删除）")
        )
    elif head.seq != last_seq or head.hash != prev:
        problems.append(ChainProblem(last_seq, f"记录 #{last_seq} 与链头不符"))
    if expect is not None:
        seq, digest = expect
        if found_expected is None:
            problems.append(ChainProblem(seq, f"外部保存的记录 #{seq} 已不在审计日志中（链尾可能被截去）"))
        elif found_expected != digest:
            problems.append(ChainProblem(seq, f"记录 #{seq} 的哈希与外部保存的不符（审计日志可能被整体改写）"))
    return count, problems


def chain_head() -> tuple[int, str]:
    """The last sequence number and hash, to note down outside the system."""
    head = AuditChainHead.objects.filter(pk=1).first()
    return (head.seq, head.hash) if head is not None else (0, GENESIS)
