"""Rows for the county review pages: the queue, quotas, the review page's tree and totals."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from campuseval.campaigns import rules
from campuseval.campaigns.models import Application, IndicatorScore
from campuseval.campaigns.selectors import (
    ScoreLine,
    county_result,
    score_lines,
    self_result,
    self_results,
)
from campuseval.campaigns.selectors.county import quota_usage
from campuseval.engine import SchoolResult
from campuseval.evidence.selectors import EvidenceRow
from campuseval.regions.models import Region

from .scores import ScoredArea, ScoredIndicator, number, score_choices, score_tree


def points(value: float) -> str:
    """92.5, 110: the way the rubric prints points (no trailing zeros)."""
    return f"{round(value, 2):g}"


@dataclass
class QueueRow:
    application: Application
    result: SchoolResult
    changed: int  # indicators the school changed after the last return
    scored: int  # indicators the school has scored

    @property
    def total(self) -> str:
        return points(self.result.total)


def queue_rows(applications: list[Application], lines: dict[int, list[ScoreLine]] | None = None) -> list[QueueRow]:
    """Rows with the self-assessment's result; the scores from ``lines`` (``score_lines``), else
    prefetch ``scores`` on the applications."""
    results = self_results(applications, lines)
    rows = []
    for a in applications:
        scores: list[Any] = lines[a.pk] if lines is not None else list(a.scores.all())
        rows.append(
            QueueRow(
                application=a,
                result=results[a.pk],
                changed=sum(1 for s in scores if s.changed_after_return),
                scored=sum(1 for s in scores if s.self_score is not None),
            )
        )
    return rows


def list_rows(applications: list[Application], tiers: list[str]) -> list[QueueRow]:
    """The recommendation list in the bureau's order: the highest applied tier first, then the
    self-score (the scores read as plain rows: a list may hold thousands of schools)."""
    rows = queue_rows(applications, score_lines(applications))
    ranks = {t: n for n, t in enumerate(tiers)}
    rows.sort(key=lambda r: (ranks.get(r.application.applied_tier, len(ranks)), -r.result.total))
    return rows


@dataclass(frozen=True)
class QuotaLine:
    label: str
    used: int
    cap: int | None

    @property
    def remaining(self) -> int | None:
        return None if self.cap is None else max(self.cap - self.used, 0)

    @property
    def full(self) -> bool:
        return self.cap is not None and self.used >= self.cap


def quota_lines(campaign: Any, county: Region) -> list[QuotaLine]:
    usage = quota_usage(campaign, county)
    lines = [QuotaLine("推荐总数", usage["used"], usage["cap"])]
    lines += [QuotaLine(name, t["used"], t["cap"]) for name, t in usage["tiers"].items()]
    return lines


@dataclass(frozen=True)
class CountyRow:
    county: Region
    quota: list[QuotaLine]
    statuses: list[int]  # applications per status, in the order of Status

    @property
    def total(self) -> int:
        return sum(self.statuses)


def county_actions(application: Application, can_act: bool) -> dict[str, bool]:
    """What the review page offers, from the rulebook; the services decide again on every action."""
    def may(action: str) -> bool:
        return can_act and rules.allowed(action, application)

    return {
        "can_act": can_act,
        "is_open": can_act and rules.any_open(application.campaign, rules.COUNTY_STAGES, application.school),
        "may_score": may(rules.COUNTY_SCORE),
        "may_return": may(rules.RETURN),
        "may_recommend": may(rules.RECOMMEND),
        "may_not_recommend": may(rules.NOT_RECOMMEND),
    }


def county_totals(application: Application, rows: list[IndicatorScore]) -> dict[str, Any]:
    rubric = application.campaign.rubric.engine_rubric()
    mine, county = self_result(application, rows), county_result(application)
    scored = {r.code for r in rows if r.county_score is not None}
    return {
        "self": mine,
        "self_total": points(mine.total),
        "county": county,
        "county_total": points(county.total) if county else "",
        "county_scored": len(scored),
        "indicator_count": len(rubric.indicators),
        # Until every indicator has a county score the tier means little; the missed ★ are
        # named only among those scored.
        "county_complete": len(scored) == len(rubric.indicators),
        "county_basic_missed": [c for c in county.basic_missed if c in scored] if county else [],
    }


def review_tree(
    application: Application, rows: list[IndicatorScore], result: SchoolResult, *,
    evidence: dict[str, list[EvidenceRow]] | None = None, typed: dict[str, str] | None = None,
) -> list[ScoredArea]:
    """The shared score tree with the county's score and comment as each indicator's value and
    comment (the school's stay on its ``row``), its evidence, and what a refused return had typed.
    """
    tree = score_tree(
        application, application.campaign.rubric, rows, result=result,
        score_field="county_score", comment_field="county_comment",
    )
    for area in tree:
        for sub in area.subareas:
            for ind in sub.indicators:
                ind.evidence = (evidence or {}).get(ind.code, [])
                if typed is not None:
                    ind.comment = typed.get(f"comment-{ind.code}", "")
    return tree


def keep_typed(item: ScoredIndicator, raw: str, comment: str) -> None:
    """A refused save shows what the reviewer entered, not the saved value."""
    item.comment = comment
    try:
        value = Decimal(raw) if raw.strip() else None
    except InvalidOperation:
        return
    item.choices = score_choices(item.points, item.criteria, value)


def score_refusal(current: IndicatorScore, message: str) -> str:
    """The message of a save refused because someone else saved first."""
    shown = "未评分" if current.county_score is None else f"{number(current.county_score)} 分"
    comment = f"，意见：{current.county_comment}" if current.county_comment else ""
    return f"{message}。当前保存的县级评分为 {shown}{comment}。如仍要改为您填写的内容，请再次保存。"
