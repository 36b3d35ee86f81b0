"""Import jobs: create one for an upload, run it in the background, hand out its passwords once,
and remove the personal data they hold once its time is up."""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from dataclasses import dataclass
from io import BytesIO
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from campuseval.accounts.models import User
from campuseval.audit.context import SYSTEM, Actor, acting_as
from campuseval.audit.services import audit_append, audit_log, entry_for
from campuseval.evidence.storing import store
from campuseval.regions.services import ImportCounts

from . import sealed
from .kinds import KINDS
from .kinds.base import RowError, error_order
from .models import ImportJob
from .xlsx import CellNote, UnreadableWorkbook, error_xlsx, read_sheet

logger = logging.getLogger(__name__)


@transaction.atomic
def import_job_create(
    *, kind: str, upload: UploadedFile, by: User, ip: str | None = None
) -> ImportJob:
    """Store the upload under a generated name and queue its job once this transaction commits.

    A storage that fails (disk full) leaves no part of the file and no job: StorageFailed, an
    UploadRefused whose message the page shows."""
    from .tasks import import_run  # the task module imports this one

    job = ImportJob(kind=kind, created_by=by, created_ip=ip, original_name=(upload.name or "")[-200:])
    upload.seek(0)
    job.file.name = store(job.file, f"{uuid.uuid4().hex}.xlsx", upload)
    try:
        job.full_clean()
        job.save()
    except BaseException:
        job.file.delete(save=False)
        raise
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
    job.status, job.summary = ImportJob.Status.DONE, summary
    job.sealed_passwords = sealed.seal(passwords)  # never stored in plaintext
    job.finished_at = timezone.now()
    _save(job, "status", "summary", "sealed_passwords", "finished_at")
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
    """The job's initial passwords, once: they are cleared as they are handed out.

    Past IMPORT_PASSWORDS_KEEP_HOURS they are removed instead (even before the worker's round)
    and nothing is returned. Sealed under another key (SECRET_KEY changed) they cannot be
    shown: ``sealed.Unreadable`` is raised and they stay until their time is up, in case the
    old key comes back.
    """
    now = timezone.now()
    locked = ImportJob.objects.select_for_update().get(pk=job.pk)
    passwords: dict[str, str] = {}
    if locked.sealed_passwords and _passwords_expired(locked, now):
        _remove_passwords([locked], now)
    elif locked.sealed_passwords:
        passwords = sealed.unseal(locked.sealed_passwords)
        locked.sealed_passwords = ""
        _save(locked, "sealed_passwords")
        audit_log(
            "update",
            locked,
            before={"sealed_passwords": f"{len(passwords)} 个，未显示"},
            after={"sealed_passwords": "已显示给导入人并清除"},
        )
    job.sealed_passwords, job.passwords_purged_at = locked.sealed_passwords, locked.passwords_purged_at
    return passwords


def import_job_abandoned(job_id: int) -> None:
    """A job whose worker stopped while it ran (the worker's ``ABANDONED``): marked failed,
    saying what was written and to import the same file again."""
    job = ImportJob.objects.select_for_update().filter(pk=job_id).first()
    if job is None or job.is_finished:
        return
    if job.status == ImportJob.Status.IMPORTING:
        message = (
            "导入中途中断：后台任务进程意外停止（例如服务器重启）或与数据库的连接中断，文件中的数据已写入一部分"
            f"（至少 {job.processed_rows} 行）。请把同一文件重新导入：已写入的行会被更新，不会重复；"
            "如果再次中断，请联系平台管理员。"
        )
        if job.kind == ImportJob.Kind.ACCOUNTS:
            message += "本次已新建的账号的初始密码未能保存，重新导入后这些账号显示为“未变化”，请为它们重置密码。"
    else:
        message = (
            "导入未完成：后台任务进程意外停止（例如服务器重启）或与数据库的连接中断，当时尚未写入任何数据。"
            "请把同一文件重新导入。"
        )
    job.status, job.finished_at = ImportJob.Status.FAILED, timezone.now()
    job.errors = [{"row": 0, "column": "", "header": "", "message": message}]
    job.save(update_fields=["status", "errors", "finished_at"])


# --- keeping personal data no longer than needed ----------------------------------------------


def passwords_keep() -> dt.timedelta:
    """How long unshown initial passwords are kept after the import (IMPORT_PASSWORDS_KEEP_HOURS)."""
    return dt.timedelta(hours=settings.IMPORT_PASSWORDS_KEEP_HOURS)


