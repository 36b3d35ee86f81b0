from __future__ import annotations

from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "campuseval.plans"
    verbose_name = "规划与目标"

    def ready(self) -> None:
        # One cron line: ``campuseval remind_deadlines`` runs the plans' 催办 after the campaigns'.
        from campuseval.campaigns.reminders import register_daily

        from .reminders import daily

        register_daily(daily)
