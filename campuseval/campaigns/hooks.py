"""What the apps above hear when applications change, or a campaign is published: registries
they fill from their ``AppConfig.ready()`` (campaigns import nothing of theirs). The dashboards'
summary table keeps itself current through it, inside the service's transaction, so it is never
stale; the certificates are issued through it when the results are published.

``scores`` is False when only the status (and the fields a status change sets) moved.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

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


PublishListener = Callable[[Any, Any], None]  # (campaign, by)

_ON_PUBLISH: list[PublishListener] = []


def listen_publish(listener: PublishListener) -> None:
    if listener not in _ON_PUBLISH:
        _ON_PUBLISH.append(listener)


def published(campaign: Any, by: Any) -> None:
    """The campaign's results were just published (inside the publishing transaction)."""
    for listener in _ON_PUBLISH:
        listener(campaign, by)
