"""Bulk exports: a zip of many schools' files built by a background job, with its progress on
the page, downloaded by whoever started it, removed when its time is up."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from campuseval.audit.models import AuditRecord
from campuseval.campaigns import services as s
from campuseval.certificates.models import Certificate
from campuseval.exportjobs.models import ExportJob
from campuseval.exportjobs.services import exports_purge
from tests.api.conftest import client_for


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def start(client, captured, *, kind, campaign, **data):
    """Start an export as the page's button does; the job runs when the request commits."""
    with captured(execute=True):
        response = client.post(reverse("exportjobs:start", args=[campaign, kind]), data)
    return response


def zip_names(body: bytes) -> list[str]:
    return zipfile.ZipFile(io.BytesIO(body)).namelist()


def test_the_city_gets_every_certificate_in_one_zip_from_a_background_job(
    client, cast, campaign, published, django_capture_on_commit_callbacks
):
    client.force_login(cast.city_admin)
    response = start(client, django_capture_on_commit_callbacks, kind="certificates", campaign=campaign.pk)
    job = ExportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("exportjobs:job", args=[job.pk])
    assert job.status == "done" and job.total == job.done == 2
    page = client.get(reverse("exportjobs:job", args=[job.pk])).content.decode()
    assert "已生成 2 个文件" in page and reverse("exportjobs:download", args=[job.pk]) in page
    assert 'hx-trigger="every 1s"' not in page  # finished: the page stops asking
    download = client.get(reverse("exportjobs:download", args=[job.pk]))
    assert download.status_code == 200 and "no-store" in download["Cache-Control"] and "private" in download["Cache-Control"]
    names = zip_names(b"".join(download.streaming_content))
    numbers = list(Certificate.objects.order_by("serial").values_list("number", flat=True))
    assert [n[: len(numbers[0])] for n in names] == numbers
    assert AuditRecord.objects.filter(action="export", object_type="certificates.certificate").exists()


def test_a_running_job_shows_its_progress_and_keeps_asking(client, cast, campaign, published):
    job = ExportJob.objects.create(kind="certificates", campaign=campaign, created_by=cast.city_admin,
                                   status="running", total=40, done=10)
    client.force_login(cast.city_admin)
    part = client.get(reverse("exportjobs:job_progress", args=[job.pk])).content.decode()
    assert "已生成 10 / 40 个文件" in part and 'data-progress="25"' in part
    assert 'hx-trigger="every 1s"' in part
    assert "可以关闭本页" in part  # the job goes on without the page


def test_nobody_else_sees_or_downloads_someone_elses_export(client, cast, campaign, published, django_capture_on_commit_callbacks):
    client.force_login(cast.city_admin)
    start(client, django_capture_on_commit_callbacks, kind="certificates", campaign=campaign.pk)
    job = ExportJob.objects.get()
    for other in (cast.platform_admin, cast.county_admin_a, cast.school_user_a):
        client.force_login(other)
        assert client.get(reverse("exportjobs:job", args=[job.pk])).status_code == 404
        assert client.get(reverse("exportjobs:download", args=[job.pk])).status_code == 404


def test_certificates_cannot_be_packed_before_publication(client, cast, campaign, decided, django_capture_on_commit_callbacks):
    client.force_login(cast.city_admin)
    response = start(client, django_capture_on_commit_callbacks, kind="certificates", campaign=campaign.pk)
    assert response.status_code == 404
    assert not ExportJob.objects.exists()


def test_a_county_packs_its_own_schools_self_assessments_only(client, cast, campaign, published, django_capture_on_commit_callbacks):
    client.force_login(cast.county_admin_a)
    start(client, django_capture_on_commit_callbacks, kind="self_assessments", campaign=campaign.pk, county=cast.county_a.code)
    job = ExportJob.objects.get()
    assert job.status == "done", job.error
    body = b"".join(client.get(reverse("exportjobs:download", args=[job.pk])).streaming_content)
    names = zip_names(body)
    assert sorted(names) == sorted(
        f"{school.code}-{school.name}自评表.xlsx" for school in (cast.school_a, cast.teaching_point_a)
    )
    sheet = openpyxl.load_workbook(io.BytesIO(zipfile.ZipFile(io.BytesIO(body)).read(names[0]))).active
    assert any("自评" in str(c.value) for row in sheet.iter_rows(max_row=4) for c in row if c.value)
    refused = start(client, django_capture_on_commit_callbacks, kind="self_assessments", campaign=campaign.pk, county=cast.county_b.code)
    assert refused.status_code == 404


def test_drafts_are_left_out_of_the_countys_zip(client, cast, campaign, clock, django_capture_on_commit_callbacks):
    clock.stage(campaign, "application")
    s.application_create(by=cast.school_user_a, campaign=campaign, school=cast.school_a)
    client.force_login(cast.county_admin_a)
    start(client, django_capture_on_commit_callbacks, kind="self_assessments", campaign=campaign.pk, county=cast.county_a.code)
    job = ExportJob.objects.get()
    assert job.status == "done" and job.total == 0


def test_the_city_packs_every_experts_sheet_and_a_county_may_not(client, cast, campaign, published, django_capture_on_commit_callbacks):
    client.force_login(cast.city_admin)
    start(client, django_capture_on_commit_callbacks, kind="expert_sheets", campaign=campaign.pk)
    job = ExportJob.objects.get()
    assert job.status == "done" and job.total == 3  # one expert per school of the fixture
    client.force_login(cast.county_admin_a)
    assert start(client, django_capture_on_commit_callbacks, kind="expert_sheets", campaign=campaign.pk).status_code == 403


