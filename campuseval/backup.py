"""Backup and restore of a whole instance (``campuseval backup FILE``, ``campuseval restore FILE``).

One zip archive holds every table's rows (Django's JSON Lines serializer, one member per model,
all read in one transaction), every stored file (through ``default_storage``: local or S3), the
audit chain's head and ``manifest.json``: a SHA-256 and size per member, the rows per table, when,
from which version and migration state. A restore checks every checksum first, then fills an
empty, migrated instance on SQLite or PostgreSQL (either to either) keeping the primary keys,
and verifies the audit chain as ``campuseval audit verify`` does.

Zip rather than tar.gz: a member is written without knowing its size first (rows and files
stream through, so memory stays bounded), and read by name without unpacking those before it.
Neither the audit key nor SECRET_KEY is in the archive (docs/deployment.md).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib.metadata
import io
import json
import os
import time
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import django
from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.exceptions import SuspiciousFileOperation
from django.core.files import File
from django.core.files.storage import default_storage
from django.core.management.color import no_style
from django.core.serializers.base import DeserializationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import (
    DEFAULT_DB_ALIAS,
    DatabaseError,
    IntegrityError,
    connection,
    connections,
    models,
    transaction,
)
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from campuseval.audit.models import AuditRecord
from campuseval.audit.services import ChainProblem, chain_head, verify_chain

FORMAT, FORMAT_VERSION, MANIFEST = "campuseval-backup", 1, "manifest.json"
CHUNK = 1024 * 1024
PAGE = 2000  # rows per query when reading, per batch when loading

# Rows that do not travel (docs/decisions.md); a restore leaves these tables empty.
TRANSIENT = {
    "sessions.session": "登录会话",
    "axes.accessattempt": "登录失败计数（锁定账号用）",
    "axes.accessattemptexpiration": "登录失败计数（锁定账号用）",
    "axes.accesslog": "django-axes 的登录记录（登录也记在审计日志中）",
    "axes.accessfailurelog": "django-axes 的登录失败记录（登录失败也记在审计日志中）",
    "django_tasks_database.dbtaskresult": "后台任务队列",
}
# Filled by `migrate` on every instance: not data, and replaced by the archive's rows (same keys).
MIGRATE_FILLS = {"contenttypes.contenttype", "auth.permission"}


class BackupError(Exception):
    """A refused backup or restore; the message says why."""


def _label(model: type[models.Model]) -> str:
    return model._meta.label_lower


def _models() -> list[type[models.Model]]:
    """Every installed model with a table of its own in this database, in a stable order."""
    tables = set(connection.introspection.table_names())
    found = [
        m for m in apps.get_models(include_auto_created=True)
        if not m._meta.proxy and m._meta.managed and m._meta.db_table in tables
    ]
    return sorted(found, key=_label)


def _migrations() -> dict[str, list[str]]:
    applied: dict[str, list[str]] = {}
    for app, name in sorted(MigrationRecorder(connection).applied_migrations()):
        applied.setdefault(app, []).append(name)
    return applied


def _version() -> str:
    try:
        return importlib.metadata.version("campuseval")
    except importlib.metadata.PackageNotFoundError:
        return "未知"


@contextmanager
def _snapshot() -> Iterator[None]:
    """Every read inside sees the database at one moment, while the service goes on writing."""
    if connection.in_atomic_block:  # the caller's transaction is the snapshot
        yield
    elif connection.vendor == "sqlite":
        # A deferred (read) transaction: in WAL mode it reads one snapshot and never holds the
        # writers off. atomic() would BEGIN IMMEDIATE (settings) and stop every save meanwhile.
        with connection.cursor() as cursor:
            cursor.execute("BEGIN DEFERRED")
        try:
            yield
        finally:
            if connection.connection is not None and connection.connection.in_transaction:
                with connection.cursor() as cursor:
                    cursor.execute("ROLLBACK")
    else:
        with transaction.atomic():
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            yield


class _Digest(io.RawIOBase):
    """Bytes on their way into a zip member, counted and hashed."""

    def __init__(self, out: IO[bytes]) -> None:
        super().__init__()
        self.out, self.sha, self.size = out, hashlib.sha256(), 0

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        self.out.write(data)
        self.sha.update(data)
        self.size += len(data)
        return len(data)

    def entry(self) -> dict[str, Any]:
        return {"size": self.size, "sha256": self.sha.hexdigest()}


class _Encoder(DjangoJSONEncoder):
    """Django's encoder keeps milliseconds only; an audit record's time must come back whole,
    or its hash would no longer verify."""

    def default(self, o: Any) -> Any:
        if isinstance(o, dt.datetime | dt.time):
            return o.isoformat()
        return super().default(o)


def _rows(model: type[models.Model]) -> Iterator[models.Model]:
    """Every row in key order, a page per query: bounded memory on any engine, also behind
    PgBouncer where server-side cursors are off."""
    query = model._base_manager.using(DEFAULT_DB_ALIAS).order_by("pk")
    page = list(query[:PAGE])
    while page:
        yield from page
        page = list(query.filter(pk__gt=page[-1].pk)[:PAGE])


def _file_fields(model: type[models.Model]) -> list[models.FileField]:
    return [
        f for f in model._meta.local_concrete_fields
        if isinstance(f, models.FileField) and f.storage is default_storage
    ]


def _dump(zf: zipfile.ZipFile, model: type[models.Model], files: set[str]) -> tuple[str, int, dict[str, Any]]:
    """One table into its member; the names of the stored files its rows refer to into ``files``."""
    member, count = f"data/{_label(model)}.jsonl", 0
    file_fields = _file_fields(model)

    def counted() -> Iterator[models.Model]:
        nonlocal count
        for row in _rows(model):
            count += 1
            for field in file_fields:
                if name := getattr(row, field.attname).name:
                    files.add(name)
            yield row

    # Many-to-many tables are models of their own here (include_auto_created): a row lists
    # its own columns only.
    columns = [f.name for f in model._meta.local_fields]
    with zf.open(_member(member, zipfile.ZIP_DEFLATED), "w", force_zip64=True) as raw:
        digest = _Digest(raw)
        with io.TextIOWrapper(io.BufferedWriter(digest, CHUNK), encoding="utf-8", newline="") as text:
            serializers.get_serializer("jsonl")().serialize(counted(), stream=text, fields=columns, cls=_Encoder)
    return member, count, digest.entry()


def _member(name: str, compression: int) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=time.localtime()[:6])
    info.compress_type = compression
    return info


def _copy_file(zf: zipfile.ZipFile, name: str) -> tuple[str, dict[str, Any]]:
    # Stored, not deflated: evidence is mostly PDF, images and Office files, compressed already.
    info = _member(f"files/{name}", zipfile.ZIP_STORED)
    with default_storage.open(name, "rb") as src, zf.open(info, "w", force_zip64=True) as raw:
        digest = _Digest(raw)
        while block := src.read(CHUNK):
            digest.write(block)
    return info.filename, digest.entry()


@dataclass(frozen=True)
class BackedUp:
    tables: int
    rows: int
    files: int
    size: int
    head: tuple[int, str]
    missing: list[str]  # files a row refers to that the storage no longer has


def backup(path: Path) -> BackedUp:
    """Write the archive to ``path`` (a ``.partial`` file renamed at the end, so that a failed
    backup never leaves a file that looks whole)."""
    partial = path.with_name(path.name + ".partial")
    members: dict[str, dict[str, Any]] = {}
    tables: list[dict[str, Any]] = []
    names: set[str] = set()
    try:
        with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True) as zf:
            with _snapshot():
                created, migrations = timezone.now(), _migrations()
                seq, digest = chain_head()
                keyed = AuditRecord._base_manager.using(DEFAULT_DB_ALIAS).filter(keyed=True).exists()
                for model in _models():
                    if _label(model) in TRANSIENT:
                        continue
                    member, count, members[member] = _dump(zf, model, names)
                    tables.append({"model": _label(model), "table": model._meta.db_table, "rows": count, "member": member})
            # The files after the transaction, to keep it short; one removed meanwhile is named.
            files, missing = [], []
            for name in sorted(names):
                if not default_storage.exists(name):
                    missing.append(name)
                    continue
                member, members[member] = _copy_file(zf, name)
                files.append({"name": name, "member": member})
            manifest = {
                "format": FORMAT, "format_version": FORMAT_VERSION,
                "created_at": created.isoformat(), "app_version": _version(),
                "django_version": django.get_version(), "database": connection.vendor,
                "migrations": migrations,
                "audit": {
                    "head_seq": seq, "head_hash": digest, "keyed": keyed,
                    "unkeyed_until": settings.AUDIT_UNKEYED_UNTIL,  # the restored instance needs the same
                },
                "tables": tables, "files": files, "missing_files": missing,
                "not_included": {label: reason for label, reason in TRANSIENT.items()},
                "members": members,
            }
            zf.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1))
        os.replace(partial, path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    rows = sum(t["rows"] for t in tables)
    return BackedUp(len(tables), rows, len(files), path.stat().st_size, (seq, digest), missing)


# --- restore ---------------------------------------------------------------------------------


def _open(path: Path) -> tuple[zipfile.ZipFile, dict[str, Any]]:
    try:
        zf = zipfile.ZipFile(path)
    except FileNotFoundError as exc:
        raise BackupError(f"{path}：文件不存在") from exc
    except (zipfile.BadZipFile, OSError) as exc:
        raise BackupError(f"{path}：不是 campuseval 的备份文件（无法作为 zip 读取：{exc}）") from exc
    try:
        manifest = json.loads(zf.read(MANIFEST))
    except KeyError as exc:
        raise BackupError(f"{path}：没有清单 {MANIFEST}，不是 campuseval 的备份文件") from exc
    except (zipfile.BadZipFile, zlib.error, EOFError, ValueError) as exc:
        raise BackupError(f"备份文件已损坏：成员 {MANIFEST}（清单）无法读出（{exc}）") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{path}：{MANIFEST} 不是 campuseval 备份的清单")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(f"备份格式第 {manifest.get('format_version')} 版，本程序只能恢复第 {FORMAT_VERSION} 版")
    return zf, manifest


def _verify(zf: zipfile.ZipFile, manifest: dict[str, Any]) -> int:
    """Every member the manifest lists is there with its size and SHA-256, and nothing else."""
    listed: dict[str, dict[str, Any]] = manifest["members"]
    used = [t["member"] for t in manifest["tables"]] + [f["member"] for f in manifest["files"]]
    unlisted = sorted({*zf.namelist(), *used} - set(listed) - {MANIFEST})
    if unlisted:
        raise BackupError(f"备份文件已被改动：成员 {unlisted[0]} 不在清单的校验和中（共 {len(unlisted)} 个）")
    for name, entry in listed.items():
        sha, size = hashlib.sha256(), 0
        try:
            with zf.open(name) as src:
                while block := src.read(CHUNK):
                    sha.update(block)
                    size += len(block)
        except KeyError as exc:
            raise BackupError(f"备份文件已损坏：缺少成员 {name}") from exc
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
            raise BackupError(f"备份文件已损坏：成员 {name} 无法读出（{exc}）") from exc
        if size != entry["size"] or sha.hexdigest() != entry["sha256"]:
            raise BackupError(
                f"备份文件已损坏：成员 {name} 的 SHA-256 与清单不符（清单 {entry['size']} 字节，实际 {size} 字节）"
            )
    return len(listed)


def _some(names: list[str]) -> str:
    return "、".join(names[:5]) + (f" 等 {len(names)} 个" if len(names) > 5 else "")


def _check_migrations(manifest: dict[str, Any]) -> None:
    here = {app: set(names) for app, names in _migrations().items()}
    if not here:
        raise BackupError("本实例的数据库还没有建表：先运行 campuseval migrate，再恢复")
    theirs = {app: set(names) for app, names in manifest["migrations"].items()}
    lacking = sorted(f"{a}.{n}" for a, ns in theirs.items() for n in ns - here.get(a, set()))
    extra = sorted(f"{a}.{n}" for a, ns in here.items() for n in ns - theirs.get(a, set()))
    if lacking or extra:
        parts = [f"备份中有、本实例未应用的迁移：{_some(lacking)}"] if lacking else []
        parts += [f"本实例已应用、备份时没有的迁移：{_some(extra)}"] if extra else []
        raise BackupError(
            "本实例的数据库结构与备份时不同（" + "；".join(parts) + f"）。请用备份时的 campuseval 版本"
            f"（{manifest.get('app_version')}）在新数据库上 migrate 并恢复，之后再升级程序并运行 campuseval migrate"
        )


def _occupied(present: list[type[models.Model]]) -> list[str]:
    """The data tables that hold rows (those migrate fills, and the transient ones, aside)."""
    aside = {*TRANSIENT, *MIGRATE_FILLS}
    return [
        f"{m._meta.db_table}（{n} 行）"
        for m in present
        if _label(m) not in aside and (n := m._base_manager.count())
    ]


def _write_files(zf: zipfile.ZipFile, manifest: dict[str, Any]) -> None:
    for entry in manifest["files"]:
        name = entry["name"]
        with zf.open(entry["member"]) as src:
            content = File(src, name=name)
            content.size = zf.getinfo(entry["member"]).file_size
            try:
                if default_storage.exists(name):  # the archive's file wins over a leftover one
                    default_storage.delete(name)
                saved = default_storage.save(name, content)
            except SuspiciousFileOperation as exc:
                raise BackupError(f"备份中的文件名 {name} 不能写入存储（{exc}）") from exc
        if saved != name:
            raise BackupError(f"文件 {name} 写入存储后成了 {saved}：存储中已有同名文件")


def _insert(model: type[models.Model], fields: list[Any], rows: list[models.Model]) -> int:
    """Insert rows as stored, the way loaddata saves (raw): the values of auto_now fields are
    kept (bulk_create would stamp them with the restore's time) and no signal is sent."""
    db = connections[DEFAULT_DB_ALIAS]
    quote = db.ops.quote_name
    sql = (
        f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(quote(f.column) for f in fields)})"
        f" VALUES ({', '.join(['%s'] * len(fields))})"
    )
    with db.cursor() as cursor:
        cursor.executemany(sql, [[f.get_db_prep_save(getattr(row, f.attname), db) for f in fields] for row in rows])
    return len(rows)


