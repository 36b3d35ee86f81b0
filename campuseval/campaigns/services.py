"""The campaign workflow: every write of the process, with its deadline and state checks.

Pages, the API, commands and jobs call these functions; nothing repeats their steps. Each
write leaves an audit record and, where the glossary says so, a notification.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from campuseval.accounts.models import Role, RoleAssignment, User
from campuseval.audit.services import Entry, audit_append, audit_log, changed, entry_for, snapshot
from campuseval.engine import Indicator
from campuseval.engine import Rubric as EngineRubric
from campuseval.notifications.services import notify
from campuseval.regions.models import Region, School, SchoolFacts

from .models import (
    Application,
    ApplicationEvent,
    Campaign,
    ExpertAssignment,
    ExpertScore,
    IndicatorScore,
    Reopening,
    Stage,
    Status,
)


class WorkflowError(Exception):
    """An action the workflow does not allow now; the message says why, in Chinese."""


class DeadlinePassed(WorkflowError):
    pass


class EditConflict(WorkflowError):
    """Someone else saved the same thing first; ``current`` is what is saved now."""

    def __init__(self, message: str, current: Any) -> None:
        super().__init__(message)
        self.current = current


FMT = "%Y-%m-%d %H:%M"


def _local(value: dt.datetime) -> str:
    return timezone.localtime(value).strftime(FMT)


def _region_code(application: Application) -> str:
    return application.school.county.code


# --- deadlines --------------------------------------------------------------------------


def stage_open(campaign: Campaign, stage: str, school: School | None = None, now: dt.datetime | None = None) -> bool:
    """Whether ``stage`` is open now for the school (its own stage, or a recorded reopening)."""
    now = now or timezone.now()
    if campaign.published_at is not None:
        return False
    if campaign.stage_at(now) == stage:
        return True
    if school is None or now < campaign.opens_at:
        return False
    return Reopening.objects.filter(campaign=campaign, school=school, stage=stage, until__gte=now).exists()


def require_open(campaign: Campaign, stages: Iterable[str], school: School | None = None) -> None:
    now = timezone.now()
    stages = list(stages)
    if any(stage_open(campaign, s, school, now) for s in stages):
        return
    if campaign.published_at is not None:
        raise DeadlinePassed("本次年度创建结果已公布，不能再修改")
    if now < campaign.opens_at:
        raise DeadlinePassed(f"{campaign.name}尚未开始（{_local(campaign.opens_at)} 开始）")
    last = max(stages, key=lambda s: campaign.deadline_of(s))
    label = Stage(last).label
    deadline = campaign.deadline_of(last)
    if now > deadline:
        raise DeadlinePassed(f"“{label}”已于 {_local(deadline)} 截止，不能再保存")
    raise DeadlinePassed(f"现在不是“{label}”阶段（截止时间 {_local(deadline)}）")


# --- campaign ---------------------------------------------------------------------------

CAMPAIGN_FIELDS = [
    "name", "year", "city_id", "rubric_id", "opens_at", "application_deadline",
    "county_review_deadline", "city_review_deadline", "publication_deadline",
    "cap_at_applied_tier", "experts_per_application", "combine", "gap_share",
    "quota_total", "quota_per_tier", "published_at",
]


@transaction.atomic
def campaign_open(*, by: User, **fields: Any) -> Campaign:
    """A city administrator opens a campaign; the rubric version it names is frozen for it."""
    campaign = Campaign(created_by=by, **fields)
    campaign.full_clean()
    campaign.save()
    audit_log("create", campaign, after=snapshot(campaign, CAMPAIGN_FIELDS), region_code=campaign.city.code)
    return campaign


@transaction.atomic
def campaign_update(*, by: User, campaign: Campaign, **fields: Any) -> Campaign:
    if "rubric_id" in fields and fields["rubric_id"] != campaign.rubric_id and campaign.applications.exists():
        raise WorkflowError("已有学校申报，评估标准版本已冻结，不能更换")
    before = snapshot(campaign, CAMPAIGN_FIELDS)
    for name, value in fields.items():
        setattr(campaign, name, value)
    campaign.full_clean()
    campaign.save()
    old, new = changed(before, snapshot(campaign, CAMPAIGN_FIELDS))
    if new:
        audit_log("update", campaign, before=old, after=new, region_code=campaign.city.code)
    return campaign


@transaction.atomic
def campaign_reopen(*, by: User, campaign: Campaign, school: School, stage: str, until: dt.datetime, reason: str) -> Reopening:
    """Reopen one stage for one school past its deadline; the reason is kept and audited."""
    if not reason.strip():
        raise WorkflowError("重新开放须填写理由")
    if until <= timezone.now():
        raise WorkflowError("延长时间须晚于现在")
    if campaign.published_at is not None:
        raise WorkflowError("结果已公布，不能重新开放")
    reopening = Reopening(campaign=campaign, school=school, stage=stage, until=until, reason=reason.strip(), created_by=by)
    reopening.full_clean()
    reopening.save()
    audit_log("create", reopening, after=snapshot(reopening), region_code=school.county.code)
    return reopening


# --- school: application and self-assessment --------------------------------------------


def latest_facts(school: School, year: int) -> SchoolFacts | None:
    return school.facts.filter(year__lte=year).order_by("-year").first()


APPLICATION_FIELDS = [
    "status", "applied_tier", "head_name", "contact_name", "contact_phone",
    "classes", "students", "teachers", "highlights",
]
SCHOOL_EDITABLE = APPLICATION_FIELDS[1:]


def _event(application: Application, by: User | None, old: str, new: str, note: str = "") -> None:
    ApplicationEvent.objects.create(application=application, actor=by, from_status=old, to_status=new, note=note)


@transaction.atomic
def application_create(*, by: User, campaign: Campaign, school: School) -> Application:
    """Start a school's application, prefilled from its profile and latest facts."""
    if school.county.parent_id != campaign.city_id:
        raise WorkflowError("这所学校不属于本次年度创建的城市")
    require_open(campaign, [Stage.APPLICATION], school)
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
    _event(application, by, "", Status.DRAFT)
    audit_log("create", application, after=snapshot(application, APPLICATION_FIELDS), region_code=_region_code(application))
    return application


