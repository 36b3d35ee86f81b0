"""Links that keep the dashboard's year and day."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django import template
from django.urls import reverse

from campuseval.analytics.presenters import dashboard_link
from campuseval.analytics.selectors import Scope

register = template.Library()


def _query(s: Scope, *, year: bool = True) -> str:
    query = {"year": s.year if year and s.year else "", "as_of": s.as_of.isoformat() if s.as_of else ""}
    text = urlencode({k: v for k, v in query.items() if v})
    return f"?{text}" if text else ""


@register.simple_tag
def dashboard_url(code: str, s: Scope) -> str:
    return dashboard_link(code, s)


@register.simple_tag
def school_dashboard_url(code: str, s: Scope) -> str:
    return reverse("analytics:school", args=[code]) + _query(s, year=False)


@register.simple_tag
def chart_export_url(code: str, key: str, s: Scope) -> str:
    return reverse("analytics:chart_file", args=[code, key]) + _query(s)


@register.filter
def get_item(mapping: dict[Any, Any], key: Any) -> Any:
    return mapping.get(key)
