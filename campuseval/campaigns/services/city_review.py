"""The city review (市级终评): assign experts (never to their own county), the experts' blind
scores and submission, and the city's decision."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from campuseval.accounts.models import User
from campuseval.audit.services import audit_log, snapshot
from campuseval.campaigns import hooks, rules
from campuseval.campaigns.models import Application, Campaign, ExpertAssignment, ExpertScore, Status
from campuseval.campaigns.rules import WorkflowError
from campuseval.campaigns.selectors import combined_result, missing_expert_scores
from campuseval.campaigns.selectors.city import expert_load_counts, experts_of
from campuseval.notifications.services import notify

from .common import region_code, tell_school, transition
from .scores import ScoreInput, save_score_rows


@dataclass
class AssignmentReport:
    created: int
    understaffed: list[str]


@transaction.atomic
def experts_assign_auto(*, by: User, campaign: Campaign) -> AssignmentReport:
    """Give every recommended application its experts, balancing load, avoiding conflicts."""
    rules.check_city_review(campaign)
    experts = experts_of(campaign)
    if not experts:
        raise WorkflowError("本市还没有评估专家账号")
    counts = expert_load_counts(campaign)
    load = {e.pk: counts.get(e.pk, {}).get("n", 0) for e in experts}
    applications = (
        Application.objects.select_for_update(of=("self",))
        .filter(campaign=campaign, status__in=rules.startable_statuses(rules.ASSIGN))
        .select_related("school__county")
        .order_by("school__county__code", "school__code")
    )
    created, understaffed = 0, []
    for application in applications:
        have = set(application.assignments.values_list("expert_id", flat=True))
        need = campaign.experts_per_application - len(have)
        candidates = sorted(
            (e for e in experts if e.pk not in have and rules.expert_conflict(e, application.school) is None),
            key=lambda e: (load[e.pk], e.username),
        )
        for expert in candidates[: max(need, 0)]:
            _assign(by=by, application=application, expert=expert, automatic=True)
            load[expert.pk] += 1
            created += 1
        if need > len(candidates):
            understaffed.append(str(application.school))
        if application.status == Status.RECOMMENDED and application.assignments.exists():
            transition(application, by, Status.UNDER_REVIEW)
    return AssignmentReport(created, understaffed)


def _assign(*, by: User, application: Application, expert: User, automatic: bool) -> ExpertAssignment:
    assignment = ExpertAssignment.objects.create(application=application, expert=expert, assigned_by=by, automatic=automatic)
    audit_log("create", assignment, after=snapshot(assignment), region_code=region_code(application), by=by)
    notify(
        [expert],
        kind="assigned",
        message=f"{application.campaign.name}：您被分配评审{application.school}",
        url=reverse("campaigns:review_detail", args=[assignment.pk]),
    )
    return assignment


@transaction.atomic
def expert_assign(*, by: User, application: Application, expert: User) -> ExpertAssignment:
    """A manual assignment by the city; the conflict rule still holds."""
    rules.check(rules.ASSIGN, application)
    if expert not in experts_of(application.campaign):
        raise WorkflowError(f"{expert} 不是本市的评估专家")
    reason = rules.expert_conflict(expert, application.school)
    if reason:
        raise WorkflowError(reason)
    if application.assignments.filter(expert=expert).exists():
        raise WorkflowError(f"{expert} 已分配评审这所学校")
    assignment = _assign(by=by, application=application, expert=expert, automatic=False)
    if application.status == Status.RECOMMENDED:
        transition(application, by, Status.UNDER_REVIEW)
    return assignment


@transaction.atomic
def expert_unassign(*, by: User, assignment: ExpertAssignment) -> None:
    rules.check_city_review(assignment.application.campaign)
    if assignment.submitted_at is not None:
        raise WorkflowError("专家已提交评分，不能撤销分配")
    audit_log(
        "delete", assignment, before=snapshot(assignment), region_code=region_code(assignment.application), by=by
    )
    assignment.delete()


EXPERT_SCORE_FIELDS = ["score", "clause_met", "comment"]


def _may_score(by: User, assignment: ExpertAssignment, doing: str) -> None:
    if assignment.expert_id != by.pk:
        raise WorkflowError(f"只能{doing}分配给自己的评分")
    if assignment.submitted_at is not None:
        raise WorkflowError("评分已提交，不能再修改" if doing == "填写" else "评分已提交")
    rules.check_city_review(assignment.application.campaign)


def expert_score_save(
    *, by: User, assignment: ExpertAssignment, code: str, score: Any, clause_met: bool | None = None,
    comment: str = "", expected_version: int,
) -> ExpertScore:
    item = ScoreInput(code, score, clause_met, comment, expected_version)
    return expert_scores_save(by=by, assignment=assignment, scores=[item])[0]


@transaction.atomic
def expert_scores_save(*, by: User, assignment: ExpertAssignment, scores: Sequence[ScoreInput]) -> list[ExpertScore]:
    """An expert's scores for several indicators at once: all or none."""
    assignment = (
        ExpertAssignment.objects.select_for_update(of=("self",)).select_related("application__campaign").get(pk=assignment.pk)
    )
    _may_score(by, assignment, "填写")

    def apply(row: ExpertScore, item: ScoreInput, indicator: Any, value: Any, before: dict[str, Any]) -> None:
        row.score, row.comment = value, item.comment
        row.clause_met = item.clause_met if indicator.has_clause else None

    rows: list[ExpertScore] = save_score_rows(
        comment_field="expert_comment", model=ExpertScore, owner={"assignment": assignment},
        rubric=assignment.application.campaign.rubric.engine_rubric(), items=scores, fields=EXPERT_SCORE_FIELDS,
        apply=apply, conflict=lambda item, row: f"指标 {item.code} 已在另一个窗口修改，请刷新后再保存",
        region_code=region_code(assignment.application), by=by,
    )
    return rows


