"""Personal data kept no longer than needed (issue 13, defect 8): imported accounts' initial
passwords are sealed at rest, shown once and removed after IMPORT_PASSWORDS_KEEP_HOURS even if
never shown; uploaded workbooks are removed IMPORT_FILES_KEEP_DAYS after their job finished."""

from __future__ import annotations

import datetime as dt
import re
from io import StringIO

import pytest
from django.conf import settings
from django.contrib.auth import authenticate
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import RequestFactory, override_settings
from django.urls import reverse
from django.utils import timezone

from campuseval.audit.models import AuditRecord
from campuseval.imports import worker
from campuseval.imports.models import ImportJob
from campuseval.imports.sealed import unseal
from campuseval.imports.services import imports_purge

from .conftest import SCHOOL_HEADERS, last_job, login, read, upload, xlsx

pytestmark = pytest.mark.django_db
HEADERS = ["用户名", "姓名", "手机号", "角色", "区域代码", "学校标识码", "所在县（市、区）代码"]
ACCOUNTS = [
    ["lang_admin2", "陈一", "13900000001", "县级管理员", "341102", None, None],
    ["school_a_2", "陈二", None, "学校用户", None, "2134000001", None],
]
SCHOOL = ["2134000101", "新学校", "小学", "城镇", "341102", "", "示例路 1 号", "王校长", "李老师", "13900000009"]
SHOWN = re.compile(r'user-select-all">([^<]+)</td>')


