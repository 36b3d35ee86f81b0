"""The workflow steps of the demo, each taken as the user who would take it.

Every write goes through ``campuseval.campaigns.services`` as the school, its county, an
expert or the city, so the states, events, audit records and inbox notifications are the real
ones. What each school scores and how its reviewers judge it is in its story (``stories``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from campuseval.campaigns import services as wf
from campuseval.campaigns.models import (
    Application,
    Campaign,
    ExpertAssignment,
    IndicatorScore,
    Status,
)
from campuseval.campaigns.selectors import combined_result
from campuseval.engine import Rubric as EngineRubric
from campuseval.engine import SchoolResult
from campuseval.regions.models import School
from campuseval.rubrics.models import Rubric

from .builder import _Builder
from .stories import _contradicted, _gap

RETURN_NOTE = "请按各指标意见补充佐证材料或修改自评后重新提交。"
OVERRIDE = (
    "市级现场核查发现自动录播教室（指标 1.3.3）尚未常态化使用，经评审委员会集体研究，"
    "认定等级由{engine}调整为{chosen}。"
)


class _Steps(_Builder):
    # --- the school -----------------------------------------------------------------------

    def apply(
        self, campaign: Campaign, school: School, *, share: float = 1.0, form: bool = True
    ) -> Application:
        """Start an application, score ``share`` of the rubric top-down, fill in the form."""
        story = self.story(campaign, school)
        user = self.school_user(school)
        with self.acting(user):
            application = wf.application_create(by=user, campaign=campaign, school=school)
            done = story.own[: round(len(story.own) * share)]
            if done:
                wf.self_scores_save(by=user, application=application, scores=done)
            if not form:
                return application
            fields: dict[str, Any] = {"highlights": story.highlights}
            if len(done) == len(story.own):
                fields["applied_tier"] = story.applied
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
        own = self.story(application.campaign, application.school).own
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
        story = self.story(application.campaign, application.school)
        result = self.result(application, story.own)
        user = self.county_user(application.school)
        with self.acting(user):
            if score:
                rows = IndicatorScore.objects.filter(application=application)
                versions = dict(rows.values_list("code", "version"))
                county = [
                    wf.ScoreInput(s.code, s.score, None, s.comment, versions[s.code])
                    for s in story.agreed
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
            story = self.story(campaign, application.school)
            assignments = application.assignments.select_related("expert").order_by(
                "expert__username"
            )
            for k, assignment in enumerate(assignments):
                scores = story.stricter if k else story.agreed
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

    def open(
        self, *, name: str, year: int, rubric: Rubric, stream: str | None = None, **fields: Any
    ) -> Campaign:
        """Open a campaign as the city; ``stream`` names its random stream (default: its name)."""
        with self.acting(self.city_admin):
            campaign = wf.campaign_open(
                by=self.city_admin, city=self.city, year=year, name=name, rubric=rubric, **fields
            )
        if stream is not None:
            self.streams[campaign.pk] = stream
        return campaign


def _why_not(rubric: EngineRubric, result: SchoolResult) -> str:
    """The county's note when it does not recommend: why the scores reach no tier."""
    if result.basic_missed:
        return f"基本要求（★）未全部达到：{'、'.join(result.basic_missed[:5])}"
    lowest = rubric.tiers[-1]
    if lowest.min_total is not None:
        return f"自评总分 {result.total:g} 分，未达到{lowest.name} {lowest.min_total:g} 分"
    return f"未达到{lowest.name}的要求"
