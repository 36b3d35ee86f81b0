from __future__ import annotations

from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "campuseval.imports"
    verbose_name = "数据导入"

    def ready(self) -> None:
        # The worker removes expired initial passwords and uploaded workbooks once a minute.
        from . import worker
        from .services import imports_purge

        if imports_purge not in worker.HOUSEKEEPING:
            worker.HOUSEKEEPING.append(imports_purge)