def school_may_edit(application: Application) -> None:
    """Raise WorkflowError (DeadlinePassed after the deadline) unless the school may change it now.

    The one rule for every change the school makes to an application: its form, its
    self-assessment and the evidence linked to it.
    """
    if application.status == Status.DRAFT:
        require_open(application.campaign, [Stage.APPLICATION], application.school)
    elif application.status == Status.RETURNED:
        require_open(application.campaign, [Stage.APPLICATION, Stage.COUNTY_REVIEW], application.school)
    else:
        raise WorkflowError(f"申报状态为“{application.get_status_display()}”，不能修改")


_school_may_edit = school_may_edit


@transaction.atomic
def application_update(*, by: User, application: Application, expected_version: int, **fields: Any) -> Application:
    """Save the application form; a stale version is refused with the current values."""
    application = Application.objects.select_for_update().get(pk=application.pk)
    _school_may_edit(application)
    if application.version != expected_version:
        raise EditConflict("申报表已被他人修改，请查看当前内容后再保存", application)
    unknown = set(fields) - set(SCHOOL_EDITABLE)
    if unknown:
        raise WorkflowError(f"不能修改：{'、'.join(sorted(unknown))}")
    if fields.get("applied_tier") and fields["applied_tier"] not in application.campaign.tier_names:
        raise WorkflowError(f"申报类型须为：{'、'.join(application.campaign.tier_names)}")
    before = snapshot(application, APPLICATION_FIELDS)
    for name, value in fields.items():
        setattr(application, name, value)
    application.version += 1
    application.full_clean()
    application.save()
    old, new = changed(before, snapshot(application, APPLICATION_FIELDS))
    if new:
        audit_log("update", application, before=old, after=new, region_code=_region_code(application))
    return application


