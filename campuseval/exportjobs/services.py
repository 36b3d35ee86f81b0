"""Writes: start a bulk export, run it (the background job), and remove expired files."""

from __future__ import annotations

import datetime as dt
import logging
import tempfile
import time
import uuid
import zipfile
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.utils import timezone

from campuseval.audit.services import audit_export, audit_log, snapshot
from campuseval.certificates.services import certificates_issue

from . import access, selectors
from .models import ExportJob

log = logging.getLogger(__name__)
SAVE_EVERY = 0.5  # seconds between two saves of the progress


def keep_for() -> dt.timedelta:
    """How long a finished export's file is kept before it is removed (EXPORT_KEEP_HOURS)."""
    return dt.timedelta(hours=settings.EXPORT_KEEP_HOURS)


@transaction.atomic
def export_start(*, by: Any, kind: str, campaign_id: int, county_code: str = "") -> ExportJob:
    """Queue an export the user may make (the door answers 404/403 first); the job runs in
    the background and survives the page being closed."""
    from .tasks import export_run

    campaign, county = access.may_export(by, kind, campaign_id, county_code)
    job = ExportJob.objects.create(kind=kind, campaign=campaign, county=county, created_by=by)
    audit_log("create", job, after=snapshot(job, ["kind", "campaign_id", "county_id"]),
              region_code=county.code if county else campaign.city.code, by=by)
    transaction.on_commit(lambda: export_run.enqueue(job.pk))
    return job


def _progress(job: ExportJob) -> Callable[[int, int], None]:
    last = [0.0]

    def tell(done: int, total: int) -> None:
        now = time.monotonic()
        if done == total or now - last[0] >= SAVE_EVERY:
            last[0] = now
            ExportJob.objects.filter(pk=job.pk).update(done=done, total=total)

    return tell


def export_job_run(*, job_id: int) -> ExportJob:
    """Build the job's zip, asking the door again as its creator, telling the progress as it
    goes; the file is kept until ``expires_at``. A failure is recorded on the job."""
    job = ExportJob.objects.select_related("created_by", "county", "campaign").get(pk=job_id)
    if job.status != ExportJob.Status.QUEUED:
        return job
    job.status = ExportJob.Status.RUNNING
    job.save(update_fields=["status"])
    try:
        campaign, county = access.may_export(job.created_by, job.kind, job.campaign_id, job.county.code if job.county else "")
        if job.kind == ExportJob.Kind.CERTIFICATES:
            certificates_issue(campaign=campaign, by=job.created_by)
        pack = selectors.pack(job, campaign, county)
        ExportJob.objects.filter(pk=job.pk).update(total=len(pack.entries))
        tell = _progress(job)
        with tempfile.TemporaryFile() as out:
            with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
                for done, entry in enumerate(pack.entries, 1):
                    archive.writestr(entry.name, entry.build())
                    tell(done, len(pack.entries))
            out.seek(0)
            job.file.save(f"{uuid.uuid4().hex}.zip", File(out), save=False)
    except Exception as exc:  # the job's owner is told on its page; the trace goes to the log
        log.exception("export job %s failed", job.pk)
        job.status, job.error = ExportJob.Status.FAILED, str(exc)[:500] or exc.__class__.__name__
        job.finished_at = timezone.now()
        job.save(update_fields=["status", "error", "finished_at"])
        return job
    now = timezone.now()
    job.status, job.file_name, job.finished_at, job.expires_at = ExportJob.Status.DONE, pack.name, now, now + keep_for()
    job.total = job.done = len(pack.entries)
    job.save(update_fields=["status", "file", "file_name", "finished_at", "expires_at", "total", "done"])
    audit_export(
        object_type=pack.object_type, description=f"批量导出{job.get_kind_display()}：{pack.name}", count=len(pack.entries),
        fmt="zip", filters={"campaign": job.campaign_id, **({"county": job.county.code} if job.county else {})},
        region_code=pack.region_code, by=job.created_by,
    )
    return job


def export_job_abandoned(job_id: int) -> None:
    """A job whose worker stopped while it ran (the worker's ``ABANDONED``): marked failed with
    what to do, never left 正在生成; its zip was never kept (the file is saved only at the end)."""
    with transaction.atomic():
        job = ExportJob.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.status in ExportJob.FINISHED:
            return
        job.status, job.finished_at = ExportJob.Status.FAILED, timezone.now()
        job.error = "导出中途中断：后台任务进程意外停止（例如服务器重启）或与数据库的连接中断。请重新导出；如果再次中断，请联系平台管理员。"
        job.save(update_fields=["status", "error", "finished_at"])


def exports_purge(*, now: dt.datetime | None = None) -> int:
    """Remove the files of the exports whose time is up; how many were removed."""
    now = now or timezone.now()
    removed = 0
    for job in ExportJob.objects.filter(status=ExportJob.Status.DONE, expires_at__lte=now):
        if job.file:
            job.file.delete(save=False)
        job.status, job.file = ExportJob.Status.EXPIRED, ""
        job.save(update_fields=["status", "file"])
        removed += 1
    return removed
