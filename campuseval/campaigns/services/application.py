"""The school's application: start it, fill in the form and the self-assessment, submit, withdraw."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone

from campuseval.accounts.models import User
from campuseval.audit.services import audit_log, audited_update, snapshot
from campuseval.campaigns import hooks, rules
from campuseval.campaigns.models import Application, Campaign, IndicatorScore, Status
from campuseval.campaigns.rules import EditConflict, WorkflowError
from campuseval.campaigns.selectors import latest_facts, submit_problems
from campuseval.regions.models import School

from .common import event, region_code, tell_county, transition
from .scores import ScoreInput, save_score_rows

APPLICATION_FIELDS = [
    "status", "applied_tier", "head_name", "contact_name", "contact_phone",
    "classes", "students", "teachers", "highlights",
]
SCHOOL_EDITABLE = APPLICATION_FIELDS[1:]


@transaction.atomic
def application_create(*, by: User, campaign: Campaign, school: School) -> Application:
    """Start a school's application, prefilled from its profile and latest facts."""
    rules.check_apply(campaign, school)
    if Application.objects.filter(campaign=campaign, school=school).exists():
        raise WorkflowError("这所学校已在本次年度创建中申报")
    facts = latest_facts(school, campaign.year)
    application = Application.objects.create(
        campaign=campaign,
        school=school,
        head_name=school.head_name,
        contact_name=school.contact_name,
        contact_phone=school.contact_phone,
        classes=facts.classes if facts else None,
        students=facts.students if facts else None,
        teachers=facts.teachers if facts else None,
    )
    event(application, by, "", Status.DRAFT)
    hooks.changed([application.pk])
    audit_log(
        "create", application, after=snapshot(application, APPLICATION_FIELDS),
        region_code=region_code(application), by=by,
    )
    return application


def school_may_edit(application: Application) -> None:
    """Raise WorkflowError (DeadlinePassed after the deadline) unless the school may change it now:
    the one rule for its form, its self-assessment and its evidence (``rules.EDIT``)."""
    rules.check(rules.EDIT, application)


@transaction.atomic
def application_update(*, by: User, application: Application, expected_version: int, **fields: Any) -> Application:
    """Save the application form; a stale version is refused with the current values."""
    application = Application.objects.select_for_update().get(pk=application.pk)
    rules.check(rules.EDIT, application)
    if application.version != expected_version:
        raise EditConflict("申报表已在另一个窗口或由他人修改，请查看当前内容后再保存", application)
    unknown = set(fields) - set(SCHOOL_EDITABLE)
    if unknown:
        raise WorkflowError(f"不能修改：{'、'.join(sorted(unknown))}")
    if fields.get("applied_tier") and fields["applied_tier"] not in application.campaign.tier_names:
        raise WorkflowError(f"申报类型须为：{'、'.join(application.campaign.tier_names)}")
    audited_update(
        application, {**fields, "version": application.version + 1},
        tracked=APPLICATION_FIELDS, region_code=region_code(application), by=by,
    )
    if "applied_tier" in fields:  # the tier a campaign caps at
        hooks.changed([application.pk])
    return application


SELF_SCORE_FIELDS = ["self_score", "clause_met", "comment"]


def self_score_save(
    *,
    by: User,
    application: Application,
    code: str,
    score: Any,
    clause_met: bool | None = None,
    comment: str = "",
    expected_version: int,
) -> IndicatorScore:
    """Save one indicator of the self-assessment; two people never silently overwrite each other."""
    item = ScoreInput(code, score, clause_met, comment, expected_version)
    return self_scores_save(by=by, application=application, scores=[item])[0]


@transaction.atomic
def self_scores_save(*, by: User, application: Application, scores: Sequence[ScoreInput]) -> list[IndicatorScore]:
    """Save several indicators of the self-assessment at once (a whole form, an import): all or none."""
    application = Application.objects.select_for_update().get(pk=application.pk)
    rules.check(rules.EDIT, application)
    returned = application.status == Status.RETURNED

    def apply(row: IndicatorScore, item: ScoreInput, indicator: Any, value: Any, before: dict[str, Any]) -> None:
        row.self_score, row.comment = value, item.comment
        row.clause_met = item.clause_met if indicator.has_clause else None
        row.updated_by = by
        edited = {f: before[f] for f in SELF_SCORE_FIELDS} != snapshot(row, SELF_SCORE_FIELDS)
        if edited:
            row.carried_from = None  # changed: the school's own work now, no longer 沿用上次
        if returned:
            row.changed_after_return = row.changed_after_return or edited

    def conflict(item: ScoreInput, row: IndicatorScore) -> str:
        current = row.self_score if row.self_score is not None else "未评分"
        return f"指标 {item.code} 已在另一个窗口或由他人修改，当前为 {current}"

    rows: list[IndicatorScore] = save_score_rows(
        model=IndicatorScore, owner={"application": application},
        rubric=application.campaign.rubric.engine_rubric(), items=scores, fields=[*SELF_SCORE_FIELDS, "carried_from_id"],
        also_saved=["changed_after_return", "updated_by"], apply=apply, conflict=conflict,
        region_code=region_code(application), by=by,
    )
    return rows


@transaction.atomic
def application_submit(*, by: User, application: Application) -> Application:
    """Submit (or resubmit after a return); the self-assessment locks."""
    application = Application.objects.select_for_update().get(pk=application.pk)
    rules.check(rules.SUBMIT, application)
    problems = submit_problems(application)
    if problems:
        raise WorkflowError("；".join(problems))
    resubmitted = application.status == Status.RETURNED
    application = transition(application, by, Status.SUBMITTED, submitted_at=timezone.now())
    tell_county(application, resubmitted=resubmitted)
    return application


@transaction.atomic
def application_withdraw(*, by: User, application: Application, reason: str = "") -> Application:
    application = Application.objects.select_for_update().get(pk=application.pk)
    rules.check(rules.WITHDRAW, application)
    rules.check_length("note", reason)
    return transition(application, by, Status.WITHDRAWN, note=reason)