def parse_score(raw: Any, points: float, criteria: bool) -> Decimal | None:
    """A score from a form or the API: blank, or a number of half points from 0 to the points."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    try:
        value = Decimal(str(raw).strip())
    except InvalidOperation as exc:
        raise WorkflowError(f"“{raw}”不是数字") from exc
    if not value.is_finite():
        raise WorkflowError(f"“{raw}”不是数字")
    if value < 0 or value > Decimal(str(points)):
        raise WorkflowError(f"得分须在 0 到 {points:g} 之间")
    if criteria and value not in (0, 1):
        raise WorkflowError("达标型标准只能选“达到”（1）或“未达到”（0）")
    if (value * 2) % 1:
        raise WorkflowError("得分须为 0.5 的整数倍")
    return value


@dataclass(frozen=True)
class ScoreInput:
    """One indicator's score as a form, the API or an import gives it."""

    code: str
    score: Any
    clause_met: bool | None = None
    comment: str = ""
    expected_version: int = 0


def _indicator_value(rubric: EngineRubric, item: ScoreInput) -> tuple[Indicator, Decimal | None]:
    if item.code not in rubric.index:
        raise WorkflowError(f"评估标准中没有指标 {item.code}")
    indicator = rubric.indicator(item.code)
    try:
        return indicator, parse_score(item.score, indicator.points, rubric.kind == "criteria")
    except WorkflowError as exc:
        raise WorkflowError(f"指标 {item.code}：{exc}") from exc


def _score_rows(model: Any, owner: dict[str, Any], items: Sequence[ScoreInput]) -> list[Any]:
    """The saved rows for the items' codes, locked, or a new row (version 0) where there is none."""
    codes = [item.code for item in items]
    repeated = sorted({code for code in codes if codes.count(code) > 1})
    if repeated:
        raise WorkflowError(f"指标 {'、'.join(repeated)} 出现了不止一次")
    saved = {row.code: row for row in model.objects.select_for_update().filter(**owner, code__in=codes)}
    for row in saved.values():
        for name, value in owner.items():
            setattr(row, name, value)  # the owner is loaded once, not once per row's audit text
    return [saved.get(code) or model(**owner, code=code, version=0) for code in codes]


def _rows_save(model: Any, rows: Sequence[Any], fields: list[str]) -> None:
    """Insert the new rows in one query; update the others each (cheaper than bulk_update's CASE)."""
    saved = [row for row in rows if row.pk is not None]
    model.objects.bulk_create([row for row in rows if row.pk is None])
    for row in saved:
        row.save(update_fields=[*fields, "updated_at"])


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
    _school_may_edit(application)
    rubric = application.campaign.rubric.engine_rubric()
    values = [_indicator_value(rubric, item) for item in scores]
    rows: list[IndicatorScore] = _score_rows(IndicatorScore, {"application": application}, scores)
    befores = []
    for item, (indicator, value), row in zip(scores, values, rows, strict=True):
        if row.version != item.expected_version:
            current = row.self_score if row.self_score is not None else "未评分"
            raise EditConflict(f"指标 {item.code} 已被他人修改，当前为 {current}", row)
        before = snapshot(row, SELF_SCORE_FIELDS)
        row.self_score, row.comment = value, item.comment
        row.clause_met = item.clause_met if indicator.has_clause else None
        row.version += 1
        row.updated_by = by
        if application.status == Status.RETURNED:
            row.changed_after_return = row.changed_after_return or before != snapshot(row, SELF_SCORE_FIELDS)
        befores.append((row.pk is None, before))
    _rows_save(IndicatorScore, rows, [*SELF_SCORE_FIELDS, "changed_after_return", "version", "updated_by"])
    _audit_rows(rows, befores, SELF_SCORE_FIELDS, _region_code(application))
    return rows


