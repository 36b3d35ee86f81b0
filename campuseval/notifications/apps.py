from __future__ import annotations

from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "campuseval.notifications"
    verbose_name = "通知"
