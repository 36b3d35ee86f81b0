from __future__ import annotations

from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "campuseval.imports"
    verbose_name = "数据导入"

    def ready(self) -> None:
        # The worker removes expired initial passwords and uploaded workbooks once a minute.
        from . import worker
        from .services import import_job_abandoned, imports_purge

        if imports_purge not in worker.HOUSEKEEPING:
            worker.HOUSEKEEPING.append(imports_purge)
        # A job whose worker stopped while it ran is marked failed with what to do.
        worker.ABANDONED["campuseval.imports.tasks.import_run"] = import_job_abandoned