def _audit_rows(rows: Sequence[Any], befores: Sequence[tuple[bool, dict[str, Any]]], fields: list[str], region: str) -> None:
    """One audit record per saved score row that changed, in one append."""
    entries: list[Entry] = []
    for row, (created, before) in zip(rows, befores, strict=True):
        old, new = changed(before, snapshot(row, fields))
        if new:
            action = "create" if created else "update"
            entries.append(entry_for(action, row, before=old or None, after=new, region_code=region))
    audit_append(entries)


@transaction.atomic
def application_submit(*, by: User, application: Application) -> Application:
    """Submit (or resubmit after a return); the self-assessment locks."""
    application = Application.objects.select_for_update().get(pk=application.pk)
    _school_may_edit(application)
    problems = submit_problems(application)
    if problems:
        raise WorkflowError("；".join(problems))
    return _transition(application, by, Status.SUBMITTED, submitted_at=timezone.now())


def submit_problems(application: Application) -> list[str]:
    problems = []
    if not application.applied_tier:
        problems.append("请选择申报类型")
    rubric = application.campaign.rubric.engine_rubric()
    scored = set(application.scores.exclude(self_score=None).values_list("code", flat=True))
    missing = [i.code for i in rubric.indicators if i.code not in scored]
    if missing:
        shown = "、".join(missing[:8]) + ("等" if len(missing) > 8 else "")
        problems.append(f"还有 {len(missing)} 个指标未自评：{shown}")
    return problems


@transaction.atomic
def application_withdraw(*, by: User, application: Application, reason: str = "") -> Application:
    application = Application.objects.select_for_update().get(pk=application.pk)
    if application.status not in (Status.DRAFT, Status.SUBMITTED, Status.RETURNED):
        raise WorkflowError("县级已作出推荐决定，不能再撤回")
    require_open(application.campaign, [Stage.APPLICATION, Stage.COUNTY_REVIEW], application.school)
    return _transition(application, by, Status.WITHDRAWN, note=reason)


def _transition(application: Application, by: User | None, new: str, note: str = "", **fields: Any) -> Application:
    old = application.status
    before = snapshot(application, ["status", *fields])
    application.status = new
    for name, value in fields.items():
        setattr(application, name, value)
    application.version += 1
    application.save()
    _event(application, by, old, new, note)
    audit_log(
        "update",
        application,
        before=before,
        after={**snapshot(application, ["status", *fields]), **({"note": note} if note else {})},
        region_code=_region_code(application),
    )
    return application


# --- county review ----------------------------------------------------------------------


def _county_may_act(application: Application) -> None:
    require_open(application.campaign, [Stage.APPLICATION, Stage.COUNTY_REVIEW], application.school)


COUNTY_SCORE_FIELDS = ["county_score", "county_comment"]


def county_score_save(*, by: User, application: Application, code: str, score: Any, comment: str = "", expected_version: int) -> IndicatorScore:
    item = ScoreInput(code, score, comment=comment, expected_version=expected_version)
    return county_scores_save(by=by, application=application, scores=[item])[0]


@transaction.atomic
def county_scores_save(*, by: User, application: Application, scores: Sequence[ScoreInput]) -> list[IndicatorScore]:
    """The county's scores for several indicators at once: all or none."""
    application = Application.objects.select_for_update().get(pk=application.pk)
    if application.status not in (Status.SUBMITTED, Status.RECOMMENDED, Status.NOT_RECOMMENDED):
        raise WorkflowError(f"申报状态为“{application.get_status_display()}”，县级不能评分")
    _county_may_act(application)
    rubric = application.campaign.rubric.engine_rubric()
    values = [_indicator_value(rubric, item)[1] for item in scores]
    rows: list[IndicatorScore] = _score_rows(IndicatorScore, {"application": application}, scores)
    befores = []
    for item, value, row in zip(scores, values, rows, strict=True):
        if row.version != item.expected_version:
            raise EditConflict(f"指标 {item.code} 已被他人修改，请刷新后再保存", row)
        befores.append((row.pk is None, snapshot(row, COUNTY_SCORE_FIELDS)))
        row.county_score, row.county_comment = value, item.comment
        row.version += 1
        row.updated_by = by
    _rows_save(IndicatorScore, rows, [*COUNTY_SCORE_FIELDS, "version", "updated_by"])
    _audit_rows(rows, befores, COUNTY_SCORE_FIELDS, _region_code(application))
    return rows


