"""Reads of the inbox: a user's own notifications (another user's are never read)."""

from __future__ import annotations

from django.db.models import QuerySet

from campuseval.accounts.models import User

from .models import Notification


def notifications_of(user: User) -> QuerySet[Notification]:
    return Notification.objects.filter(user=user)