def _load(zf: zipfile.ZipFile, entry: dict[str, Any]) -> type[models.Model]:
    member = entry["member"]
    try:
        model = apps.get_model(entry["model"])
    except LookupError as exc:
        raise BackupError(f"本实例没有备份中的数据表 {entry['table']}（{entry['model']}）") from exc
    fields = [f for f in model._meta.local_concrete_fields if not f.generated]
    count, batch = 0, []
    try:
        with zf.open(member) as raw:
            for obj in serializers.deserialize("jsonl", io.TextIOWrapper(raw, encoding="utf-8")):
                if type(obj.object) is not model:
                    raise BackupError(f"成员 {member} 中有别的表的行（{_label(type(obj.object))}）")
                batch.append(obj.object)
                if len(batch) == PAGE:
                    count, batch = count + _insert(model, fields, batch), []
        count += _insert(model, fields, batch) if batch else 0
    except DeserializationError as exc:
        raise BackupError(f"成员 {member} 的数据无法读入：{exc}") from exc
    except DatabaseError as exc:  # a unique or check constraint, a value the column refuses
        raise BackupError(f"成员 {member} 的行写不进表 {entry['table']}：{exc}") from exc
    if count != entry["rows"]:
        raise BackupError(f"成员 {member} 有 {count} 行，清单记的是 {entry['rows']} 行")
    return model


