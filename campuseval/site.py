"""The product's name for the templates: the city's own name when set, else 智慧校园评估平台."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _


def site_name(request: HttpRequest) -> dict[str, str]:
    return {"site_name": settings.SITE_NAME or _("智慧校园评估平台")}
