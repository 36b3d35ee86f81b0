"""What each demo school is like and what it does in a campaign, drawn from the seed.

A school's profile (how good it is, how it fills in its self-assessment) comes from the
builder's campaign-level stream; its story in one campaign from a stream of its own, so that
the outcome is known (by the engine) before the school applies. Better equipped schools score
higher; a school whose facts contradict an indicator either claims it anyway (reviewers see
the warning and take the points away) or scores it honestly down.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass

from campuseval.campaigns import services as wf
from campuseval.campaigns.models import Application, Campaign
from campuseval.campaigns.selectors import result_for
from campuseval.engine import Indicator
from campuseval.engine import Rubric as EngineRubric
from campuseval.engine.facts import FactValue, violated
from campuseval.regions.models import School

HIGHLIGHTS = (
    "千兆校园网和无线网络覆盖全部教学区域",
    "录播教室常态化开展“三个课堂”，与乡村学校结对授课",
    "智慧课堂覆盖全部班级，课堂互动数据用于学情分析",
    "教师信息技术应用能力提升工程 2.0 全员达标",
    "家校共育平台打通作业、通知与综合素质评价",
    "开设人工智能与编程校本课程，组建机器人社团",
    "校园安防、门禁与一卡通系统联动",
    "建成校本数字资源库，教师人人参与资源建设",
    "教务、排课、选课与成绩管理一体化",
    "图书馆与创客空间向学生全天开放，借阅数据可视化",
)


@dataclass(frozen=True)
class _Profile:
    """How good a school is and how it fills in its self-assessment."""

    quality: float  # 0..1, better equipped schools higher
    honest: bool  # scores indicators its facts contradict down, rather than claiming them
    ready: bool  # meets the demonstration requirements (▲) throughout
    facts: dict[str, FactValue]


@dataclass(frozen=True)
class _Story:
    """What one school does in one campaign, drawn from its own random stream, so that the
    outcome is known (by the engine) before the school applies."""

    own: list[wf.ScoreInput]  # the self-assessment, in the rubric's order
    applied: str  # 申报类型
    highlights: str
    agreed: list[wf.ScoreInput]  # what the county and the first expert give
    stricter: list[wf.ScoreInput]  # the second expert: half a point less here and there
    recommended: bool  # the self-assessment reaches a tier (capped as the campaign says)
    outcome: str | None  # the tier the two experts' mean gives; None: 未达标


def _story(
    rng: random.Random,
    campaign: Campaign,
    rubric: EngineRubric,
    school: School,
    profile: _Profile,
) -> _Story:
    """The school's story in the campaign, drawn from ``rng`` (its own stream)."""
    own = _self_scores(rng, rubric, profile)
    names = [t.name for t in rubric.tiers]  # highest first
    # The tier the self-assessment gives; an ambitious school applies for one more.
    tier = _tier(campaign, rubric, school, profile, own, None)
    applied = names[-1] if tier is None else tier
    if tier is not None and names.index(tier) > 0 and rng.random() < 0.15:
        applied = names[names.index(tier) - 1]
    agreed = _review_scores(rng, rubric, profile, own)
    stricter = [_stricter(rng, rubric.indicator(s.code), s) for s in agreed]
    mean = [
        wf.ScoreInput(a.code, (float(a.score) + float(b.score)) / 2, a.clause_met)
        for a, b in zip(agreed, stricter, strict=True)
    ]
    return _Story(
        own=own,
        applied=applied,
        highlights="；".join(rng.sample(HIGHLIGHTS, 3)),
        agreed=agreed,
        stricter=stricter,
        recommended=_tier(campaign, rubric, school, profile, own, applied) is not None,
        outcome=_tier(campaign, rubric, school, profile, mean, applied),
    )


