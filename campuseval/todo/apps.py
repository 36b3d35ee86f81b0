from __future__ import annotations

from django.apps import AppConfig


class TodoConfig(AppConfig):
    name = "campuseval.todo"
    verbose_name = "待办"
