"""Reads of the to-do list: each role's work, from the app that owns it, and the unread inbox.

A role's work is read by its app (``campaigns/selectors/due.py`` for the campaign,
``plans/due.py`` for plans and their reports), through that app's door and rulebook; this module
only asks the sources of the roles the user holds, one section per role.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

from campuseval.accounts import scope
from campuseval.accounts.models import User
from campuseval.campaigns.selectors import due
from campuseval.notifications.models import Notification
from campuseval.notifications.selectors import notifications_of
from campuseval.plans import due as plan_due

Item = due.Due | plan_due.PlanDue
Source = Callable[[User, dt.datetime], Sequence[Item]]

# (role, a source of its work), in the order of the page's sections; a role may have several
# sources (a county's campaign work, then its plans), read into one section.
SOURCES: tuple[tuple[str, Source], ...] = (*due.DUE_BY_ROLE, *plan_due.DUE_BY_ROLE)


def work_of(user: User, now: dt.datetime) -> list[tuple[str, list[Item]]]:
    """Each role the user holds that has work to do somewhere, with what is due for it now."""
    work: dict[str, list[Item]] = {}
    for role, source in SOURCES:
        if scope.has_role(user, role):
            work.setdefault(role, []).extend(source(user, now))
    return list(work.items())


def unread_of(user: User, limit: int) -> tuple[int, list[Notification]]:
    """How many notifications the user has not read, and the newest ``limit`` of them."""
    unread = notifications_of(user).filter(read_at=None)
    return unread.count(), list(unread.order_by("-created_at", "-id")[:limit])
