"""The import page reads its upload itself (``evidence.uploads.reads_uploads``, the imports'
20 MB limit): still protected against cross-site requests, and the job keeps the name sent.
The hostile files and names are in ``tests/evidence/test_upload_refusals.py``."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from campuseval.imports.models import ImportJob

from .conftest import SCHOOL_HEADERS, xlsx

pytestmark = pytest.mark.django_db


def test_an_import_is_still_protected_against_cross_site_requests(cast):
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.county_admin_a)
    url = reverse("imports:upload", args=["schools"])
    body = xlsx(SCHOOL_HEADERS, [])

    assert client.post(url, {"file": SimpleUploadedFile("学校.xlsx", body)}).status_code == 403
    assert not ImportJob.objects.exists()

    page = client.get(url).content.decode()
    token = page.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
    response = client.post(url, {"file": SimpleUploadedFile("学校.xlsx", body), "csrfmiddlewaretoken": token})
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("imports:job", args=[job.pk])
    assert job.original_name == "学校.xlsx" and job.file.name.startswith("imports/")