def files_keep() -> dt.timedelta:
    """How long an uploaded workbook is kept after its job finished (IMPORT_FILES_KEEP_DAYS)."""
    return dt.timedelta(days=settings.IMPORT_FILES_KEEP_DAYS)


@dataclass(frozen=True)
class Purged:
    passwords: int  # jobs whose unshown initial passwords were removed
    files: int  # uploaded workbooks removed from the storage


def _passwords_expired(job: ImportJob, now: dt.datetime) -> bool:
    return job.finished_at is not None and job.finished_at <= now - passwords_keep()


def _remove_passwords(jobs: list[ImportJob], now: dt.datetime) -> None:
    """Clear the sealed passwords of locked jobs, one audit record each (by 系统: the rule acts)."""
    hours = f"{settings.IMPORT_PASSWORDS_KEEP_HOURS:g}"
    for job in jobs:
        job.sealed_passwords, job.passwords_purged_at = "", now
    ImportJob.objects.bulk_update(jobs, ["sealed_passwords", "passwords_purged_at"])
    entries = [
        entry_for(
            "update",
            job,
            before={"sealed_passwords": f"{job.summary.get('created', 0)} 个，未显示"},
            after={"sealed_passwords": f"超过 {hours} 小时未查看，已按规定清除"},
        )
        for job in jobs
    ]
    audit_append(entries, actor=SYSTEM)


def imports_purge(*, now: dt.datetime | None = None) -> Purged:
    """Remove what the imports keep of personal data past its time: unshown initial passwords
    IMPORT_PASSWORDS_KEEP_HOURS after the import, uploaded workbooks IMPORT_FILES_KEEP_DAYS after
    their job finished (or was uploaded, for a job that never finished). The jobs stay, with
    their summary, errors and file name. Run by the worker once a minute and by
    ``campuseval purge_imports``; one read when nothing is due (no write lock on SQLite)."""
    now = now or timezone.now()
    purged = Purged(passwords=_purge_passwords(now), files=_purge_files(now))
    if purged.passwords or purged.files:
        logger.info("imports: removed the passwords of %s jobs and %s files", purged.passwords, purged.files)
    return purged


def _purge_passwords(now: dt.datetime) -> int:
    due = ImportJob.objects.exclude(sealed_passwords="").filter(finished_at__lte=now - passwords_keep())
    ids = list(due.values_list("pk", flat=True))
    if not ids:
        return 0
    with transaction.atomic():
        # Again under the lock: the importer may have opened the page meanwhile.
        jobs = list(due.filter(pk__in=ids).select_for_update())
        if jobs:
            _remove_passwords(jobs, now)
    return len(jobs)


def _purge_files(now: dt.datetime) -> int:
    cutoff = now - files_keep()
    due = (
        ImportJob.objects.filter(file_removed_at__isnull=True)
        .exclude(file="")
        .filter(Q(finished_at__lte=cutoff) | Q(finished_at__isnull=True, created_at__lte=cutoff))
    )
    days = f"{settings.IMPORT_FILES_KEEP_DAYS:g}"
    removed = 0
    for job in list(due):
        name = job.file.name
        # The storage first: should it fail, the row still names the file for the next round.
        try:
            job.file.delete(save=False)
        except Exception:  # one file the storage refuses must not keep the others
            logger.exception("import job %s: could not remove %s; tried again next round", job.pk, name)
            continue
        with transaction.atomic():
            ImportJob.objects.filter(pk=job.pk).update(file="", file_removed_at=now)
            audit_append(
                [entry_for("update", job, before={"file": name}, after={"file": f"超过 {days} 天，已按规定删除"})],
                actor=SYSTEM,
            )
        removed += 1
    return removed


def import_job_error_sheet(*, job: ImportJob) -> bytes:
    """The uploaded sheet with bad cells marked and a 错误 column."""
    errors = [RowError.from_dict(e) for e in job.errors]
    notes = [CellNote(e.row or 1, e.column, e.cell_text) for e in errors]
    # Errors of the file as a whole (unreadable, too many rows): do not load it again; a file
    # removed at its time (imports_purge): just the list of errors.
    readable = any(e.row for e in errors) and bool(job.file)
    return error_xlsx(_uploaded(job) if readable else None, KINDS[job.kind].sheet, notes)
