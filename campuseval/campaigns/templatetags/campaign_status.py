"""The one status badge of an application: ``{% include "campaigns/_status_badge.html" %}``
reads its colour from ``status_class``."""

from __future__ import annotations

from django import template

from campuseval.campaigns.models import Status
from campuseval.campaigns.rules import RECOMMENDED_ONWARD, TEXT_LIMITS

register = template.Library()

CLASSES: dict[str, str] = {
    **{s: "text-bg-success" for s in RECOMMENDED_ONWARD},
    Status.SUBMITTED: "text-bg-primary",
    Status.RETURNED: "text-bg-warning",
    Status.NOT_RECOMMENDED: "text-bg-secondary",
    Status.WITHDRAWN: "text-bg-dark",
}


@register.filter
def status_class(status: str) -> str:
    return CLASSES.get(status, "text-bg-light border")


@register.simple_tag
def text_limit(field: str) -> int:
    """The longest text a field takes (``rules.TEXT_LIMITS``), for the page to state it."""
    return TEXT_LIMITS[field]
