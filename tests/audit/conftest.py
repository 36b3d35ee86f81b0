from __future__ import annotations

import datetime as dt
from unittest import mock

from django.utils import timezone

from campuseval.audit.context import SYSTEM, Actor, acting_as
from campuseval.audit.services import Entry, audit_append


def record(
    region_code: str = "",
    *,
    action: str = "update",
    object_type: str = "regions.school",
    object_repr: str = "某学校",
    object_id: str = "1",
    actor: Actor = SYSTEM,
    at: dt.datetime | None = None,
    before: dict | None = None,
    after: dict | None = None,
):
    """Append one record to the trail, as ``actor``, at time ``at`` (default now)."""
    entry = Entry(
        action=action,
        object_type=object_type,
        object_id=object_id,
        object_repr=object_repr,
        region_code=region_code,
        before=before,
        after=after,
    )
    with acting_as(actor), mock.patch.object(timezone, "now", return_value=at or timezone.now()):
        return audit_append([entry])[0]


def trail(n: int = 5) -> list:
    """A chain of ``n`` records."""
    return [record(object_repr=f"对象{i}", after={"i": i}) for i in range(1, n + 1)]
