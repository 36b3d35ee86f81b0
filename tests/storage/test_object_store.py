"""Files on an S3-compatible object store (django-storages), as a bureau's cloud offers it:
moto's S3 server runs here on 127.0.0.1, and the product is pointed at it by the same
``campuseval.storage.storage_from_env`` the settings read the environment with. Evidence,
imports and bulk exports go to the bucket and come back through the product's own views."""

from __future__ import annotations

import io
import zipfile

import boto3
import pytest
from django.urls import reverse
from moto.server import ThreadedMotoServer

from campuseval.evidence.models import EvidenceItem
from campuseval.exportjobs.models import ExportJob
from campuseval.exportjobs.services import exports_purge
from campuseval.regions.models import Region
from campuseval.storage import StorageMisconfigured, storage_from_env
from tests.evidence.conftest import PDF
from tests.evidence.conftest import upload as upload_evidence
from tests.imports.conftest import last_job, xlsx
from tests.imports.conftest import upload as upload_import

BUCKET = "campuseval-test"


@pytest.fixture(scope="module")
def s3_server():
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def bucket(settings, s3_server):
    """An empty bucket, and the product's files stored in it."""
    env = {
        "CAMPUSEVAL_STORAGE": "s3", "S3_BUCKET": BUCKET, "S3_ENDPOINT_URL": s3_server,
        "S3_ACCESS_KEY_ID": "test", "S3_SECRET_ACCESS_KEY": "test", "S3_REGION": "us-east-1",
    }
    s3 = boto3.resource(
        "s3", endpoint_url=s3_server, aws_access_key_id="test", aws_secret_access_key="test", region_name="us-east-1"
    )
    b = s3.Bucket(BUCKET)
    if b.creation_date is None:
        b.create()
    b.objects.all().delete()
    settings.STORAGES = {**settings.STORAGES, "default": storage_from_env(env)}
    return b


def keys(bucket) -> list[str]:
    return sorted(o.key for o in bucket.objects.all())


def test_evidence_is_stored_in_the_bucket_and_downloaded_through_the_door(client, cast, application, bucket):
    client.force_login(cast.school_user_a)
    status, _html = upload_evidence(client, application, "1.1.1", "拓扑图.pdf", PDF)
    assert status == 200
    item = EvidenceItem.objects.get()
    assert keys(bucket) == [item.file.name]
    response = client.get(f"/evidence/{item.pk}/download/")
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    client.force_login(cast.school_user_b)
    assert client.get(f"/evidence/{item.pk}/download/").status_code == 404


def test_an_import_is_read_from_the_bucket(client, cast, bucket, django_capture_on_commit_callbacks):
    client.force_login(cast.platform_admin)
    rows = [["341122", "来安县", "县", "341100"]]
    upload_import(client, "regions", xlsx(["行政区划代码", "名称", "级别", "上级区域代码"], rows), django_capture_on_commit_callbacks)
    job = last_job()
    assert job.status == "done", job.errors
    assert Region.objects.get(code="341122").name == "来安县"
    assert job.file.name in keys(bucket)


def test_a_bulk_export_is_kept_in_the_bucket_and_removed_when_its_time_is_up(
    client, cast, campaign, published, bucket, django_capture_on_commit_callbacks
):
    client.force_login(cast.city_admin)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("exportjobs:start", args=[campaign.pk, "certificates"]))
    job = ExportJob.objects.get()
    assert job.status == "done", job.error
    assert job.file.name in keys(bucket)
    body = b"".join(client.get(reverse("exportjobs:download", args=[job.pk])).streaming_content)
    assert len(zipfile.ZipFile(io.BytesIO(body)).namelist()) == 2
    job.expires_at = job.finished_at
    job.save(update_fields=["expires_at"])
    assert exports_purge() == 1
    assert job.file.name not in keys(bucket)


def test_the_storage_setting_names_what_is_wrong():
    assert storage_from_env({})["BACKEND"].endswith("FileSystemStorage")
    with pytest.raises(StorageMisconfigured, match="S3_BUCKET"):
        storage_from_env({"CAMPUSEVAL_STORAGE": "s3"})
    with pytest.raises(StorageMisconfigured, match="only local or s3"):
        storage_from_env({"CAMPUSEVAL_STORAGE": "ftp"})


def test_healthz_answers_for_the_database_and_the_object_store(db, client, bucket):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "storage": "ok"}
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_healthz_says_which_part_failed(db, client, settings):
    settings.STORAGES = {**settings.STORAGES, "default": storage_from_env({
        "CAMPUSEVAL_STORAGE": "s3", "S3_BUCKET": BUCKET, "S3_ENDPOINT_URL": "http://127.0.0.1:9",  # nothing listens
        "S3_ACCESS_KEY_ID": "test", "S3_SECRET_ACCESS_KEY": "test", "S3_REGION": "us-east-1",
    })}
    settings.AWS_S3_MAX_POOL_CONNECTIONS = 1
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "failed", "database": "ok", "storage": "failed"}
