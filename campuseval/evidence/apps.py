from __future__ import annotations

from django.apps import AppConfig


class EvidenceConfig(AppConfig):
    name = "campuseval.evidence"
    verbose_name = "佐证材料"
