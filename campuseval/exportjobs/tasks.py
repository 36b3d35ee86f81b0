"""Background tasks (django-tasks): they only call services."""

from __future__ import annotations

from django_tasks import task

from .services import export_job_run


@task()
def export_run(job_id: int) -> None:
    export_job_run(job_id=job_id)
