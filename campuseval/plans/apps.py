from __future__ import annotations

from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "campuseval.plans"
    verbose_name = "规划与目标"