@dataclass(frozen=True)
class Checked:
    created_at: str
    app_version: str
    database: str
    members: int
    tables: int
    rows: int
    files: int
    head: tuple[int, str]
    keyed: bool
    unkeyed_until: int


def _checked(zf: zipfile.ZipFile, manifest: dict[str, Any]) -> Checked:
    members, audit = _verify(zf, manifest), manifest["audit"]
    return Checked(
        manifest["created_at"], manifest["app_version"], manifest["database"], members,
        len(manifest["tables"]), sum(t["rows"] for t in manifest["tables"]), len(manifest["files"]),
        (audit["head_seq"], audit["head_hash"]), audit["keyed"], audit["unkeyed_until"],
    )


def check_archive(path: Path) -> Checked:
    """Verify every checksum of the archive; touches no database."""
    zf, manifest = _open(path)
    with zf:
        return _checked(zf, manifest)


@dataclass(frozen=True)
class Restored:
    checked: Checked
    audit_count: int
    problems: list[ChainProblem]
    head: tuple[int, str]


def restore(path: Path, *, force: bool = False) -> Restored:
    """Checksums, migration state, an empty instance (or ``force``: emptied); then the files, the
    rows in one transaction (keys kept, sequences reset) and the audit chain's verification."""
    zf, manifest = _open(path)
    with zf:
        checked = _checked(zf, manifest)
        _check_migrations(manifest)
        present = _models()
        occupied = _occupied(present)
        if occupied and not force:
            raise BackupError(
                f"本实例的数据库不是空的，不能恢复：{'、'.join(occupied)}有数据。恢复只写入刚 migrate 过的空数据库"
                "（不要先运行 load_rubrics 或 demo）；确要删除这些数据再恢复，加 --force"
            )
        _write_files(zf, manifest)
        loaded = []
        with transaction.atomic():
            # Every table, so that no session, lockout or queued task of another world stays;
            # the content types and permissions migrate made give way to the archive's.
            tables = [m._meta.db_table for m in present]
            connection.ops.execute_sql_flush(
                connection.ops.sql_flush(no_style(), tables, reset_sequences=True, allow_cascade=True)
            )
            for entry in manifest["tables"]:
                loaded.append(_load(zf, entry))
            try:
                connection.check_constraints()
            except IntegrityError as exc:
                raise BackupError(f"备份中的数据引用了不存在的行：{exc}") from exc
            with connection.cursor() as cursor:
                for sql in connection.ops.sequence_reset_sql(no_style(), loaded):
                    cursor.execute(sql)
    ContentType.objects.clear_cache()
    expect = checked.head if checked.head[0] else None
    count, problems = verify_chain(expect=expect)
    return Restored(checked, count, problems, chain_head())
