from __future__ import annotations

from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "campuseval.demo"
    verbose_name = "演示数据"
