from __future__ import annotations

from django.apps import AppConfig


class RegionsConfig(AppConfig):
    name = "campuseval.regions"
    verbose_name = "行政区域与学校"
