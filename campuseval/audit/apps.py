from __future__ import annotations

from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "campuseval.audit"
    verbose_name = "审计日志"

    def ready(self) -> None:
        from . import checks  # noqa: F401 (registers the deployment check)
