from __future__ import annotations

from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    name = "campuseval.campaigns"
    verbose_name = "年度创建"
