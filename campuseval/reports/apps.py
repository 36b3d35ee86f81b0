from __future__ import annotations

from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "campuseval.reports"
    verbose_name = "评估报告"
