from django.apps import AppConfig


class ExportJobsConfig(AppConfig):
    name = "campuseval.exportjobs"
    verbose_name = "批量导出"

    def ready(self) -> None:
        # The worker removes the expired exports' files once a minute.
        from campuseval.imports import worker

        from .services import export_job_abandoned, exports_purge

        if exports_purge not in worker.HOUSEKEEPING:
            worker.HOUSEKEEPING.append(exports_purge)
        # A job whose worker stopped while it ran is marked failed, not left 正在生成.
        worker.ABANDONED["campuseval.exportjobs.tasks.export_run"] = export_job_abandoned