def _raw_row(pk: int) -> str:
    """Every column of the job's row as the database holds it: what a copy of it reveals."""
    table = connection.ops.quote_name(ImportJob._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {table} WHERE id = %s", [pk])
        return repr(cursor.fetchone())


def _import_accounts(client, cast, django_capture_on_commit_callbacks) -> ImportJob:
    login(client, cast.platform_admin)
    upload(client, "accounts", xlsx(HEADERS, ACCOUNTS), django_capture_on_commit_callbacks)
    job = last_job()
    assert job.status == ImportJob.Status.DONE, job.errors
    return job


def _page(client, job: ImportJob) -> str:
    response = client.get(reverse("imports:job", args=[job.pk]))
    assert response.status_code == 200
    return response.content.decode()


def _age(job: ImportJob, **delta: float) -> None:
    """Move the job back in time, as if it had been uploaded and finished ``delta`` ago."""
    ago = timezone.now() - dt.timedelta(**delta)
    ImportJob.objects.filter(pk=job.pk).update(created_at=ago, started_at=ago, finished_at=ago)


def _purge_records(job: ImportJob) -> list[AuditRecord]:
    return list(
        AuditRecord.objects.filter(object_type="imports.importjob", object_id=str(job.pk), actor_name="系统").order_by("seq")
    )


# --- the initial passwords ----------------------------------------------------------------------


def test_it_stores_the_initial_passwords_encrypted_not_in_plaintext(client, cast, django_capture_on_commit_callbacks):
    job = _import_accounts(client, cast, django_capture_on_commit_callbacks)
    stored = _raw_row(job.pk)

    shown = SHOWN.findall(_page(client, job))

    assert len(shown) == 2
    for password in shown:
        assert password not in stored
    assert "gAAAA" in stored  # a Fernet token: version byte 0x80 and its timestamp, base64


def test_it_still_shows_the_importer_the_passwords_exactly_once(client, cast, django_capture_on_commit_callbacks):
    job = _import_accounts(client, cast, django_capture_on_commit_callbacks)

    first = _page(client, job)
    again = _page(client, job)

    shown = SHOWN.findall(first)
    assert len(shown) == 2 and "初始密码只显示这一次" in first
    request = RequestFactory().post("/accounts/login/")
    assert authenticate(request, username="lang_admin2", password=shown[0]) is not None
    assert not SHOWN.findall(again) and shown[0] not in again
    assert "初始密码已经显示过一次" in again
    job.refresh_from_db()
    assert job.sealed_passwords == "" and job.passwords_purged_at is None
    shown_record = AuditRecord.objects.get(object_type="imports.importjob", object_id=str(job.pk), action="update")
    assert shown_record.after == {"sealed_passwords": "已显示给导入人并清除"}
    assert shown_record.actor_name == cast.platform_admin.username


def test_the_worker_removes_unshown_passwords_after_the_keep_hours(client, cast, django_capture_on_commit_callbacks):
    job = _import_accounts(client, cast, django_capture_on_commit_callbacks)
    now = timezone.now()

    assert imports_purge(now=now + dt.timedelta(hours=71)).passwords == 0
    purged = imports_purge(now=now + dt.timedelta(hours=73))

    assert (purged.passwords, purged.files) == (1, 0)
    job.refresh_from_db()
    assert job.sealed_passwords == "" and job.passwords_purged_at == now + dt.timedelta(hours=73)
    assert job.summary["created"] == 2 and job.original_name == "导入.xlsx"  # the job stays
    page = _page(client, job)
    assert not SHOWN.findall(page)
    assert "初始密码已超过 72 小时未查看，已按规定于" in page and "请为这些账号重置密码" in page
    assert "初始密码已经显示过一次" not in page
    (record,) = _purge_records(job)
    assert record.action == "update" and record.actor_id is None
    assert record.before == {"sealed_passwords": "2 个，未显示"}
    assert record.after == {"sealed_passwords": "超过 72 小时未查看，已按规定清除"}
    assert imports_purge(now=now + dt.timedelta(hours=74)).passwords == 0  # once


@override_settings(IMPORT_PASSWORDS_KEEP_HOURS=1)
def test_a_page_opened_after_the_keep_hours_shows_nothing_even_before_the_worker_ran(
    client, cast, django_capture_on_commit_callbacks
):
    job = _import_accounts(client, cast, django_capture_on_commit_callbacks)
    _age(job, hours=2)

    page = _page(client, job)

    assert not SHOWN.findall(page) and "data:application" not in page
    assert "初始密码已超过 1 小时未查看，已按规定于" in page
    job.refresh_from_db()
    assert job.sealed_passwords == "" and job.passwords_purged_at is not None
    (record,) = _purge_records(job)
    assert record.after == {"sealed_passwords": "超过 1 小时未查看，已按规定清除"}


def test_purge_imports_command_and_the_worker_run_the_purge(client, cast, django_capture_on_commit_callbacks):
    job = _import_accounts(client, cast, django_capture_on_commit_callbacks)
    _age(job, hours=80)
    out = StringIO()

    call_command("purge_imports", stdout=out)

    assert "已清除 1 次导入中到期未查看的初始密码，删除 0 个到期的上传文件" in out.getvalue()
    job.refresh_from_db()
    assert job.sealed_passwords == "" and job.passwords_purged_at is not None
    assert imports_purge in worker.HOUSEKEEPING


def test_a_changed_secret_key_gives_a_clear_message_not_an_error(client, cast, django_capture_on_commit_callbacks):
    job = _import_accounts(client, cast, django_capture_on_commit_callbacks)
    old_key = settings.SECRET_KEY

    with override_settings(SECRET_KEY="another-key-after-a-reinstall"):
        login(client, cast.platform_admin)  # the session's hash follows the key
        page = _page(client, job)

    assert not SHOWN.findall(page)
    assert "初始密码无法再显示" in page and "请平台管理员为这些新账号重置密码" in page
    assert "初始密码已经显示过一次" not in page
    job.refresh_from_db()
    assert job.sealed_passwords  # kept until its time, should the old key come back
    # A rotation done as Django asks (the old key in SECRET_KEY_FALLBACKS) still opens them.
    with override_settings(SECRET_KEY="the-rotated-key", SECRET_KEY_FALLBACKS=[old_key]):
        login(client, cast.platform_admin)
        assert len(SHOWN.findall(_page(client, job))) == 2


# --- the uploaded workbooks ---------------------------------------------------------------------


def test_the_workbook_is_removed_after_the_keep_days_and_the_job_stays(client, cast, django_capture_on_commit_callbacks):
    login(client, cast.county_admin_a)
    upload(client, "schools", xlsx(SCHOOL_HEADERS, [SCHOOL]), django_capture_on_commit_callbacks, name="学校名单.xlsx")
    job = last_job()
    assert job.status == ImportJob.Status.DONE, job.errors
    name = job.file.name
    assert default_storage.exists(name)
    assert "原文件已按规定" not in _page(client, job)
    now = timezone.now()

    assert imports_purge(now=now + dt.timedelta(days=29)).files == 0
    assert default_storage.exists(name)
    purged = imports_purge(now=now + dt.timedelta(days=31))

    assert (purged.passwords, purged.files) == (0, 1)
    assert not default_storage.exists(name)
    job.refresh_from_db()
    assert not job.file and job.file_removed_at == now + dt.timedelta(days=31)
    assert (job.original_name, job.status, job.summary["created"]) == ("学校名单.xlsx", "done", 1)
    page = _page(client, job)
    assert "原文件已按规定于" in page and "删除" in page
    assert "导入完成" in page and "学校名单.xlsx" in page
    (record,) = _purge_records(job)
    assert record.before == {"file": name}
    assert record.after == {"file": "超过 30 天，已按规定删除"}
    assert imports_purge(now=now + dt.timedelta(days=32)).files == 0  # once


def test_a_bad_file_removed_still_lists_its_errors_without_the_original(client, cast, django_capture_on_commit_callbacks):
    login(client, cast.county_admin_a)
    bad = [SCHOOL[:1] + [""] + SCHOOL[2:]]  # no school name
    upload(client, "schools", xlsx(SCHOOL_HEADERS, bad), django_capture_on_commit_callbacks)
    job = last_job()
    assert job.status == ImportJob.Status.INVALID
    assert "下载标出错误的文件" in _page(client, job)
    _age(job, days=31)

    assert imports_purge().files == 1

    page = _page(client, job)
    assert "原文件已按规定于" in page
    assert "下载标出错误的文件" not in page and "下载错误清单" in page
    assert "不能为空" in page  # the errors stay
    sheet = read(client.get(reverse("imports:job_errors", args=[job.pk])).content)
    assert sheet[0] == ["行", "列", "错误"]
    assert len(sheet) == 2 and "新学校" not in repr(sheet)


def test_the_file_of_a_job_that_never_finished_is_removed_too(client, cast):
    from django.core.files.uploadedfile import SimpleUploadedFile

    login(client, cast.county_admin_a)
    client.post(  # the task is never run: the test transaction never commits
        reverse("imports:upload", args=["schools"]),
        {"file": SimpleUploadedFile("学校.xlsx", xlsx(SCHOOL_HEADERS, [SCHOOL]))},
    )
    job = last_job()
    name = job.file.name
    ImportJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - dt.timedelta(days=31))

    assert imports_purge().files == 1
    assert not default_storage.exists(name)


