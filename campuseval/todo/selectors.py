"""Reads of the to-do list: each role's work, from the app that owns it, and the unread inbox.

A role's work is read by its app (``campaigns/selectors/due.py`` for the campaign; a later app,
say plans and their reports, adds its own source to ``SOURCES``), through that app's door and
rulebook; this module only asks the sources of the roles the user holds.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

from campuseval.accounts import scope
from campuseval.accounts.models import User
from campuseval.campaigns.selectors import due
from campuseval.notifications.models import Notification
from campuseval.notifications.selectors import notifications_of

Source = Callable[[User, dt.datetime], Sequence[due.Due]]

# (role, the source of its work), in the order of the page's sections.
SOURCES: tuple[tuple[str, Source], ...] = due.DUE_BY_ROLE


def work_of(user: User, now: dt.datetime) -> list[tuple[str, list[due.Due]]]:
    """Each role the user holds that has work to do somewhere, with what is due for it now."""
    return [(role, list(source(user, now))) for role, source in SOURCES if scope.has_role(user, role)]


def unread_of(user: User, limit: int) -> tuple[int, list[Notification]]:
    """How many notifications the user has not read, and the newest ``limit`` of them."""
    unread = notifications_of(user).filter(read_at=None)
    return unread.count(), list(unread.order_by("-created_at", "-id")[:limit])
