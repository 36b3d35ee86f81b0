"""Rows for the campaign pages: the score tree (``scores``), deadlines, and one module per
audience (``county``, ``city``, ``expert``). The score tree's names are re-exported here."""

from __future__ import annotations

from .scores import (
    Choice,
    CodeLink,
    PathView,
    ScoredArea,
    ScoredIndicator,
    ScoreSummary,
    dom_id,
    find_indicator,
    number,
    score_choices,
    score_summary,
    score_tree,
)

__all__ = [
    "Choice", "CodeLink", "PathView", "ScoreSummary", "ScoredArea", "ScoredIndicator", "dom_id",
    "find_indicator", "number", "score_choices", "score_summary", "score_tree",
]