@transaction.atomic
def application_return(*, by: User, application: Application, comments: Mapping[str, str], note: str = "") -> Application:
    """Return to the school for revision, with comments per indicator the school will see."""
    application = Application.objects.select_for_update().get(pk=application.pk)
    if application.status != Status.SUBMITTED:
        raise WorkflowError(f"只能退回“已提交”的申报（当前：{application.get_status_display()}）")
    _county_may_act(application)
    # The comments given are authoritative for their indicators: an empty one clears an
    # earlier comment, so the school never sees advice the county has taken back.
    cleaned = {c: (t or "").strip() for c, t in comments.items()}
    if not any(cleaned.values()) and not note.strip():
        raise WorkflowError("退回时请至少填写一条意见")
    rubric = application.campaign.rubric.engine_rubric()
    unknown = [c for c in cleaned if c not in rubric.index]
    if unknown:
        raise WorkflowError(f"评估标准中没有指标 {'、'.join(unknown)}")
    rows = {r.code: r for r in IndicatorScore.objects.filter(application=application, code__in=list(cleaned))}
    for code, text in cleaned.items():
        row = rows.get(code)
        if row is None and not text:
            continue
        if row is None:
            row = IndicatorScore.objects.create(application=application, code=code, version=0)
        if row.county_comment != text:
            row.county_comment = text
            row.version += 1
            row.save(update_fields=["county_comment", "version", "updated_at"])
    comments = {c: t for c, t in cleaned.items() if t}
    IndicatorScore.objects.filter(application=application).update(changed_after_return=False)
    application.county_note = note.strip()
    application = _transition(application, by, Status.RETURNED, note=note.strip(), county_note=note.strip())
    if comments:
        audit_log("update", application, after={"county_comments": comments}, region_code=_region_code(application))
    notify(
        _school_users(application.school),
        kind="returned",
        message=f"{application.campaign.name}：县级退回了您的申报，请按意见修改后重新提交",
        url=f"/campaigns/applications/{application.pk}/",
    )
    return application


def quota_usage(campaign: Campaign, county: Region) -> dict[str, Any]:
    """How many schools the county has recommended, overall and per applied tier, and the caps."""
    recommended = Application.objects.filter(campaign=campaign, school__county=county, status__in=[
        Status.RECOMMENDED, Status.UNDER_REVIEW, Status.DECIDED, Status.PUBLISHED,
    ])
    per_tier = dict(recommended.values_list("applied_tier").annotate(n=Count("id")))
    total = sum(per_tier.values())
    tiers = {
        name: {"used": per_tier.get(name, 0), "cap": campaign.quota_per_tier.get(name)}
        for name in campaign.tier_names
    }
    return {"used": total, "cap": campaign.quota_total, "tiers": tiers}


