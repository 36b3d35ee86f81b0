"""Background tasks (django-tasks): they only call services."""

from __future__ import annotations

from django_tasks import task

from .services import import_job_run


@task()
def import_run(job_id: int) -> None:
    import_job_run(job_id=job_id)
