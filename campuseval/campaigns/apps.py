from __future__ import annotations

from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    name = "campuseval.campaigns"
    verbose_name = "年度创建"

    def ready(self) -> None:
        from . import audit_rules  # noqa: F401  (registers the blind review's audit visibility)
