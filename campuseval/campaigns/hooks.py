"""What the apps above hear when applications change: a registry they fill from their
``AppConfig.ready()`` (campaigns import nothing of theirs). The dashboards' summary table keeps
itself current through it, inside the service's transaction, so it is never stale.

``scores`` is False when only the status (and the fields a status change sets) moved.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

Listener = Callable[[list[int], bool], None]

_LISTENERS: list[Listener] = []


def listen(listener: Listener) -> None:
    if listener not in _LISTENERS:
        _LISTENERS.append(listener)


def changed(application_ids: Iterable[int], *, scores: bool = True) -> None:
    ids = list(application_ids)
    if not ids:
        return
    for listener in _LISTENERS:
        listener(ids, scores)
