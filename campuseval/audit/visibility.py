"""Audit records follow the visibility of the object they record.

audit sits below the apps it records, so it cannot know when their objects are hidden. An app
above registers, per ``object_type``, a rule ``hidden(user) -> Q | None``: a Q over
:class:`AuditRecord` selecting the records of that type the user may *not* see, or None when
nothing is hidden from that user. ``selectors.records_for`` excludes them, so the list, the
detail page and the export all follow.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import Q

from campuseval.accounts.scope import AnyUser

HiddenRule = Callable[[AnyUser], Q | None]

_rules: dict[str, list[HiddenRule]] = {}


def register(object_type: str, hidden: HiddenRule) -> None:
    """Hide the records of ``object_type`` (e.g. ``"campaigns.expertscore"``) that ``hidden`` selects."""
    rules = _rules.setdefault(object_type, [])
    if hidden not in rules:  # ready() may run more than once in tests
        rules.append(hidden)


def hidden_records_q(user: AnyUser) -> Q | None:
    """The records hidden from ``user`` by every registered rule, or None when none is."""
    combined: Q | None = None
    for object_type, rules in _rules.items():
        for hidden in rules:
            q = hidden(user)
            if q is None:
                continue
            q = Q(object_type=object_type) & q  # a rule never reaches another type's records
            combined = q if combined is None else combined | q
    return combined
