"""Behind nginx, downloads of stored files are handed to nginx (X-Accel-Redirect) once the
door has let the user have them: the answer carries no body, so a large file never passes
through Python, and still names the file and forbids caching."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from django.urls import reverse

from campuseval.evidence.models import EvidenceItem
from campuseval.exportjobs.models import ExportJob
from tests.evidence.conftest import PDF
from tests.evidence.conftest import upload as upload_evidence


@pytest.fixture(autouse=True)
def behind_nginx(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.ACCEL_REDIRECT_PREFIX = "/protected/"


def test_an_evidence_download_is_handed_to_nginx_after_the_door(client, cast, application):
    client.force_login(cast.school_user_a)
    upload_evidence(client, application, "1.1.1", "网络 拓扑图.pdf", PDF)
    item = EvidenceItem.objects.get()
    response = client.get(f"/evidence/{item.pk}/download/")
    assert response.status_code == 200
    assert response["X-Accel-Redirect"] == f"/protected/{quote(item.file.name)}"
    assert response.content == b""
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"] and "filename*=utf-8''%E7%BD%91%E7%BB%9C" in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert response["X-Content-Type-Options"] == "nosniff"
    client.force_login(cast.school_user_b)
    refused = client.get(f"/evidence/{item.pk}/download/")
    assert refused.status_code == 404 and "X-Accel-Redirect" not in refused


def test_a_bulk_export_is_handed_to_nginx_too(client, cast, campaign, published, django_capture_on_commit_callbacks):
    client.force_login(cast.city_admin)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("exportjobs:start", args=[campaign.pk, "certificates"]))
    job = ExportJob.objects.get()
    response = client.get(reverse("exportjobs:download", args=[job.pk]))
    assert response["X-Accel-Redirect"] == f"/protected/{quote(job.file.name)}"
    assert response.content == b""


def test_without_the_setting_the_file_is_streamed(client, cast, application, settings):
    settings.ACCEL_REDIRECT_PREFIX = ""
    client.force_login(cast.school_user_a)
    upload_evidence(client, application, "1.1.1", "图.pdf", PDF)
    response = client.get(f"/evidence/{EvidenceItem.objects.get().pk}/download/")
    assert "X-Accel-Redirect" not in response
    assert b"".join(response.streaming_content) == PDF