@transaction.atomic
def application_recommend(*, by: User, application: Application, recommend: bool, note: str = "") -> Application:
    """Recommend to the city, or not; within the county's quota; changeable until the deadline."""
    application = Application.objects.select_for_update().get(pk=application.pk)
    allowed = {Status.SUBMITTED, Status.NOT_RECOMMENDED} if recommend else {Status.SUBMITTED, Status.RECOMMENDED}
    if application.status not in allowed:
        raise WorkflowError(f"申报状态为“{application.get_status_display()}”，不能{'推荐' if recommend else '不推荐'}")
    _county_may_act(application)
    if recommend:
        # Lock the county's rows so two recommendations at once cannot both take the last place.
        list(Application.objects.select_for_update().filter(campaign=application.campaign, school__county=application.school.county))
        usage = quota_usage(application.campaign, application.school.county)
        if usage["cap"] is not None and usage["used"] >= usage["cap"]:
            raise WorkflowError(f"本县推荐名额已用完（上限 {usage['cap']} 所）")
        tier = usage["tiers"].get(application.applied_tier)
        if tier and tier["cap"] is not None and tier["used"] >= tier["cap"]:
            raise WorkflowError(f"本县“{application.applied_tier}”推荐名额已用完（上限 {tier['cap']} 所）")
    new = Status.RECOMMENDED if recommend else Status.NOT_RECOMMENDED
    application = _transition(application, by, new, note=note, county_decided_at=timezone.now())
    notify(
        _school_users(application.school),
        kind="recommended" if recommend else "not_recommended",
        message=f"{application.campaign.name}：县级{'已推荐' if recommend else '未推荐'}您的学校参加市级评审",
        url=f"/campaigns/applications/{application.pk}/",
    )
    return application


# --- city review --------------------------------------------------------------------------


def experts_of(campaign: Campaign) -> list[User]:
    return list(
        User.objects.filter(
            is_active=True, roles__role=Role.EXPERT, roles__region=campaign.city
        ).distinct().order_by("username")
    )


def conflict_reason(expert: User, school: School) -> str | None:
    """Why an expert may not review a school: their own county, or a link to it."""
    if expert.home_county_id == school.county_id:
        return f"{expert} 来自{school.county}，不能评审本县学校"
    links = RoleAssignment.objects.filter(user=expert).filter(
        Q(school=school) | Q(region=school.county, role=Role.COUNTY_ADMIN)
    )
    if links.exists():
        return f"{expert} 与{school}有关联（在该校或该县任职）"
    return None


@dataclass
class AssignmentReport:
    created: int
    understaffed: list[str]


@transaction.atomic
def experts_assign_auto(*, by: User, campaign: Campaign) -> AssignmentReport:
    """Give every recommended application its experts, balancing load, avoiding conflicts."""
    require_open(campaign, [Stage.CITY_REVIEW])
    experts = experts_of(campaign)
    if not experts:
        raise WorkflowError("本市还没有评估专家账号")
    load = {e.pk: 0 for e in experts}
    for row in ExpertAssignment.objects.filter(application__campaign=campaign).values("expert").annotate(n=Count("id")):
        if row["expert"] in load:
            load[row["expert"]] = row["n"]
    applications = (
        Application.objects.select_for_update()
        .filter(campaign=campaign, status__in=[Status.RECOMMENDED, Status.UNDER_REVIEW])
        .select_related("school__county")
        .order_by("school__county__code", "school__code")
    )
    created, understaffed = 0, []
    for application in applications:
        have = set(application.assignments.values_list("expert_id", flat=True))
        need = campaign.experts_per_application - len(have)
        candidates = sorted(
            (e for e in experts if e.pk not in have and conflict_reason(e, application.school) is None),
            key=lambda e: (load[e.pk], e.username),
        )
        for expert in candidates[: max(need, 0)]:
            _assign(by=by, application=application, expert=expert, automatic=True)
            load[expert.pk] += 1
            created += 1
        if need > len(candidates):
            understaffed.append(str(application.school))
        if application.status == Status.RECOMMENDED and application.assignments.exists():
            _transition(application, by, Status.UNDER_REVIEW)
    return AssignmentReport(created, understaffed)


def _assign(*, by: User, application: Application, expert: User, automatic: bool) -> ExpertAssignment:
    assignment = ExpertAssignment.objects.create(application=application, expert=expert, assigned_by=by, automatic=automatic)
    audit_log("create", assignment, after=snapshot(assignment), region_code=_region_code(application))
    notify(
        [expert],
        kind="assigned",
        message=f"{application.campaign.name}：您被分配评审{application.school}",
        url=f"/campaigns/reviews/{assignment.pk}/",
    )
    return assignment