@transaction.atomic
def expert_submit(*, by: User, assignment: ExpertAssignment) -> ExpertAssignment:
    assignment = ExpertAssignment.objects.select_for_update().get(pk=assignment.pk)
    _may_score(by, assignment, "提交")
    missing = missing_expert_scores(assignment)
    if missing:
        raise WorkflowError(f"还有 {len(missing)} 个指标未评分：{'、'.join(missing[:8])}{'等' if len(missing) > 8 else ''}")
    assignment.submitted_at = timezone.now()
    assignment.save(update_fields=["submitted_at"])
    audit_log(
        "update", assignment, after={"submitted_at": assignment.submitted_at.isoformat()},
        region_code=region_code(assignment.application), by=by,
    )
    hooks.changed([assignment.application_id])
    return assignment


@transaction.atomic
def application_decide(*, by: User, application: Application, tier: str | None = None, reason: str = "") -> Application:
    """The city decides the tier: the experts' scored tier by default; any other needs a reason."""
    application = Application.objects.select_for_update().get(pk=application.pk)
    rules.check(rules.DECIDE, application)
    rules.check_length("note", reason.strip())
    combined = combined_result(application)
    if combined is None:
        raise WorkflowError("还没有专家提交评分，不能认定")
    scored_tier = combined.result.tier or ""
    chosen = scored_tier if tier is None else tier
    names = application.campaign.tier_names
    if chosen and chosen not in names:
        raise WorkflowError(f"认定等级须为：{'、'.join(names)} 或 未达标")
    if chosen != scored_tier and not reason.strip():
        raise WorkflowError(f"认定等级与评分得出的等级（{scored_tier or '未达标'}）不同，须填写理由")
    application = transition(
        application,
        by,
        Status.DECIDED,
        note=reason.strip(),
        scored_tier=scored_tier,
        combined_total=Decimal(str(round(combined.result.total, 3))),
        decided_tier=chosen,
        override_reason=reason.strip() if chosen != scored_tier else "",
        decided_by=by,
        decided_at=timezone.now(),
    )
    tell_school(application, kind="decided", message=f"{application.campaign.name}：市级评审已完成认定，结果将统一公布")
    return application
