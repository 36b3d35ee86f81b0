from __future__ import annotations

from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "campuseval.analytics"
    verbose_name = "数据看板"

    def ready(self) -> None:
        # The summary table follows every change the campaign services make.
        from campuseval.campaigns import hooks

        from .services import applications_changed

        hooks.listen(applications_changed)