@transaction.atomic
def expert_assign(*, by: User, application: Application, expert: User) -> ExpertAssignment:
    """A manual assignment by the city; the conflict rule still holds."""
    require_open(application.campaign, [Stage.CITY_REVIEW])
    if application.status not in (Status.RECOMMENDED, Status.UNDER_REVIEW):
        raise WorkflowError("只能为已推荐的申报分配专家")
    if expert not in experts_of(application.campaign):
        raise WorkflowError(f"{expert} 不是本市的评估专家")
    reason = conflict_reason(expert, application.school)
    if reason:
        raise WorkflowError(reason)
    if application.assignments.filter(expert=expert).exists():
        raise WorkflowError(f"{expert} 已分配评审这所学校")
    assignment = _assign(by=by, application=application, expert=expert, automatic=False)
    if application.status == Status.RECOMMENDED:
        _transition(application, by, Status.UNDER_REVIEW)
    return assignment


@transaction.atomic
def expert_unassign(*, by: User, assignment: ExpertAssignment) -> None:
    require_open(assignment.application.campaign, [Stage.CITY_REVIEW])
    if assignment.submitted_at is not None:
        raise WorkflowError("专家已提交评分，不能撤销分配")
    audit_log("delete", assignment, before=snapshot(assignment), region_code=_region_code(assignment.application))
    assignment.delete()


EXPERT_SCORE_FIELDS = ["score", "clause_met", "comment"]


def expert_score_save(
    *, by: User, assignment: ExpertAssignment, code: str, score: Any, clause_met: bool | None = None,
    comment: str = "", expected_version: int,
) -> ExpertScore:
    item = ScoreInput(code, score, clause_met, comment, expected_version)
    return expert_scores_save(by=by, assignment=assignment, scores=[item])[0]


@transaction.atomic
def expert_scores_save(*, by: User, assignment: ExpertAssignment, scores: Sequence[ScoreInput]) -> list[ExpertScore]:
    """An expert's scores for several indicators at once: all or none."""
    assignment = ExpertAssignment.objects.select_for_update().select_related("application__campaign").get(pk=assignment.pk)
    if assignment.expert_id != by.pk:
        raise WorkflowError("只能填写分配给自己的评分")
    if assignment.submitted_at is not None:
        raise WorkflowError("评分已提交，不能再修改")
    require_open(assignment.application.campaign, [Stage.CITY_REVIEW])
    rubric = assignment.application.campaign.rubric.engine_rubric()
    values = [_indicator_value(rubric, item) for item in scores]
    rows: list[ExpertScore] = _score_rows(ExpertScore, {"assignment": assignment}, scores)
    befores = []
    for item, (indicator, value), row in zip(scores, values, rows, strict=True):
        if row.version != item.expected_version:
            raise EditConflict(f"指标 {item.code} 已在另一个窗口修改，请刷新后再保存", row)
        befores.append((row.pk is None, snapshot(row, EXPERT_SCORE_FIELDS)))
        row.score, row.comment = value, item.comment
        row.clause_met = item.clause_met if indicator.has_clause else None
        row.version += 1
    _rows_save(ExpertScore, rows, [*EXPERT_SCORE_FIELDS, "version"])
    _audit_rows(rows, befores, EXPERT_SCORE_FIELDS, _region_code(assignment.application))
    return rows


