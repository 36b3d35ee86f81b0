"""Links that keep the dashboard's year and day."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse

from campuseval.analytics.presenters import dashboard_link, query
from campuseval.analytics.selectors import Scope

register = template.Library()


@register.simple_tag
def dashboard_url(code: str, s: Scope) -> str:
    return dashboard_link(code, s)


@register.simple_tag
def school_dashboard_url(code: str, s: Scope) -> str:
    return reverse("analytics:school", args=[code]) + query(s, year=False)


@register.simple_tag
def chart_export_url(code: str, key: str, s: Scope) -> str:
    return reverse("analytics:chart_file", args=[code, key]) + query(s)


@register.filter
def get_item(mapping: dict[Any, Any], key: Any) -> Any:
    return mapping.get(key)
