"""Tell people what happened: an inbox entry, and an e-mail where the account has an address."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import transaction

from .models import Notification

log = logging.getLogger(__name__)


def notify(users: Iterable[Any], *, kind: str, message: str, url: str = "", dedupe_key: str = "") -> int:
    """Notify each user once (per ``dedupe_key`` when given); mail goes after the commit."""
    created = []
    for user in users:
        if dedupe_key and Notification.objects.filter(user=user, dedupe_key=dedupe_key).exists():
            continue
        created.append(Notification(user=user, kind=kind, message=message, url=url, dedupe_key=dedupe_key))
    Notification.objects.bulk_create(created)
    mails = [
        (f"[{settings.SITE_NAME or '智慧校园评估平台'}] {message[:60]}", f"{message}\n\n{settings.SITE_URL}{url}", None, [n.user.email])
        for n in created
        if n.user.email
    ]
    if mails:
        transaction.on_commit(lambda: _send(mails))
    return len(created)


def _send(mails: list[tuple[str, str, None, list[str]]]) -> None:
    try:
        send_mass_mail(mails, fail_silently=False)
    except OSError:
        # The inbox entry is the record; a mail server that is down must not undo the action.
        log.exception("could not send %d notification e-mails", len(mails))


def notification_mark_read(*, user: Any, ids: Iterable[int] | None = None) -> int:
    from django.utils import timezone

    qs = Notification.objects.filter(user=user, read_at=None)
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    return qs.update(read_at=timezone.now())
