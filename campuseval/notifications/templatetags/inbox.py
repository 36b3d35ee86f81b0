"""The navbar's inbox link with the unread count: ``{% load inbox %}{% inbox_badge %}``."""

from __future__ import annotations

from typing import Any

from django import template

from campuseval.notifications.models import Notification

register = template.Library()


@register.inclusion_tag("notifications/_inbox_badge.html", takes_context=True)
def inbox_badge(context: template.Context) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"show": False}
    unread = Notification.objects.filter(user=user, read_at=None).count()
    return {"show": True, "unread": unread}
