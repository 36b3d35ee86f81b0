"""Demo campaigns: one at each stage of the workflow, as it stands at the moment the demo runs.

Every write goes through ``campuseval.campaigns.services`` as the user who would make it (the
school, its county, an expert, the city), so the states, events, audit records and inbox
notifications are the real ones. The services compare deadlines with the real clock, so
each campaign is opened with the deadlines still ahead that its work needs, the work is done,
and then ``campaign_update`` moves the passed deadlines back into the past, one at a time
and always in order, until the campaign sits in its stage today. The times of the events
are therefore all "now"; the deadlines tell the story.

Scores come from each school's facts and a random stream seeded by ``--seed``: better
equipped schools score higher, a school whose facts contradict an indicator either claims it
anyway (reviewers see the warning and take the points away) or scores it honestly down.
The engine gives the tier each school applies for, the county's recommendation and the
city's decision.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from campuseval.accounts.models import User
from campuseval.audit.context import Actor, acting_as
from campuseval.campaigns import services as wf
from campuseval.campaigns.models import (
    Application,
    Campaign,
    ExpertAssignment,
    IndicatorScore,
    Stage,
    Status,
)
from campuseval.campaigns.selectors import combined_result, school_facts
from campuseval.engine import Indicator, SchoolInput, SchoolResult, score_school
from campuseval.engine import Rubric as EngineRubric
from campuseval.engine.facts import FactValue, violated
from campuseval.regions.models import Region, School, SchoolFacts
from campuseval.rubrics.models import Rubric
from campuseval.rubrics.services import rubrics_load_shipped

from .generate import CITY, county_username, school_username

TAIZHOU, WEIFANG = "taizhou-2022", "weifang-2022"

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
RETURN_NOTE = "请按各指标意见补充佐证材料或修改自评后重新提交。"
WITHDRAW_REASON = "学校今年暂不申报，计划完善录播教室后明年再申报。"
OVERRIDE = (
    "市级现场核查发现自动录播教室（指标 1.3.3）尚未常态化使用，经评审委员会集体研究，"
    "认定等级由{engine}调整为{chosen}。"
)


@dataclass(frozen=True)
class CampaignSummary:
    """What the demo built for one campaign, for the command's output and the tests."""

    name: str
    year: int
    rubric: str
    stage: str  # the stage's label today
    dates: tuple[tuple[str, str], ...]  # (label, local time), in order
    statuses: tuple[tuple[str, int], ...]  # (status label, applications), in workflow order
    lines: tuple[str, ...]  # what else there is to see: assignments, gaps, tiers


@dataclass(frozen=True)
class _Profile:
    """How good a school is and how it fills in its self-assessment."""

    quality: float  # 0..1, better equipped schools higher
    honest: bool  # scores indicators its facts contradict down, rather than claiming them
    ready: bool  # meets the demonstration requirements (▲) throughout
    facts: dict[str, FactValue]


@dataclass(frozen=True)
class _Plan:
    """What one school does in one campaign, drawn from its own random stream, so that the
    outcome is known (by the engine) before the school applies."""

    own: list[wf.ScoreInput]  # the self-assessment, in the rubric's order
    applied: str  # 申报类型
    highlights: str
    agreed: list[wf.ScoreInput]  # what the county and the first expert give
    stricter: list[wf.ScoreInput]  # the second expert: half a point less here and there
    recommended: bool  # the self-assessment reaches a tier (capped at the applied one)
    outcome: str | None  # the tier the two experts' mean gives; None: 未达标


def _half(value: float) -> float:
    return math.floor(value * 2) / 2


