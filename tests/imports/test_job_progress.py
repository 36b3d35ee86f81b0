"""The job page polls its progress with htmx until the job is done, then shows the result."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from campuseval.imports.models import ImportJob
from campuseval.imports.services import import_job_run

from .conftest import SCHOOL_HEADERS, last_job, login, xlsx

pytestmark = pytest.mark.django_db
ROWS = [["2134000101", "新学校", "小学", "城镇", "341102", "", "", "", "", ""]]


def _queued(client, cast):
    """An uploaded job whose task has not run yet (the test transaction never commits)."""
    login(client, cast.county_admin_a)
    client.post(
        reverse("imports:upload", args=["schools"]),
        {"file": SimpleUploadedFile("学校.xlsx", xlsx(SCHOOL_HEADERS, ROWS))},
    )
    return last_job()


def test_it_polls_every_second_while_the_job_waits(client, cast):
    job = _queued(client, cast)

    page = client.get(reverse("imports:job", args=[job.pk])).content.decode()
    fragment = client.get(reverse("imports:job_progress", args=[job.pk]), HTTP_HX_REQUEST="true")

    assert job.status == ImportJob.Status.QUEUED
    assert 'hx-trigger="every 1s"' in page
    assert f'hx-get="{reverse("imports:job_progress", args=[job.pk])}"' in page
    assert "imports/progress.js" in page
    body = fragment.content.decode()
    assert body.lstrip().startswith('<div id="job-progress"')
    assert "<html" not in body
    assert 'class="progress"' in body and 'data-progress="' in body
    assert "style=" not in body


def test_it_stops_polling_and_shows_the_result_when_done(client, cast):
    job = _queued(client, cast)
    import_job_run(job_id=job.pk)

    body = client.get(reverse("imports:job_progress", args=[job.pk])).content.decode()

    assert "hx-trigger" not in body
    assert "导入完成" in body
    job.refresh_from_db()
    assert (job.total_rows, job.processed_rows, job.percent) == (1, 1, 100)
    assert job.started_at <= job.finished_at


def test_it_runs_a_job_only_once(client, cast):
    job = _queued(client, cast)
    import_job_run(job_id=job.pk)
    import_job_run(job_id=job.pk)

    job.refresh_from_db()
    assert job.summary == {"created": 1, "updated": 0, "unchanged": 0}


def test_it_shows_a_job_only_to_its_uploader(client, cast):
    job = _queued(client, cast)
    client.logout()
    urls = [
        reverse("imports:job", args=[job.pk]),
        reverse("imports:job_progress", args=[job.pk]),
        reverse("imports:job_errors", args=[job.pk]),
    ]

    assert [client.get(u).status_code for u in urls] == [302, 302, 302]
    login(client, cast.city_admin)
    assert [client.get(u).status_code for u in urls] == [404, 404, 404]
    login(client, cast.platform_admin)
    assert [client.get(u).status_code for u in urls] == [404, 404, 404]


def test_it_stores_the_upload_under_a_generated_name(client, cast, media):
    job = _queued(client, cast)

    assert job.original_name == "学校.xlsx"
    assert job.file.name.startswith("imports/")
    assert "学校" not in job.file.name
    assert (media / job.file.name).exists()


def test_it_fails_gracefully_when_the_file_cannot_be_read(client, cast, media):
    job = _queued(client, cast)
    (media / job.file.name).write_bytes(b"PK\x03\x04 not really")

    import_job_run(job_id=job.pk)

    job.refresh_from_db()
    assert job.status == ImportJob.Status.INVALID
    assert job.errors[0]["message"] == "无法读取该文件：它可能已损坏，或不是 Excel 工作簿"
    assert client.get(reverse("imports:job_errors", args=[job.pk])).status_code == 200


def test_a_workbook_whose_sheet_is_damaged_inside_is_called_damaged_not_a_passing_failure(client, cast, media):
    import io
    import zipfile

    job = _queued(client, cast)
    path = media / job.file.name
    source, damaged = zipfile.ZipFile(io.BytesIO(path.read_bytes())), io.BytesIO()
    with zipfile.ZipFile(damaged, "w") as out:
        for item in source.infolist():
            data = source.read(item)
            if item.filename.startswith("xl/worksheets/"):
                data = data[: len(data) // 2]  # the sheet's XML cut in the middle
            out.writestr(item, data)
    path.write_bytes(damaged.getvalue())

    import_job_run(job_id=job.pk)

    job.refresh_from_db()
    assert job.status == ImportJob.Status.INVALID
    message = job.errors[0]["message"]
    assert "工作表的内容已损坏" in message and "稍后" not in message
