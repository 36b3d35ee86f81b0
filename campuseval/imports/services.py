"""Import jobs: create one for an upload, run it in the background, hand out its passwords once."""

from __future__ import annotations

import logging
import uuid
from io import BytesIO
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from campuseval.accounts.models import User
from campuseval.audit.context import Actor, acting_as
from campuseval.audit.services import audit_log
from campuseval.regions.services import ImportCounts

from .kinds import KINDS
from .kinds.base import RowError, error_order
from .models import ImportJob
from .xlsx import CellNote, UnreadableWorkbook, error_xlsx, read_sheet

logger = logging.getLogger(__name__)


@transaction.atomic
def import_job_create(
    *, kind: str, upload: UploadedFile, by: User, ip: str | None = None
) -> ImportJob:
    """Store the upload under a generated name and queue its job once this transaction commits."""
    from .tasks import import_run  # the task module imports this one

    job = ImportJob(kind=kind, created_by=by, created_ip=ip, original_name=(upload.name or "")[-200:])
    job.file.save(f"{uuid.uuid4().hex}.xlsx", upload, save=False)
    job.full_clean()
    job.save()
    transaction.on_commit(lambda: import_run.enqueue(job.pk))
    return job


def _save(job: ImportJob, *fields: str) -> None:
    job.save(update_fields=list(fields))


def import_job_run(*, job_id: int) -> None:
    """Validate the whole file; if every row is good, write it in batches, recording progress.

    Each batch is its own transaction, so that the page can show progress while the job runs.
    Validation first makes a failure half way unlikely; should one happen (the database
    changed meanwhile), the job says how many rows were written, and importing the same file
    again completes it without duplicates.
    """
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    if job.status != ImportJob.Status.QUEUED:
        return  # already run (a worker retried the task)
    user = job.created_by
    with acting_as(Actor(user.pk, user.get_username(), job.created_ip)):
        try:
            _run(job, user)
        except Exception:
            logger.exception("import job %s failed", job.pk)
            job.status = ImportJob.Status.FAILED
            job.errors = [
                {
                    "row": 0,
                    "column": "",
                    "header": "",
                    "message": f"导入中途出错，已写入 {job.processed_rows} 行。请稍后把同一文件重新导入"
                    "（已写入的行会被更新，不会重复）；如果再次失败，请联系平台管理员。",
                }
            ]
            job.finished_at = timezone.now()
            _save(job, "status", "errors", "finished_at")


def _uploaded(job: ImportJob) -> BytesIO:
    """The uploaded file, read through the storage (the local folder or the object store)."""
    with job.file.open("rb") as handle:
        return BytesIO(handle.read())


def _run(job: ImportJob, user: User) -> None:
    kind = KINDS[job.kind]
    job.status, job.started_at = ImportJob.Status.VALIDATING, timezone.now()
    _save(job, "status", "started_at")
    if not kind.may_import(user):
        _invalid(job, [RowError(0, "", "", "您的角色不能导入这类数据")])
        return
    try:
        sheet = read_sheet(_uploaded(job), kind.sheet)
    except UnreadableWorkbook as exc:
        _invalid(job, [RowError(0, "", "", str(exc))])
        return
    layout, rows, errors = kind.parse(sheet)
    job.total_rows = len(rows)
    _save(job, "total_rows")
    if rows:  # also with bad cells: every bad row of the file is reported at once
        errors += kind.check(rows, layout, user)
    if errors:
        _invalid(job, errors)
        return

    job.status = ImportJob.Status.IMPORTING
    _save(job, "status")
    counts, passwords, lines = ImportCounts(), {}, []
    ordered = kind.order(rows)
    for start in range(0, len(ordered), kind.batch_size):
        batch = ordered[start : start + kind.batch_size]
        with transaction.atomic():
            result = kind.write(batch, user)
        counts.add(result.counts)
        passwords.update(result.passwords)
        lines += result.lines
        job.processed_rows += len(batch)
        _save(job, "processed_rows")

    summary: dict[str, Any] = {
        "created": counts.created,
        "updated": counts.updated,
        "unchanged": counts.unchanged,
    }
    if lines:
        summary["lines"] = lines
    job.status, job.summary, job.initial_passwords = ImportJob.Status.DONE, summary, passwords
    job.finished_at = timezone.now()
    _save(job, "status", "summary", "initial_passwords", "finished_at")
    audit_log(
        "import",
        job,
        after={
            "kind": job.kind,
            "file": job.original_name,
            "rows": job.total_rows,
            "created": counts.created,
            "updated": counts.updated,
            "unchanged": counts.unchanged,
        },
    )


def _invalid(job: ImportJob, errors: list[RowError]) -> None:
    job.status = ImportJob.Status.INVALID
    job.errors = [e.as_dict() for e in sorted(errors, key=error_order)]
    job.finished_at = timezone.now()
    _save(job, "status", "errors", "finished_at")


@transaction.atomic
def import_job_take_passwords(*, job: ImportJob) -> dict[str, str]:
    """The job's initial passwords, once: they are cleared as they are handed out."""
    locked = ImportJob.objects.select_for_update().get(pk=job.pk)
    passwords: dict[str, str] = dict(locked.initial_passwords)
    if passwords:
        locked.initial_passwords = {}
        _save(locked, "initial_passwords")
        audit_log(
            "update",
            locked,
            before={"initial_passwords": f"{len(passwords)} 个，未显示"},
            after={"initial_passwords": "已显示给导入人并清除"},
        )
    job.initial_passwords = {}
    return passwords


def import_job_error_sheet(*, job: ImportJob) -> bytes:
    """The uploaded sheet with bad cells marked and a 错误 column."""
    errors = [RowError.from_dict(e) for e in job.errors]
    notes = [CellNote(e.row or 1, e.column, e.cell_text) for e in errors]
    # Errors of the file as a whole (unreadable, too many rows): do not load it again.
    readable = any(e.row for e in errors)
    return error_xlsx(_uploaded(job) if readable else None, KINDS[job.kind].sheet, notes)
