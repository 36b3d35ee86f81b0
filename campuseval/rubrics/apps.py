from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RubricsConfig(AppConfig):
    name = "campuseval.rubrics"
    label = "rubrics"
    verbose_name = _("评估标准")