@transaction.atomic
def expert_submit(*, by: User, assignment: ExpertAssignment) -> ExpertAssignment:
    assignment = ExpertAssignment.objects.select_for_update().get(pk=assignment.pk)
    if assignment.expert_id != by.pk:
        raise WorkflowError("只能提交分配给自己的评分")
    if assignment.submitted_at is not None:
        raise WorkflowError("评分已提交")
    require_open(assignment.application.campaign, [Stage.CITY_REVIEW])
    rubric = assignment.application.campaign.rubric.engine_rubric()
    scored = set(assignment.scores.exclude(score=None).values_list("code", flat=True))
    missing = [i.code for i in rubric.indicators if i.code not in scored]
    if missing:
        raise WorkflowError(f"还有 {len(missing)} 个指标未评分：{'、'.join(missing[:8])}{'等' if len(missing) > 8 else ''}")
    assignment.submitted_at = timezone.now()
    assignment.save(update_fields=["submitted_at"])
    audit_log("update", assignment, after={"submitted_at": assignment.submitted_at.isoformat()}, region_code=_region_code(assignment.application))
    return assignment


@transaction.atomic
def application_decide(*, by: User, application: Application, tier: str | None = None, reason: str = "") -> Application:
    """The city decides the tier: the engine's tier by default; any other needs a reason."""
    from .selectors import combined_result  # selectors read; this write records the outcome

    application = Application.objects.select_for_update().get(pk=application.pk)
    if application.status not in (Status.UNDER_REVIEW, Status.DECIDED):
        raise WorkflowError(f"申报状态为“{application.get_status_display()}”，不能认定")
    require_open(application.campaign, [Stage.CITY_REVIEW, Stage.DECISION])
    combined = combined_result(application)
    if combined is None:
        raise WorkflowError("还没有专家提交评分，不能认定")
    engine_tier = combined.result.tier or ""
    chosen = engine_tier if tier is None else tier
    names = application.campaign.tier_names
    if chosen and chosen not in names:
        raise WorkflowError(f"认定等级须为：{'、'.join(names)} 或 未达标")
    if chosen != engine_tier and not reason.strip():
        raise WorkflowError(f"认定等级与评分得出的等级（{engine_tier or '未达标'}）不同，须填写理由")
    application = _transition(
        application,
        by,
        Status.DECIDED,
        note=reason.strip(),
        engine_tier=engine_tier,
        combined_total=Decimal(str(round(combined.result.total, 3))),
        decided_tier=chosen,
        override_reason=reason.strip() if chosen != engine_tier else "",
        decided_by=by,
        decided_at=timezone.now(),
    )
    notify(
        _school_users(application.school),
        kind="decided",
        message=f"{application.campaign.name}：市级评审已完成认定，结果将统一公布",
        url=f"/campaigns/applications/{application.pk}/",
    )
    return application


@transaction.atomic
def campaign_publish(*, by: User, campaign: Campaign) -> Campaign:
    """Publish the results: every reviewed application must be decided first."""
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if campaign.published_at is not None:
        raise WorkflowError("结果已公布")
    now = timezone.now()
    if now <= campaign.county_review_deadline:
        raise WorkflowError(f"县级初评截止（{_local(campaign.county_review_deadline)}）之后才能公布")
    pending = Application.objects.filter(campaign=campaign, status__in=[Status.RECOMMENDED, Status.UNDER_REVIEW])
    if pending.exists():
        names = "、".join(str(a.school) for a in pending[:5])
        raise WorkflowError(f"还有 {pending.count()} 份推荐申报未认定：{names}")
    for application in Application.objects.filter(campaign=campaign, status=Status.DECIDED):
        _transition(application, by, Status.PUBLISHED)
    campaign.published_at = now
    campaign.save(update_fields=["published_at"])
    audit_log("update", campaign, after={"published_at": now.isoformat()}, region_code=campaign.city.code)
    schools = School.objects.filter(county__parent=campaign.city)
    notify(
        User.objects.filter(roles__role=Role.SCHOOL_USER, roles__school__in=schools).distinct(),
        kind="published",
        message=f"{campaign.name}结果已公布",
        url=f"/results/{campaign.pk}/",
    )
    return campaign


def _school_users(school: School) -> Iterable[User]:
    return User.objects.filter(roles__role=Role.SCHOOL_USER, roles__school=school, is_active=True).distinct()