def test_a_file_the_storage_refuses_to_remove_does_not_keep_the_others(client, cast, monkeypatch):
    from django.core.files.uploadedfile import SimpleUploadedFile

    login(client, cast.county_admin_a)
    for n in (1, 2):
        client.post(
            reverse("imports:upload", args=["schools"]),
            {"file": SimpleUploadedFile(f"学校{n}.xlsx", xlsx(SCHOOL_HEADERS, [SCHOOL]))},
        )
    stuck, other = ImportJob.objects.order_by("pk")
    ImportJob.objects.update(created_at=timezone.now() - dt.timedelta(days=31))
    delete = default_storage.delete

    def refuse(name):
        if name == stuck.file.name:
            raise PermissionError(name)
        delete(name)

    monkeypatch.setattr(default_storage, "delete", refuse)

    assert imports_purge().files == 1
    stuck.refresh_from_db()
    other.refresh_from_db()
    assert stuck.file and stuck.file_removed_at is None  # tried again next round
    assert not other.file and other.file_removed_at is not None


# --- the data migration ------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_migration_seals_the_passwords_stored_in_plaintext_before():
    before, after = ("imports", "0003_sealed_passwords_and_removed_files"), ("imports", "0005_remove_plaintext_passwords")
    executor = MigrationExecutor(connection)
    executor.migrate([before])
    old = executor.loader.project_state([before]).apps
    user = old.get_model("accounts", "User").objects.create(username="old_admin")
    job = old.get_model("imports", "ImportJob").objects.create(
        kind="accounts", file="imports/old.xlsx", original_name="账号.xlsx", status="done",
        initial_passwords={"zhang_san": "Plain-Old-Pass-1"}, created_by_id=user.pk, finished_at=timezone.now(),
    )

    executor = MigrationExecutor(connection)
    executor.migrate([after])

    assert "Plain-Old-Pass-1" not in _raw_row(job.pk)
    assert unseal(ImportJob.objects.get(pk=job.pk).sealed_passwords) == {"zhang_san": "Plain-Old-Pass-1"}
