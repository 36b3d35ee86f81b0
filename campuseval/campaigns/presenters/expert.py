"""Rows for the expert's pages: the rubric tree with the expert's own inputs, the school's
self-assessment and evidence, and (after one's own submit) the other experts' scores."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from campuseval.campaigns.models import ExpertAssignment, ExpertScore, IndicatorScore
from campuseval.campaigns.selectors import (
    Combined,
    CombinedResult,
    combined_result,
    expert_result,
    self_result,
)
from campuseval.campaigns.selectors.city import assignment_counts, other_submitted_scores
from campuseval.engine.model import Rubric as EngineRubric
from campuseval.evidence.selectors import EvidenceRow, evidence_rows
from campuseval.rubrics.presenters import IndicatorView, fmt

from .scores import score_tree

CLAUSE_VALUES = {"": None, "1": True, "0": False}


def _clause_value(value: bool | None) -> str:
    return "" if value is None else "1" if value else "0"


@dataclass
class ScoreInput:
    """The expert's inputs for one indicator, as the form shows them."""

    code: str
    points: str
    criteria: bool
    has_clause: bool
    score: str = ""
    clause: str = ""
    comment: str = ""
    version: int = 0
    message: str = ""
    error: str = ""

    @classmethod
    def of(cls, rubric: EngineRubric, code: str, row: ExpertScore | None) -> ScoreInput:
        ind = rubric.indicator(code)
        made = cls(code, fmt(ind.points), rubric.kind == "criteria", ind.has_clause)
        if row is not None:
            made.score = "" if row.score is None else fmt(float(row.score))
            made.clause = _clause_value(row.clause_met)
            made.comment = row.comment
            made.version = row.version
        return made


@dataclass
class OtherScore:
    label: str
    score: str
    clause: str
    comment: str


@dataclass
class ReviewRow:
    ind: IndicatorView
    own: ScoreInput
    self_score: IndicatorScore | None
    evidence: list[EvidenceRow] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    others: list[OtherScore] = field(default_factory=list)
    combined: Combined | None = None


@dataclass
class ReviewSubArea:
    heading: str
    points: str | None
    rows: list[ReviewRow]


@dataclass
class ReviewArea:
    heading: str
    points: str | None
    subareas: list[ReviewSubArea]


def _others(assignment: ExpertAssignment) -> dict[str, list[OtherScore]]:
    """The other experts' submitted scores, labelled 其他专家 1, 2, ... (only after one's own submit)."""
    found: dict[str, list[OtherScore]] = {}
    for n, rows in enumerate(other_submitted_scores(assignment), start=1):
        for row in rows:
            found.setdefault(row.code, []).append(
                OtherScore(
                    f"其他专家 {n}",
                    "" if row.score is None else fmt(float(row.score)),
                    {"": "", "1": "达到", "0": "未达到"}[_clause_value(row.clause_met)],
                    row.comment,
                )
            )
    return found


@dataclass(frozen=True)
class OwnTotal:
    """The expert's running total and the tier it gives, as the school's page shows its own."""

    total: str
    tier_name: str


def own_total(assignment: ExpertAssignment) -> OwnTotal:
    result = expert_result(assignment)
    return OwnTotal(fmt(result.total), result.tier_name)


@dataclass
class ReviewPage:
    assignment: ExpertAssignment
    areas: list[ReviewArea]
    criteria: bool
    done: int
    total: int
    submitted: bool
    combined: CombinedResult | None
    experts_submitted: int
    experts_total: int
    own: OwnTotal


def review_page(user: Any, assignment: ExpertAssignment) -> ReviewPage:
    """The shared score tree of the school's self-assessment (its rows, fact warnings), with
    the expert's own inputs, the evidence and, after submission, the other experts' scores."""
    application = assignment.application
    rubric_row = application.campaign.rubric
    rubric = rubric_row.engine_rubric()
    mine = {r.code: r for r in assignment.scores.all()}
    selfs = list(application.scores.all())
    tree = score_tree(application, rubric_row, selfs, result=self_result(application, selfs), engine=rubric)
    evidence = evidence_rows(user, application)
    submitted = assignment.submitted_at is not None
    # Blind scoring: nothing of another expert is read before this expert has submitted.
    others = _others(assignment) if submitted else {}
    combined = combined_result(application) if submitted else None
    areas = []
    for area in tree:
        subareas = []
        for sub in area.subareas:
            rows = [
                ReviewRow(
                    ind=item.view,
                    own=ScoreInput.of(rubric, item.code, mine.get(item.code)),
                    self_score=item.row,
                    evidence=evidence.get(item.code, []),
                    warnings=item.warnings,
                    others=others.get(item.code, []),
                    combined=combined.indicators.get(item.code) if combined else None,
                )
                for item in sub.indicators
            ]
            subareas.append(ReviewSubArea(sub.heading, sub.points, rows))
        areas.append(ReviewArea(area.heading, area.points, subareas))
    counts = assignment_counts(application)
    return ReviewPage(
        assignment=assignment,
        areas=areas,
        criteria=rubric.kind == "criteria",
        done=sum(1 for r in mine.values() if r.score is not None),
        total=len(rubric.indicators),
        submitted=submitted,
        combined=combined,
        experts_submitted=counts["done"],
        experts_total=counts["total"],
        own=own_total(assignment),
    )