def test_an_export_is_removed_when_its_time_is_up(client, cast, campaign, published, settings, django_capture_on_commit_callbacks):
    settings.EXPORT_KEEP_HOURS = 2
    client.force_login(cast.city_admin)
    start(client, django_capture_on_commit_callbacks, kind="certificates", campaign=campaign.pk)
    job = ExportJob.objects.get()
    path = job.file.path
    assert job.expires_at - job.finished_at == dt.timedelta(hours=2)
    assert exports_purge(now=timezone.now() + dt.timedelta(hours=1)) == 0
    assert exports_purge(now=timezone.now() + dt.timedelta(hours=3)) == 1
    job.refresh_from_db()
    assert job.status == "expired" and not job.file
    import os

    assert not os.path.exists(path)
    client.force_login(cast.city_admin)  # the clock moved
    assert client.get(reverse("exportjobs:download", args=[job.pk])).status_code == 410
    assert "请重新生成" in client.get(reverse("exportjobs:job", args=[job.pk])).content.decode()


def test_an_unknown_kind_is_refused(client, cast, campaign, published, django_capture_on_commit_callbacks):
    client.force_login(cast.city_admin)
    assert start(client, django_capture_on_commit_callbacks, kind="everything", campaign=campaign.pk).status_code == 404


def test_the_api_starts_an_export_reports_progress_and_serves_the_zip(cast, campaign, published, django_capture_on_commit_callbacks):
    api = client_for(cast.city_admin)
    with django_capture_on_commit_callbacks(execute=True):
        started = api.post(reverse("api:export_start", args=[campaign.pk, "certificates"]), {}, format="json")
    assert started.status_code == 202
    job = api.get(reverse("api:export_job", args=[started.json()["id"]])).json()
    assert job["status"] == "done" and job["percent"] == 100 and job["download"]
    download = api.get(job["download"])
    assert download.status_code == 200
    assert len(zip_names(b"".join(download.streaming_content))) == 2
    assert client_for(cast.county_admin_a).get(reverse("api:export_job", args=[job["id"]])).status_code == 404


def test_a_failed_job_tells_its_owner(client, cast, campaign, published, monkeypatch, django_capture_on_commit_callbacks):
    from campuseval.exportjobs import selectors

    def broken(*args, **kwargs):
        raise RuntimeError("磁盘已满")

    monkeypatch.setattr(selectors, "pack", broken)
    client.force_login(cast.city_admin)
    start(client, django_capture_on_commit_callbacks, kind="certificates", campaign=campaign.pk)
    job = ExportJob.objects.get()
    assert job.status == "failed"
    assert "磁盘已满" in client.get(reverse("exportjobs:job", args=[job.pk])).content.decode()


def test_the_worker_removes_expired_exports_without_being_asked(client, cast, campaign, published, clock, monkeypatch, django_capture_on_commit_callbacks):
    from campuseval.imports import worker

    # The clock jumps a day: the worker would close the test's (too old) connection.
    monkeypatch.setattr(worker, "close_old_connections", lambda: None)

    client.force_login(cast.city_admin)
    start(client, django_capture_on_commit_callbacks, kind="certificates", campaign=campaign.pk)
    clock.at(clock.now + dt.timedelta(hours=25))
    worker.work(lambda: True, once=True)
    assert ExportJob.objects.get().status == "expired"


def test_the_api_refuses_a_body_that_is_not_an_object_without_failing(cast, campaign, published, django_capture_on_commit_callbacks):
    api = client_for(cast.county_admin_a)
    with django_capture_on_commit_callbacks(execute=True):
        answer = api.post(reverse("api:export_start", args=[campaign.pk, "self_assessments"]), ["341102"], format="json")
    assert answer.status_code == 202  # no county named: the first the user may open, as the pages choose
    assert ExportJob.objects.get().county == cast.county_a


def test_a_failed_housekeeping_round_does_not_stop_the_worker(monkeypatch, caplog, db):
    from campuseval.imports import worker

    def broken():
        raise OSError("对象存储无法连接")

    monkeypatch.setattr(worker, "HOUSEKEEPING", [broken])
    monkeypatch.setattr(worker, "close_old_connections", lambda: None)  # the test's own connection
    worker.work(lambda: True, once=True)  # returns: no task waits
    assert "housekeeping broken failed" in caplog.text


def test_an_export_whose_worker_stopped_is_marked_failed_and_says_to_export_again(client, cast, campaign, published):
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    from campuseval.imports import worker

    job = ExportJob.objects.create(kind="certificates", campaign=campaign, created_by=cast.city_admin,
                                   status="running", total=40, done=10)
    stopped = f"{worker.socket.gethostname()}:{worker._boot()}:{2**22 + 12345}:abcdefgh"  # no such process
    now = timezone.now()
    DBTaskResult.objects.create(
        status=TaskResultStatus.RUNNING, enqueued_at=now, started_at=now, run_after=now, backend_name="default",
        task_path="campuseval.exportjobs.tasks.export_run", args_kwargs={"args": [job.pk], "kwargs": {}},
        worker_ids=[stopped], exception_class_path="", traceback="",
    )

    assert worker.abandoned_tasks_fail() == 1

    job.refresh_from_db()
    assert job.status == "failed" and "请重新导出" in job.error
    client.force_login(cast.city_admin)
    assert "请重新导出" in client.get(reverse("exportjobs:job", args=[job.pk])).content.decode()
