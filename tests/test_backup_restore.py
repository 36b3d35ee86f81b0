"""`campuseval backup` and `campuseval restore` (issue 13).

The demo city (`campuseval demo`, its audit chain keyed) with evidence files is backed up once
for the module; the archive is restored by `campuseval restore` in a subprocess into fresh
databases (a SQLite file, and a PostgreSQL database of our own when the server is reachable:
either engine to either) and compared with the source table by table, row by row, and file by
file. A damaged archive is refused naming the member, a database holding data is refused naming
its tables, and the audit chain verifies after a restore, given the same audit key.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

import dj_database_url
import pytest
from django.apps import apps
from django.core import serializers
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.test import override_settings

from campuseval.accounts.models import User
from campuseval.audit.services import chain_head
from campuseval.backup import MANIFEST, TRANSIENT
from campuseval.campaigns import rules
from campuseval.campaigns.models import Application
from campuseval.evidence.services import Upload, evidence_upload
from campuseval.regions.models import Region, School
from tests.evidence.conftest import PDF, png_bytes

ROOT = Path(__file__).resolve().parent.parent
AUDIT_KEY = "backup-restore-test-audit-key-0123456789"
# Left out of the subprocesses: they run against the database and storage we give them.
NOT_PASSED = {
    "TEST_DATABASE_URL", "DATABASE_URL", "DATABASE_REPLICA_URL", "DATABASE_POOLER", "CAMPUSEVAL_STORAGE",
    "CAMPUSEVAL_AUDIT_KEY", "CAMPUSEVAL_AUDIT_KEY_FILE", "CAMPUSEVAL_AUDIT_SYSLOG", "CAMPUSEVAL_VAR_DIR",
}


@dataclass(frozen=True)
class Source:
    archive: Path
    output: str
    files: dict[str, bytes]  # storage name -> content


def _evidence() -> dict[str, bytes]:
    """Three files (one past the archive's 1 MB copy block) uploaded to an editable application."""
    application = next(
        a for a in Application.objects.filter(status="draft").select_related("campaign__rubric", "school").order_by("pk")
        if rules.allowed(rules.EDIT, a)
    )
    by = User.objects.get(username=f"school-{application.school.code}")
    code = next(iter(application.campaign.rubric.engine_rubric().index))
    big = b"%PDF-1.4\n" + os.urandom(3 * 1024 * 1024 + 17) + b"\n%%EOF\n"
    for name, data in (("网络拓扑图.pdf", PDF), ("校园一角.png", png_bytes()), ("建设方案（全文）.pdf", big)):
        evidence_upload(by=by, application=application, code=code, uploads=[Upload(name, io.BytesIO(data), len(data))])
    names = [n for n in application.school.evidence.values_list("file", flat=True) if n]
    assert len(names) == 3
    files = {}
    for name in names:
        with default_storage.open(name) as f:
            files[name] = f.read()
    return files


@pytest.fixture(scope="module")
def source(django_db_setup, django_db_blocker, tmp_path_factory):
    media = tmp_path_factory.mktemp("source-media")
    archive = tmp_path_factory.mktemp("backup") / "chuzhou.zip"
    out = io.StringIO()
    settings = override_settings(MEDIA_ROOT=media, AUDIT_KEY=AUDIT_KEY.encode())
    with django_db_blocker.unblock(), settings, transaction.atomic():
        call_command("demo", stdout=io.StringIO())
        files = _evidence()
        call_command("backup", str(archive), stdout=out)
        yield Source(archive, out.getvalue(), files)
        transaction.set_rollback(True)


def campuseval(
    *args: str, database_url: str, var: Path, key: str | None = AUDIT_KEY, extra: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in NOT_PASSED and not k.startswith("S3_")}
    env.update(DATABASE_URL=database_url, CAMPUSEVAL_VAR_DIR=str(var), LOG_LEVEL="WARNING", **(extra or {}))
    if key:
        env["CAMPUSEVAL_AUDIT_KEY"] = key
    return subprocess.run(
        [sys.executable, "-m", "campuseval.cli", *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=600
    )


def ok(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 0, result.stderr + result.stdout
    return result.stdout


@dataclass(frozen=True)
class Instance:
    database_url: str
    var: Path  # MEDIA_ROOT is var/media

    def run(self, *args: str, key: str | None = AUDIT_KEY, extra: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        return campuseval(*args, database_url=self.database_url, var=self.var, key=key, extra=extra)


@pytest.fixture(scope="module")
def migrated_sqlite(tmp_path_factory) -> Path:
    """An empty SQLite database, migrated once; each fresh instance starts from a copy."""
    var = tmp_path_factory.mktemp("template")
    ok(campuseval("migrate", "-v0", database_url=f"sqlite:///{var / 'db.sqlite3'}", var=var))
    return var / "db.sqlite3"


@pytest.fixture
def fresh_sqlite(migrated_sqlite, tmp_path_factory):
    def make() -> Instance:
        var = tmp_path_factory.mktemp("instance")
        shutil.copy(migrated_sqlite, var / "db.sqlite3")
        return Instance(f"sqlite:///{var / 'db.sqlite3'}", var)

    return make


def _postgres_admin() -> dict:
    """Where PostgreSQL is: TEST_DATABASE_URL's server when set, else the local one."""
    url = os.environ.get("TEST_DATABASE_URL", "")
    if url.startswith("postgres"):
        return dj_database_url.parse(url)
    return {"HOST": "127.0.0.1", "PORT": 5432, "USER": "postgres", "PASSWORD": ""}


@pytest.fixture
def fresh_postgres(tmp_path):
    """A database of our own on the PostgreSQL server, migrated; dropped afterwards."""
    psycopg = pytest.importorskip("psycopg")
    server = _postgres_admin()
    params = {
        "host": server["HOST"], "port": server["PORT"] or 5432, "user": server["USER"],
        "password": server["PASSWORD"] or None, "connect_timeout": 3,
    }
    name = f"backup_test_target_{os.getpid()}"
    try:
        admin = psycopg.connect(dbname="postgres", autocommit=True, **params)
    except psycopg.OperationalError as exc:
        reason = f"PostgreSQL is not reachable at {params['host']}:{params['port']} ({exc}): restores across engines not run"
        if os.environ.get("CAMPUSEVAL_REQUIRE_POSTGRES"):
            pytest.fail(f"{reason} (CAMPUSEVAL_REQUIRE_POSTGRES=1 requires it)")
        pytest.skip(reason)
    admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.execute(f'CREATE DATABASE "{name}"')
    password = f":{params['password']}" if params["password"] else ""
    instance = Instance(f"postgres://{params['user']}{password}@{params['host']}:{params['port']}/{name}", tmp_path)
    try:
        ok(instance.run("migrate", "-v0"))
        yield instance
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


# --- reading archives ------------------------------------------------------------------------


def manifest_of(archive: Path) -> dict:
    with zipfile.ZipFile(archive) as zf:
        return json.loads(zf.read(MANIFEST))


def tables_of(archive: Path) -> dict[str, list[dict]]:
    """Every table's rows as the archive holds them, parsed (JSON keys in any order)."""
    with zipfile.ZipFile(archive) as zf:
        return {
            t["model"]: [json.loads(line) for line in zf.read(t["member"]).decode().splitlines()]
            for t in json.loads(zf.read(MANIFEST))["tables"]
        }


def assert_same_tables(expected: Path, actual: Path) -> None:
    counts = [(t["model"], t["rows"]) for t in manifest_of(expected)["tables"]]
    assert [(t["model"], t["rows"]) for t in manifest_of(actual)["tables"]] == counts
    theirs = tables_of(actual)
    for model, rows in tables_of(expected).items():
        if theirs[model] != rows:
            differ = next((a, b) for a, b in zip(rows, theirs[model], strict=True) if a != b)
            pytest.fail(f"{model} differs after the restore: {differ[0]} != {differ[1]}")


def assert_same_files(source: Source, instance: Instance) -> None:
    media = instance.var / "media"
    stored = sorted(str(p.relative_to(media)) for p in media.rglob("*") if p.is_file())
    assert stored == sorted(source.files)
    for name, data in source.files.items():
        assert (media / name).read_bytes() == data, name


def assert_raw_rows_equal(source_archive: Path, sqlite_file: Path) -> None:
    """SQLite to SQLite: every column of every row exactly as the source holds it."""
    target = sqlite3.connect(sqlite_file, detect_types=sqlite3.PARSE_DECLTYPES | sqlite3.PARSE_COLNAMES)  # as Django does
    try:
        for table in manifest_of(source_archive)["tables"]:
            pk = connection.introspection.get_primary_key_columns(connection.cursor(), table["table"])[0]
            sql = f'SELECT * FROM "{table["table"]}" ORDER BY "{pk}"'
            with connection.cursor() as cursor:
                cursor.execute(sql)
                expected = cursor.fetchall()
            assert target.execute(sql).fetchall() == expected, table["table"]
    finally:
        target.close()


def restored_line(stdout: str) -> str:
    return next(line for line in stdout.splitlines() if "已恢复" in line)


# --- the backup --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_manifest_lists_every_table_and_member_with_its_checksum(source):
    manifest = manifest_of(source.archive)
    seq, digest = chain_head()

    assert manifest["format"] == "campuseval-backup" and manifest["database"] == connection.vendor
    assert manifest["audit"] == {"head_seq": seq, "head_hash": digest, "keyed": True, "unkeyed_until": 0}
    assert f"审计链头 #{seq} {digest}" in source.output and "3 个文件" in source.output
    counts = {t["model"]: t["rows"] for t in manifest["tables"]}
    tables = set(connection.introspection.table_names())
    for model in apps.get_models(include_auto_created=True):
        label = model._meta.label_lower
        if model._meta.proxy or model._meta.db_table not in tables:
            continue
        if label in TRANSIENT:
            assert label not in counts and label in manifest["not_included"]
        else:
            assert counts[label] == model._base_manager.count(), label
    assert counts["regions.school"] == 561 and counts["evidence.evidenceitem"] == 3
    assert sorted(f["name"] for f in manifest["files"]) == sorted(source.files)
    applied = MigrationRecorder(connection).applied_migrations()
    assert sum(len(names) for names in manifest["migrations"].values()) == len(applied)
    with zipfile.ZipFile(source.archive) as zf:
        assert set(zf.namelist()) == {*manifest["members"], MANIFEST}
        for name, entry in manifest["members"].items():
            data = zf.read(name)
            assert (len(data), hashlib.sha256(data).hexdigest()) == (entry["size"], entry["sha256"]), name


@pytest.mark.django_db
def test_the_archive_holds_every_row_and_every_file_of_the_source(source):
    """Read back through Django's deserializer, each row equals the source's, to the microsecond."""
    with zipfile.ZipFile(source.archive) as zf:
        for table in manifest_of(source.archive)["tables"]:
            model = apps.get_model(table["model"])
            names = [f.attname for f in model._meta.local_concrete_fields]
            expected = list(model._base_manager.order_by("pk").values_list(*names))
            lines = zf.read(table["member"]).decode()
            got = [
                tuple(getattr(o.object, n) for n in names) for o in serializers.deserialize("jsonl", lines)
            ]
            assert got == expected, table["model"]
        for entry in manifest_of(source.archive)["files"]:
            assert zf.read(entry["member"]) == source.files[entry["name"]]


# --- restores ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_restore_into_a_fresh_sqlite_database_gives_back_the_same_city(source, fresh_sqlite, tmp_path):
    target = fresh_sqlite()
    out = ok(target.run("restore", str(source.archive)))

    manifest = manifest_of(source.archive)
    seq, digest = manifest["audit"]["head_seq"], manifest["audit"]["head_hash"]
    assert "SHA-256 均与清单一致" in out
    assert f"链头 #{seq} {digest}，与备份清单记录的一致" in out
    assert "3 个文件" in restored_line(out)
    assert f"链头 #{seq} {digest}" in ok(target.run("audit", "verify", "--expect", f"{seq}:{digest}"))
    ok(target.run("backup", str(tmp_path / "again.zip")))
    assert_same_tables(source.archive, tmp_path / "again.zip")
    assert_same_files(source, target)
    if connection.vendor == "sqlite":
        assert_raw_rows_equal(source.archive, target.var / "db.sqlite3")

    refused = target.run("restore", str(source.archive))
    assert refused.returncode == 1
    assert "不是空的" in refused.stderr and "regions_school（561 行）" in refused.stderr and "--force" in refused.stderr
    again = ok(target.run("restore", str(source.archive), "--force"))
    assert restored_line(again) == restored_line(out) and "与备份清单记录的一致" in again
    assert_same_files(source, target)


@pytest.mark.django_db
def test_a_restore_crosses_engines_sqlite_and_postgresql_both_ways(source, fresh_postgres, fresh_sqlite, tmp_path):
    """The source's archive into PostgreSQL, PostgreSQL's own backup into SQLite: the same rows."""
    out = ok(fresh_postgres.run("restore", str(source.archive)))
    assert "与备份清单记录的一致" in out
    ok(fresh_postgres.run("backup", str(tmp_path / "postgres.zip")))
    assert manifest_of(tmp_path / "postgres.zip")["database"] == "postgresql"
    assert_same_tables(source.archive, tmp_path / "postgres.zip")
    assert_same_files(source, fresh_postgres)
    # Its sequences continue after the restored keys.
    import psycopg

    with psycopg.connect(fresh_postgres.database_url) as target:
        (next_id,) = target.execute("SELECT nextval(pg_get_serial_sequence('regions_region', 'id'))").fetchone()
    assert next_id == Region.objects.order_by("-pk").values_list("pk", flat=True)[0] + 1

    back = fresh_sqlite()
    assert "与备份清单记录的一致" in ok(back.run("restore", str(tmp_path / "postgres.zip")))
    ok(back.run("backup", str(tmp_path / "sqlite.zip")))
    assert_same_tables(source.archive, tmp_path / "sqlite.zip")
    assert_same_files(source, back)


@pytest.mark.django_db
def test_the_audit_chain_needs_the_same_key_after_a_restore(source, fresh_sqlite):
    target = fresh_sqlite()
    result = target.run("restore", str(source.archive), key=None)

    assert result.returncode == 1
    assert "数据和文件已恢复，但审计日志校验失败" in result.stderr
    assert "审计密钥不在备份中" in result.stderr
    assert "审计日志校验失败" in target.run("audit", "verify", key="another-key-of-32-characters-or-more").stderr
    assert "哈希链完整" in ok(target.run("audit", "verify"))


@pytest.mark.django_db
def test_files_go_to_and_come_from_an_object_store(source, fresh_sqlite, tmp_path):
    """Through default_storage: restored into an S3 bucket (moto's server), backed up from it."""
    boto3 = pytest.importorskip("boto3")
    moto_server = pytest.importorskip("moto.server")
    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        endpoint = "http://{}:{}".format(*server.get_host_and_port())
        credentials = {"aws_access_key_id": "test", "aws_secret_access_key": "test", "region_name": "us-east-1"}
        bucket = boto3.resource("s3", endpoint_url=endpoint, **credentials).Bucket("backup-test")
        bucket.create()
        target = fresh_sqlite()
        s3 = {
            "CAMPUSEVAL_STORAGE": "s3", "S3_BUCKET": "backup-test", "S3_ENDPOINT_URL": endpoint,
            "S3_ACCESS_KEY_ID": "test", "S3_SECRET_ACCESS_KEY": "test", "S3_REGION": "us-east-1",
        }
        ok(target.run("restore", str(source.archive), extra=s3))
        assert {o.key: o.get()["Body"].read() for o in bucket.objects.all()} == source.files
        assert not (target.var / "media").exists()
        ok(target.run("backup", str(tmp_path / "from-s3.zip"), extra=s3))
        with zipfile.ZipFile(tmp_path / "from-s3.zip") as zf:
            assert {f["name"]: zf.read(f["member"]) for f in manifest_of(tmp_path / "from-s3.zip")["files"]} == source.files
    finally:
        server.stop()


# --- refusals ----------------------------------------------------------------------------------


def _rewritten(archive: Path, out: Path, change) -> Path:
    with zipfile.ZipFile(archive) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = change(info.filename, src.read(info.filename))
            if data is not None:
                dst.writestr(info, data)
    return out


def restore_refusal(archive: Path) -> str:
    with pytest.raises(CommandError) as refused:
        call_command("restore", str(archive), stdout=io.StringIO())
    return str(refused.value)


@pytest.mark.django_db
def test_a_damaged_archive_is_refused_naming_the_member(source, tmp_path):
    member = "data/regions.school.jsonl"
    edited = _rewritten(
        source.archive, tmp_path / "edited.zip",
        lambda name, data: data.replace("琅琊区".encode(), "琅邪区".encode(), 1) if name == member else data,
    )
    message = restore_refusal(edited)
    assert "备份文件已损坏" in message and member in message and "SHA-256" in message

    # A byte flipped on disk inside a stored file: the zip's own CRC, named as well.
    flipped = tmp_path / "flipped.zip"
    shutil.copy(source.archive, flipped)
    with zipfile.ZipFile(flipped) as zf:
        info = next(i for i in zf.infolist() if i.filename.startswith("files/") and i.file_size > 1000)
    with open(flipped, "r+b") as f:
        f.seek(info.header_offset + 26)
        header = f.read(4)
        start = info.header_offset + 30 + int.from_bytes(header[:2], "little") + int.from_bytes(header[2:], "little")
        f.seek(start + 500)
        byte = f.read(1)
        f.seek(start + 500)
        f.write(bytes([byte[0] ^ 0xFF]))
    message = restore_refusal(flipped)
    assert "备份文件已损坏" in message and info.filename in message

    extra = _rewritten(source.archive, tmp_path / "extra.zip", lambda name, data: data)
    with zipfile.ZipFile(extra, "a") as zf:
        zf.writestr("data/smuggled.jsonl", "{}\n")
    assert "data/smuggled.jsonl" in restore_refusal(extra)

    missing = _rewritten(source.archive, tmp_path / "missing.zip", lambda name, data: None if name == member else data)
    assert f"缺少成员 {member}" in restore_refusal(missing)

    (tmp_path / "not.zip").write_bytes(b"not an archive")
    assert "不是 campuseval 的备份文件" in restore_refusal(tmp_path / "not.zip")

    with pytest.raises(CommandError, match=member):
        call_command("restore", str(edited), "--check", stdout=io.StringIO())
    out = io.StringIO()
    call_command("restore", str(source.archive), "--check", stdout=out)
    assert "SHA-256 均与清单一致" in out.getvalue()


@pytest.mark.django_db
def test_a_restore_into_a_database_with_data_is_refused_naming_its_tables(source):
    schools = School.objects.count()
    message = restore_refusal(source.archive)

    assert "不是空的" in message and "--force" in message
    assert "accounts_user（" in message and "regions_region（10 行）" in message
    assert School.objects.count() == schools


def test_the_backup_command_refuses_to_overwrite_and_wants_a_zip_name(tmp_path):
    (tmp_path / "old.zip").write_bytes(b"x")
    with pytest.raises(CommandError, match="已存在"):
        call_command("backup", str(tmp_path / "old.zip"))
    with pytest.raises(CommandError, match=r"\.zip"):
        call_command("backup", str(tmp_path / "backup.tar.gz"))