def _tier(
    campaign: Campaign,
    rubric: EngineRubric,
    school: School,
    p: _Profile,
    scores: Sequence[wf.ScoreInput],
    applied: str | None,
) -> str | None:
    """The engine's tier for these scores of the school applying for ``applied`` in the
    campaign, before it applies: capped at ``applied`` when the campaign caps, by the rule
    that decides it for real applications (``campaigns.selectors``)."""
    application = Application(campaign=campaign, school=school, applied_tier=applied or "")
    result = result_for(
        application,
        {s.code: float(s.score) for s in scores},
        {s.code: bool(s.clause_met) for s in scores if s.clause_met is not None},
        rubric=rubric,
        facts=p.facts,
    )
    return result.tier


def _half(value: float) -> float:
    return math.floor(value * 2) / 2


def _contradicted(ind: Indicator, facts: dict[str, FactValue]) -> bool:
    """Whether the school's facts contradict a claim of the indicator's points."""
    return any(violated(check, facts) for check in ind.checks)


def _self_scores(rng: random.Random, rubric: EngineRubric, p: _Profile) -> list[wf.ScoreInput]:
    """The school's self-assessment of every indicator, in the rubric's order."""
    out = []
    for ind in rubric.indicators:
        contradicted = _contradicted(ind, p.facts)
        value: float
        if rubric.kind == "criteria":
            if contradicted:
                value = 0 if p.honest else 1
            elif ind.requirement == "demo":
                value = 1 if p.ready or rng.random() < 0.3 + 0.5 * p.quality else 0
            else:
                value = 1 if rng.random() > 0.02 * (1.1 - p.quality) else 0
        elif contradicted:
            value = _half(ind.points * rng.uniform(0, 0.6)) if p.honest else ind.points
        else:
            if ind.requirement == "basic":
                full = 1 - 0.012 * (1.1 - p.quality)
            elif ind.requirement == "demo":
                full = 1.0 if p.ready else 0.2 + 0.5 * p.quality
            else:
                full = 0.05 + 0.75 * p.quality
            partial = min(ind.points - 0.5, _half(ind.points * rng.uniform(0, 0.75)))
            value = ind.points if rng.random() < full else partial
        clause = (p.ready or rng.random() < 0.2 + 0.6 * p.quality) if ind.has_clause else None
        out.append(wf.ScoreInput(ind.code, value, clause))
    return out


def _review_scores(
    rng: random.Random, rubric: EngineRubric, p: _Profile, own: Sequence[wf.ScoreInput]
) -> list[wf.ScoreInput]:
    """What reviewers agree on: the school's scores, less what its facts or evidence lack."""
    out = []
    for item in own:
        ind = rubric.indicator(item.code)
        value, comment = float(item.score), ""
        doubt = (0.002 if ind.requirement else 0.08) * (1.4 - p.quality)
        if _contradicted(ind, p.facts) and value > 0:
            value, comment = 0.0, "学校基础数据与自评不符，按数据核减"
        elif value > 0 and rng.random() < doubt:
            value = 0.0 if rubric.kind == "criteria" else max(0.0, value - rng.choice((0.5, 1)))
            comment = "佐证材料不足，酌情扣分"
        clause = bool(item.clause_met) and rng.random() < 0.85 + 0.15 * p.quality
        out.append(wf.ScoreInput(item.code, value, clause if ind.has_clause else None, comment))
    return out


def _stricter(rng: random.Random, ind: Indicator, item: wf.ScoreInput) -> wf.ScoreInput:
    # Half a point off an indicator of 2 or more points stays under the gap threshold (half
    # its points) and off ★/▲, so the experts' mean keeps the requirements the first met.
    score = float(item.score)
    if ind.requirement is None and ind.points >= 2 and score >= 0.5 and rng.random() < 0.2:
        return wf.ScoreInput(item.code, score - 0.5, item.clause_met, "部分佐证材料不够充分")
    return item


def _gap(item: wf.ScoreInput, ind: Indicator, expert: int) -> wf.ScoreInput:
    """Two experts far apart on one indicator (a gap of at least half its points)."""
    if item.code != ind.code:
        return item
    if expert == 0:
        return wf.ScoreInput(item.code, ind.points, item.clause_met, "材料齐全，应用效果明显")
    low = max(0, ind.points - 2)
    return wf.ScoreInput(item.code, low, item.clause_met, "仅见方案，未见应用记录")