class _Builder:
    def __init__(self, *, seed: int, year: int) -> None:
        self.seed = seed
        self.rng = random.Random(f"campaigns|{seed}")  # campaign-level choices
        self.year = year
        self.today = timezone.localdate()
        self.city = Region.objects.get(code=CITY[0])
        self.users = User.objects.in_bulk(field_name="username")
        self.city_admin = self.users["city"]
        schools = (
            School.objects.filter(county__parent=self.city)
            .exclude(stage=School.Stage.TEACHING_POINT)
            .select_related("county")
            .order_by("county__code", "code")
        )
        self.schools = list(schools)
        facts = SchoolFacts.objects.filter(school__in=self.schools, year__lte=year)
        self.facts: dict[int, SchoolFacts] = {}
        for row in facts.select_related("school").order_by("school_id", "year"):
            self.facts[row.school_id] = row  # the latest year up to the demo's
        self.profiles = {s.pk: self._profile(s) for s in self.schools}
        self.taken: set[int] = set()
        self.engines: dict[int, EngineRubric] = {}
        self.plans: dict[tuple[int, int], _Plan] = {}

    def engine(self, campaign: Campaign) -> EngineRubric:
        if campaign.rubric_id not in self.engines:
            self.engines[campaign.rubric_id] = campaign.rubric.engine_rubric()
        return self.engines[campaign.rubric_id]

    # --- dates ----------------------------------------------------------------------------

    def day(self, offset: int, hour: int = 23, minute: int = 59) -> dt.datetime:
        """A local time ``offset`` days from today (deadlines at 23:59, openings at 08:00)."""
        day = self.today + dt.timedelta(days=offset)
        return dt.datetime.combine(
            day, dt.time(hour, minute), tzinfo=timezone.get_current_timezone()
        )

    def move(self, campaign: Campaign, **dates: dt.datetime) -> Campaign:
        with self.acting(self.city_admin):
            return wf.campaign_update(by=self.city_admin, campaign=campaign, **dates)

    # --- people ---------------------------------------------------------------------------

    @contextmanager
    def acting(self, user: User) -> Iterator[None]:
        """Record the demo's writes as the user who would make them, marked as demo data."""
        with acting_as(Actor(user.pk, f"{user.get_username()}（演示数据）", None)):
            yield

    def school_user(self, school: School) -> User:
        return self.users[school_username(school.code)]

    def county_user(self, school: School) -> User:
        return self.users[county_username(school.county.code)]

    # --- schools and scores ---------------------------------------------------------------

    def _profile(self, school: School) -> _Profile:
        row = self.facts.get(school.pk)
        facts: dict[str, FactValue] = row.as_engine_facts() if row else {"stage": school.stage}
        q = 0.5 + (0.05 if school.location == School.Location.URBAN else -0.05)
        if row is not None:
            q += 0.015 * (float(row.it_funds_share_pct or 8) - 8)
            q += 0.04 * ((row.internet_bandwidth_mbps or 0) >= 2000)
            q += 0.04 * ((row.backbone_bandwidth_mbps or 0) >= 10000)
            q += 0.04 * ((row.desktop_bandwidth_mbps or 0) >= 1000)
        q += self.rng.gauss(0, 0.15)
        quality = min(0.97, max(0.05, q))
        return _Profile(
            quality=quality,
            honest=self.rng.random() < 0.6,
            ready=self.rng.random() < quality**2.5,
            facts=facts,
        )

    def plan(self, campaign: Campaign, school: School) -> _Plan:
        key = (campaign.pk, school.pk)
        if key not in self.plans:
            rng = random.Random(f"campaigns|{self.seed}|{campaign.name}|{school.code}")
            rubric, profile = self.engine(campaign), self.profiles[school.pk]
            own = _self_scores(rng, rubric, profile)
            names = [t.name for t in rubric.tiers]  # highest first
            # The tier the self-assessment gives; an ambitious school applies for one more.
            tier = _tier(rubric, school, profile, own, None)
            applied = names[-1] if tier is None else tier
            if tier is not None and names.index(tier) > 0 and rng.random() < 0.15:
                applied = names[names.index(tier) - 1]
            agreed = _review_scores(rng, rubric, profile, own)
            stricter = [_stricter(rng, rubric.indicator(s.code), s) for s in agreed]
            mean = [
                wf.ScoreInput(a.code, (float(a.score) + float(b.score)) / 2, a.clause_met)
                for a, b in zip(agreed, stricter, strict=True)
            ]
            self.plans[key] = _Plan(
                own=own,
                applied=applied,
                highlights="；".join(rng.sample(HIGHLIGHTS, 3)),
                agreed=agreed,
                stricter=stricter,
                recommended=_tier(rubric, school, profile, own, applied) is not None,
                outcome=_tier(rubric, school, profile, mean, applied),
            )
        return self.plans[key]

    def pick(self, n: int, campaign: Campaign, *, cover: bool = False) -> list[School]:
        """``n`` schools not yet in a demo campaign, spread over the counties by their size;
        better schools are likelier to apply. With ``cover``, first two recommended schools
        for each outcome (every tier, and 未达标 after the experts' review)."""
        free = [s for s in self.schools if s.pk not in self.taken]
        # Weighted sampling without replacement: the largest u ** (1 / weight) win.
        keyed = sorted(
            free,
            key=lambda s: self.rng.random() ** (1 / (0.2 + self.profiles[s.pk].quality)),
            reverse=True,
        )
        chosen: list[School] = []
        if cover:
            wanted = Counter({name: 2 for name in [*campaign.tier_names, None]})
            for school in keyed:
                plan = self.plan(campaign, school)
                if plan.recommended and wanted[plan.outcome] > 0:
                    wanted[plan.outcome] -= 1
                    chosen.append(school)
                if not +wanted:
                    break
        per_county = Counter(s.county_id for s in free)
        share = {c: n * k / len(free) for c, k in per_county.items()}
        quota = {c: math.floor(v) for c, v in share.items()}
        for c in sorted(share, key=lambda c: (quota[c] - share[c], c))[: n - sum(quota.values())]:
            quota[c] += 1
        for school in chosen:
            quota[school.county_id] -= 1
        for school in keyed:
            if len(chosen) < n and quota[school.county_id] > 0 and school not in chosen:
                quota[school.county_id] -= 1
                chosen.append(school)
        for school in keyed:  # still short where covering schools went over a county share
            if len(chosen) < n and school not in chosen:
                chosen.append(school)
        self.taken.update(s.pk for s in chosen)
        return sorted(chosen, key=lambda s: (s.county.code, s.code))

    def result(self, application: Application, scores: Sequence[wf.ScoreInput]) -> SchoolResult:
        """The engine's result for the application, as its pages show it (capped)."""
        return score_school(
            self.engine(application.campaign),
            SchoolInput(
                school=application.school.code,
                scores={s.code: float(s.score) for s in scores if s.score is not None},
                clauses={s.code: bool(s.clause_met) for s in scores if s.clause_met is not None},
                facts=school_facts(application),
                applied_tier=application.applied_tier or None,
            ),
            plan=False,
        )

    # --- the school -----------------------------------------------------------------------

    def apply(
        self, campaign: Campaign, school: School, *, share: float = 1.0, form: bool = True
    ) -> Application:
        """Start an application, score ``share`` of the rubric top-down, fill in the form."""
        plan = self.plan(campaign, school)
        user = self.school_user(school)
        with self.acting(user):
            application = wf.application_create(by=user, campaign=campaign, school=school)
            done = plan.own[: round(len(plan.own) * share)]
            if done:
                wf.self_scores_save(by=user, application=application, scores=done)
            if not form:
                return application
            fields: dict[str, Any] = {"highlights": plan.highlights}
            if len(done) == len(plan.own):
                fields["applied_tier"] = plan.applied
            facts = self.facts.get(school.pk)
            if application.students is None and facts is not None:
                # No facts for the campaign's year: the school types its numbers in.
                fields |= {"classes": facts.classes, "students": facts.students}
                fields["teachers"] = facts.teachers
            return wf.application_update(
                by=user, application=application, expected_version=application.version, **fields
            )

    def submit(self, application: Application) -> Application:
        user = self.school_user(application.school)
        with self.acting(user):
            return wf.application_submit(by=user, application=application)

    def revise(self, application: Application, codes: Sequence[str]) -> None:
        """The school starts revising after a return: it takes back a claim its facts contradict
        or answers with more evidence, on all but the last commented indicator."""
        rubric = self.engine(application.campaign)
        facts = self.profiles[application.school_id].facts
        rows = {r.code: r for r in application.scores.filter(code__in=codes)}
        changes = []
        for code in codes[:-1]:
            row = rows[code]
            value, comment = (
                float(row.self_score or 0),
                "已补充佐证材料：采购合同、验收单和使用记录",
            )
            if _contradicted(rubric.indicator(code), facts):
                value, comment = 0.0, "已按学校基础数据核实，修改自评得分"
            changes.append(wf.ScoreInput(code, value, row.clause_met, comment, row.version))
        user = self.school_user(application.school)
        with self.acting(user):
            wf.self_scores_save(by=user, application=application, scores=changes)

    # --- the county -----------------------------------------------------------------------

    def county_return(self, application: Application) -> list[str]:
        """Return with comments on three claims: those the school's facts contradict, then full
        marks the evidence does not yet bear out. Returns the codes commented on."""
        rubric = self.engine(application.campaign)
        facts = self.profiles[application.school_id].facts
        own = self.plan(application.campaign, application.school).own
        claimed = [s.code for s in own if float(s.score) > 0]
        contradicted = [c for c in claimed if _contradicted(rubric.indicator(c), facts)]
        full = [s.code for s in own if float(s.score) == rubric.indicator(s.code).points]
        codes = [*contradicted, *self.rng.sample(full, min(3, len(full)))]
        codes = list(dict.fromkeys(codes))[:3]
        comments = {
            code: (
                "学校基础数据显示该项未达到要求，请核实后修改自评得分"
                if code in contradicted
                else "佐证材料不足，请补充照片、合同或使用记录"
            )
            for code in codes
        }
        user = self.county_user(application.school)
        with self.acting(user):
            wf.application_return(
                by=user, application=application, comments=comments, note=RETURN_NOTE
            )
        return codes

    def county_review(self, application: Application, *, score: bool = False) -> Application:
        """Recommend what the engine says reaches a tier, within the quota; with ``score``, the
        county scores every indicator first (the campaign in county review shows them)."""
        plan = self.plan(application.campaign, application.school)
        result = self.result(application, plan.own)
        user = self.county_user(application.school)
        with self.acting(user):
            if score:
                rows = IndicatorScore.objects.filter(application=application)
                versions = dict(rows.values_list("code", "version"))
                county = [
                    wf.ScoreInput(s.code, s.score, None, s.comment, versions[s.code])
                    for s in plan.agreed
                ]
                wf.county_scores_save(by=user, application=application, scores=county)
            if result.tier is None:
                note = _why_not(self.engine(application.campaign), result)
                return wf.application_recommend(
                    by=user, application=application, recommend=False, note=note
                )
            try:
                return wf.application_recommend(
                    by=user, application=application, recommend=True, note="同意推荐"
                )
            except wf.WorkflowError as exc:  # the county's quota is used up
                return wf.application_recommend(
                    by=user, application=application, recommend=False, note=str(exc)
                )

    # --- the city and its experts ---------------------------------------------------------

    def assign(self, campaign: Campaign) -> None:
        with self.acting(self.city_admin):
            wf.experts_assign_auto(by=self.city_admin, campaign=campaign)

    def expert_work(self, campaign: Campaign, *, everyone: bool = True) -> None:
        """The experts score their assignments and submit. Unless ``everyone``: the first
        applications get both experts' scores, with a gap on one indicator of the first; the
        next one expert's and a draft from the other; the rest none yet."""
        rubric = self.engine(campaign)
        applications = list(
            Application.objects.filter(campaign=campaign, status=Status.UNDER_REVIEW)
            .select_related("school__county", "campaign__rubric")
            .order_by("school__county__code", "school__code")
        )
        both = len(applications) if everyone else max(1, len(applications) * 2 // 5)
        one = 0 if everyone else len(applications) * 3 // 10
        gap = max(
            (i for i in rubric.indicators if i.requirement is None),
            key=lambda i: (i.points, i.code),
        )
        for n, application in enumerate(applications):
            plan = self.plan(campaign, application.school)
            assignments = application.assignments.select_related("expert").order_by(
                "expert__username"
            )
            for k, assignment in enumerate(assignments):
                scores = plan.stricter if k else plan.agreed
                if not everyone and n == 0:
                    scores = [_gap(s, gap, k) for s in scores]
                if n < both or (n < both + one and k == 0):
                    self._expert_scores(assignment, scores, submit=True)
                elif n < both + one:
                    self._expert_scores(assignment, scores[: len(scores) // 3], submit=False)

    def _expert_scores(
        self, assignment: ExpertAssignment, scores: Sequence[wf.ScoreInput], *, submit: bool
    ) -> None:
        expert = assignment.expert
        with self.acting(expert):
            wf.expert_scores_save(by=expert, assignment=assignment, scores=scores)
            if submit:
                wf.expert_submit(by=expert, assignment=assignment)

    def decide(self, campaign: Campaign, *, override: bool) -> None:
        """The city decides the engine's tier. With ``override``, the first application with a
        tier above the lowest gets one lower instead, with a reason (kept in the audit trail)."""
        names = campaign.tier_names
        applications = (
            Application.objects.filter(campaign=campaign, status=Status.UNDER_REVIEW)
            .select_related("school__county", "campaign__rubric")
            .order_by("school__county__code", "school__code")
        )
        city = self.city_admin
        with self.acting(city):
            for application in applications:
                combined = combined_result(application)
                engine = combined.result.tier if combined else None
                if override and engine in names[:-1]:
                    chosen = names[names.index(engine) + 1]
                    reason = OVERRIDE.format(engine=engine, chosen=chosen)
                    wf.application_decide(
                        by=city, application=application, tier=chosen, reason=reason
                    )
                    override = False
                else:
                    wf.application_decide(by=city, application=application)

    def publish(self, campaign: Campaign) -> Campaign:
        with self.acting(self.city_admin):
            return wf.campaign_publish(by=self.city_admin, campaign=campaign)

    def open(self, *, name: str, year: int, rubric: Rubric, **fields: Any) -> Campaign:
        with self.acting(self.city_admin):
            return wf.campaign_open(
                by=self.city_admin, city=self.city, year=year, name=name, rubric=rubric, **fields
            )


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


def _tier(
    rubric: EngineRubric,
    school: School,
    p: _Profile,
    scores: Sequence[wf.ScoreInput],
    applied: str | None,
) -> str | None:
    """The engine's tier for these scores, capped at ``applied``."""
    result = score_school(
        rubric,
        SchoolInput(
            school=school.code,
            scores={s.code: float(s.score) for s in scores},
            clauses={s.code: bool(s.clause_met) for s in scores if s.clause_met is not None},
            facts=p.facts,
            applied_tier=applied,
        ),
        plan=False,
    )
    return result.tier


def _why_not(rubric: EngineRubric, result: SchoolResult) -> str:
    if result.basic_missed:
        return f"基本要求（★）未全部达到：{'、'.join(result.basic_missed[:5])}"
    lowest = rubric.tiers[-1]
    if lowest.min_total is not None:
        return f"自评总分 {result.total:g} 分，未达到{lowest.name} {lowest.min_total:g} 分"
    return f"未达到{lowest.name}的要求"


# --- the five campaigns ---------------------------------------------------------------------


class _Campaigns(_Builder):
    def application_stage(self, rubric: Rubric) -> Campaign:
        """(1) 申报与自评 now: drafts partly scored, submissions, one returned and being revised."""
        campaign = self.open(
            name=f"{self.year}年滁州市智慧校园认定（第三批）",
            year=self.year,
            rubric=rubric,
            opens_at=self.day(-21, 8, 0),
            application_deadline=self.day(24),
            county_review_deadline=self.day(45),
            city_review_deadline=self.day(75),
            publication_deadline=self.day(90),
            quota_total=10,
        )
        roles = ["returned", "withdrawn", *["submitted"] * 10, *["partial"] * 10, *["new"] * 2]
        self.rng.shuffle(roles)
        for school, role in zip(self.pick(len(roles), campaign), roles, strict=True):
            if role in ("submitted", "returned"):
                application = self.submit(self.apply(campaign, school))
                if role == "returned":
                    self.revise(application, self.county_return(application))
            elif role == "withdrawn":
                application = self.apply(campaign, school, share=0.3, form=False)
                user = self.school_user(school)
                with self.acting(user):
                    wf.application_withdraw(
                        by=user, application=application, reason=WITHDRAW_REASON
                    )
            elif role == "partial":
                share = round(self.rng.uniform(0.15, 0.9), 2)
                self.apply(campaign, school, share=share, form=self.rng.random() < 0.6)
            else:
                self.apply(campaign, school, share=0, form=False)
        return campaign

    def county_stage(self, rubric: Rubric) -> Campaign:
        """(2) 县级初评 now: recommended and not, some still to review, one returned, quotas."""
        campaign = self.open(
            name=f"{self.year}年滁州市智慧校园达标创建（试点）",
            year=self.year,
            rubric=rubric,
            opens_at=self.day(-50, 8, 0),
            application_deadline=self.day(1),
            county_review_deadline=self.day(14),
            city_review_deadline=self.day(45),
            publication_deadline=self.day(60),
            quota_total=4,
            quota_per_tier={rubric.engine_rubric().tiers[0].name: 1},
        )
        schools = self.pick(24, campaign)
        late = self.rng.choice(schools)  # a draft that missed the deadline
        submitted = [self.submit(self.apply(campaign, s)) for s in schools if s is not late]
        self.apply(campaign, late, share=0.5)
        self.move(campaign, application_deadline=self.day(-6))
        order = list(range(len(submitted)))
        self.rng.shuffle(order)
        returned, pending = order[0], set(order[1 : 1 + len(order) * 3 // 10])
        for n, application in enumerate(submitted):  # county by county, in code order
            if n == returned:
                self.revise(application, self.county_return(application))
            elif n not in pending:
                self.county_review(application, score=True)
        return campaign

    def _reviewed(self, campaign: Campaign, n: int, application_deadline: dt.datetime) -> None:
        """``n`` schools apply (every outcome among them) and submit; after the application
        deadline, which moves back to ``application_deadline``, their counties decide."""
        schools = self.pick(n, campaign, cover=True)
        submitted = [self.submit(self.apply(campaign, school)) for school in schools]
        self.move(campaign, application_deadline=application_deadline)
        for application in submitted:
            self.county_review(application)

    def city_stage(self, rubric: Rubric) -> Campaign:
        """(3) 市级终评 now: experts assigned automatically, some submitted, one flagged gap."""
        campaign = self.open(
            name=f"{self.year}年滁州市智慧校园认定（第二批）",
            year=self.year,
            rubric=rubric,
            opens_at=self.day(-80, 8, 0),
            application_deadline=self.day(1),
            county_review_deadline=self.day(2),
            city_review_deadline=self.day(20),
            publication_deadline=self.day(35),
            quota_total=10,
        )
        self._reviewed(campaign, 24, self.day(-40))
        self.move(campaign, county_review_deadline=self.day(-10))
        self.assign(campaign)
        self.expert_work(campaign, everyone=False)
        return campaign

    def decision_stage(self, rubric: Rubric) -> Campaign:
        """(4) 认定与公布 now: every application decided, one override with a reason, unpublished."""
        campaign = self.open(
            name=f"{self.year}年滁州市智慧校园认定（第一批）",
            year=self.year,
            rubric=rubric,
            opens_at=self.day(-110, 8, 0),
            application_deadline=self.day(1),
            county_review_deadline=self.day(2),
            city_review_deadline=self.day(3),
            publication_deadline=self.day(15),
            quota_total=10,
        )
        self._reviewed(campaign, 20, self.day(-75))
        self.move(campaign, county_review_deadline=self.day(-45))
        self.assign(campaign)
        self.expert_work(campaign)
        self.move(campaign, city_review_deadline=self.day(-5))
        self.decide(campaign, override=True)
        return campaign

    def published(self, rubric: Rubric) -> Campaign:
        """(5) Last year's campaign, published: the public results page has every tier."""
        year = self.year - 1
        campaign = self.open(
            name=f"{year}年滁州市智慧校园认定",
            year=year,
            rubric=rubric,
            opens_at=self.day(-30, 8, 0),
            application_deadline=self.day(1),
            county_review_deadline=self.day(2),
            city_review_deadline=self.day(3),
            publication_deadline=self.day(4),
            quota_total=10,
        )
        self._reviewed(campaign, 24, self.day(-20))
        self.move(campaign, county_review_deadline=self.day(-10))
        self.assign(campaign)
        self.expert_work(campaign)
        self.move(campaign, city_review_deadline=self.day(-2))
        self.decide(campaign, override=False)
        campaign = self.publish(campaign)
        # Then it happened last year: its dates (and publication) go back into that year.
        tz = timezone.get_current_timezone()
        dates = {
            "opens_at": dt.datetime(year, 4, 1, 8, 0, tzinfo=tz),
            "application_deadline": dt.datetime(year, 5, 31, 23, 59, tzinfo=tz),
            "county_review_deadline": dt.datetime(year, 6, 30, 23, 59, tzinfo=tz),
            "city_review_deadline": dt.datetime(year, 9, 15, 23, 59, tzinfo=tz),
            "publication_deadline": dt.datetime(year, 10, 31, 23, 59, tzinfo=tz),
            "published_at": dt.datetime(year, 10, 25, 10, 0, tzinfo=tz),
        }
        if dates["publication_deadline"] >= timezone.now():  # a --year ahead of the clock
            days = [(-230, 8, 0), (-170,), (-150,), (-120,), (-100,), (-105, 10, 0)]
            dates = {name: self.day(*d) for name, d in zip(dates, days, strict=True)}
        return self.move(campaign, **dates)


def _rubrics() -> dict[str, Rubric]:
    """The latest versions of the demo's rubrics, loading the shipped files when one is missing."""

    def latest() -> dict[str, Rubric | None]:
        return {
            c: Rubric.objects.filter(code=c).order_by("-version").first()
            for c in (TAIZHOU, WEIFANG)
        }

    found = latest()
    if None in found.values():
        rubrics_load_shipped()
        found = latest()
    missing = [code for code, rubric in found.items() if rubric is None]
    if missing:
        raise LookupError(f"没有找到评估标准 {'、'.join(missing)}：请检查 rubrics/ 目录中的文件")
    return {code: rubric for code, rubric in found.items() if rubric is not None}


@transaction.atomic
def demo_campaigns_create(*, seed: int, year: int) -> list[CampaignSummary]:
    """Build one campaign at each stage in the demo city (``demo_create`` builds the city).

    Returns their summaries in workflow order: application, county review, city review,
    decision, published.
    """
    rubrics = _rubrics()
    builder = _Campaigns(seed=seed, year=year)
    built = [  # the oldest first, so that the audit trail reads in order
        builder.published(rubrics[TAIZHOU]),
        builder.decision_stage(rubrics[TAIZHOU]),
        builder.city_stage(rubrics[TAIZHOU]),
        builder.county_stage(rubrics[WEIFANG]),
        builder.application_stage(rubrics[TAIZHOU]),
    ]
    return [campaign_summary(c) for c in reversed(built)]


def _local(value: dt.datetime) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")


def campaign_summary(campaign: Campaign) -> CampaignSummary:
    """Its stage today, its dates and what its applications, experts and decisions look like."""
    campaign.refresh_from_db()
    dates = tuple(
        (str(field.verbose_name), _local(getattr(campaign, field.name)))
        for field in Campaign._meta.concrete_fields
        if isinstance(field, models.DateTimeField)
        and field.name != "created_at"
        and getattr(campaign, field.name) is not None
    )
    applications = list(campaign.applications.select_related("school__county", "campaign__rubric"))
    statuses = Counter(a.status for a in applications)
    lines = []
    if campaign.quota_total or campaign.quota_per_tier:
        caps = [f"每县至多 {campaign.quota_total} 所"] if campaign.quota_total else []
        caps += [f"{tier}至多 {n} 所" for tier, n in campaign.quota_per_tier.items()]
        lines.append("推荐名额：" + "，".join(caps))
    assignments = [x for a in applications for x in a.assignments.all()]
    if assignments:
        done = sum(x.submitted_at is not None for x in assignments)
        experts = len({x.expert_id for x in assignments})
        lines.append(f"专家评审：{len(assignments)} 份分配给 {experts} 位专家，已提交 {done} 份")
        reviewed = [a for a in applications if a.status == Status.UNDER_REVIEW]
        gaps = [c for a in reviewed if (r := combined_result(a)) for c in r.flagged]
        if gaps:
            lines.append(f"分差待议：{len(gaps)} 个指标（{'、'.join(g.code for g in gaps)}）")
    decided = [a for a in applications if a.status in (Status.DECIDED, Status.PUBLISHED)]
    if decided:
        tiers = Counter(a.decided_tier or "未达标" for a in decided)
        names = [*campaign.tier_names, "未达标"]
        overrides = sum(bool(a.override_reason) for a in decided)
        lines.append(
            "认定："
            + "、".join(f"{t} {tiers[t]}" for t in names if tiers[t])
            + (f"；改判 {overrides} 份（理由见审计记录）" if overrides else "")
        )
    return CampaignSummary(
        name=campaign.name,
        year=campaign.year,
        rubric=str(campaign.rubric),
        stage=Stage(campaign.stage_at(timezone.now())).label,
        dates=dates,
        statuses=tuple((Status(s).label, statuses[s]) for s in Status.values if statuses[s]),
        lines=tuple(lines),
    )
