"""The rulebook of the campaign workflow: which action may start from which status, in which
stage, honouring reopenings (GLOSSARY: the yearly campaign).

Services call ``check`` (it raises ``WorkflowError`` with the Chinese reason, ``DeadlinePassed``
for a closed stage); pages, templates, the API, reminders and the demo call ``allowed`` or
``refusal``. Nothing else states a status list or a stage test of the workflow.

    rules.check(rules.RETURN, application)         # in a service
    rules.allowed(rules.RECOMMEND, application)    # on a page: show the button or not
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.utils import timezone

from campuseval.accounts import scope
from campuseval.accounts.models import User
from campuseval.regions.models import School

from .models import Application, Campaign, Reopening, Stage, Status


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


def local(value: dt.datetime) -> str:
    return timezone.localtime(value).strftime(FMT)


# --- text limits --------------------------------------------------------------------------

# The longest text each field takes, in characters: stated on the page with a counter, and
# refused by the services (never cut silently).
TEXT_LIMITS = {
    "comment": 5000,  # the school's 自评说明 of one indicator
    "highlights": 5000,  # the application's 亮点特色 (the form refuses more)
    "county_comment": 2000,  # the county's comment on one indicator
    "expert_comment": 2000,  # an expert's comment on one indicator
    "note": 2000,  # the county's note when returning, a withdrawal's reason, a decision's reason
}
TEXT_LABELS = {"comment": "说明", "highlights": "亮点特色", "county_comment": "县级意见", "expert_comment": "评审意见", "note": "意见"}


def check_length(field: str, text: str, where: str = "") -> None:
    """Raise WorkflowError naming the field, its limit and the length, when ``text`` is too long."""
    limit = TEXT_LIMITS[field]
    if len(text) > limit:
        place = f"{where}：" if where else ""
        raise WorkflowError(f"{place}{TEXT_LABELS[field]}最多 {limit} 字，现在 {len(text)} 字，未保存")


# --- named status groups ------------------------------------------------------------------

# The school may still withdraw: the county has not decided.
WITHDRAWABLE = frozenset({Status.DRAFT, Status.SUBMITTED, Status.RETURNED})
# The county may score (while it may change its recommendation).
COUNTY_SCORABLE = frozenset({Status.SUBMITTED, Status.RECOMMENDED, Status.NOT_RECOMMENDED})
# Submitted and waiting for the county's recommendation decision.
AWAITING_COUNTY = frozenset({Status.SUBMITTED})
# What the county has sent to the city: the recommendation list and the quota count these.
RECOMMENDED_ONWARD = frozenset(
    {Status.RECOMMENDED, Status.UNDER_REVIEW, Status.DECIDED, Status.PUBLISHED}
)
# Recommended and waiting for the city's decision: publication waits for these.
AWAITING_DECISION = frozenset({Status.RECOMMENDED, Status.UNDER_REVIEW})
DECIDABLE = frozenset({Status.UNDER_REVIEW, Status.DECIDED})
# Drafts are the school's work in progress: county lists leave them out unless asked.
WORK_IN_PROGRESS = frozenset({Status.DRAFT})

SCHOOL_STAGES = (Stage.APPLICATION,)
COUNTY_STAGES = (Stage.APPLICATION, Stage.COUNTY_REVIEW)
DEADLINE_STAGES = (Stage.APPLICATION, Stage.COUNTY_REVIEW, Stage.CITY_REVIEW, Stage.DECISION)


# --- stages -------------------------------------------------------------------------------


def stage_open(
    campaign: Campaign, stage: str, school: School | None = None, now: dt.datetime | None = None
) -> bool:
    """Whether ``stage`` is open now for the school (its own stage, or a recorded reopening)."""
    now = now or timezone.now()
    if campaign.published_at is not None:
        return False
    if campaign.stage_at(now) == stage:
        return True
    if school is None or now < campaign.opens_at:
        return False
    return Reopening.objects.filter(
        campaign=campaign, school=school, stage=stage, until__gte=now
    ).exists()


def any_open(campaign: Campaign, stages: Iterable[str], school: School | None = None) -> bool:
    now = timezone.now()
    return any(stage_open(campaign, s, school, now) for s in stages)


def require_open(campaign: Campaign, stages: Iterable[str], school: School | None = None) -> None:
    """Raise DeadlinePassed, saying which deadline, unless one of ``stages`` is open."""
    now = timezone.now()
    stages = list(stages)
    if any(stage_open(campaign, s, school, now) for s in stages):
        return
    if campaign.published_at is not None:
        raise DeadlinePassed("本次年度创建结果已公布，不能再修改")
    if now < campaign.opens_at:
        raise DeadlinePassed(f"{campaign.name}尚未开始（{local(campaign.opens_at)} 开始）")
    last = max(stages, key=lambda s: campaign.deadline_of(s))
    label = Stage(last).label
    deadline = campaign.deadline_of(last)
    if now > deadline:
        raise DeadlinePassed(f"“{label}”已于 {local(deadline)} 截止，不能再保存")
    raise DeadlinePassed(f"现在不是“{label}”阶段（截止时间 {local(deadline)}）")


def county_locked(campaign: Campaign, school: School | None = None) -> bool:
    """The county's decisions are locked: past the county deadline (and, for one school, no
    reopening of its county stages), or published."""
    if campaign.published_at is not None:
        return True
    if timezone.now() <= campaign.county_review_deadline:
        return False
    return school is None or not any_open(campaign, COUNTY_STAGES, school)


# --- the table of actions -----------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    """An action on an application: the statuses it starts from, each with the stages of which
    one must be open; ``per_school`` honours the school's reopenings; ``refused`` is the reason
    for a wrong status (``{status}`` is the current status's label)."""

    starts: dict[str, tuple[str, ...]]
    per_school: bool
    refused: str


def _from(statuses: Iterable[str], stages: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    return {s: stages for s in statuses}


EDIT = "edit"  # the school changes its form, self-assessment or evidence
SUBMIT = "submit"
WITHDRAW = "withdraw"
COUNTY_SCORE = "county_score"
RETURN = "return"
RECOMMEND = "recommend"
NOT_RECOMMEND = "not_recommend"
ASSIGN = "assign"  # the city assigns experts
DECIDE = "decide"

RULES: dict[str, Rule] = {
    EDIT: Rule(
        {Status.DRAFT: SCHOOL_STAGES, Status.RETURNED: COUNTY_STAGES}, True,
        "申报状态为“{status}”，不能修改",
    ),
    SUBMIT: Rule(
        {Status.DRAFT: SCHOOL_STAGES, Status.RETURNED: COUNTY_STAGES}, True,
        "申报状态为“{status}”，不能修改",
    ),
    WITHDRAW: Rule(_from(WITHDRAWABLE, COUNTY_STAGES), True, "县级已作出推荐决定，不能再撤回"),
    COUNTY_SCORE: Rule(
        _from(COUNTY_SCORABLE, COUNTY_STAGES), True, "申报状态为“{status}”，县级不能评分"
    ),
    RETURN: Rule(
        _from([Status.SUBMITTED], COUNTY_STAGES), True, "只能退回“已提交”的申报（当前：{status}）"
    ),
    RECOMMEND: Rule(
        _from([Status.SUBMITTED, Status.NOT_RECOMMENDED], COUNTY_STAGES), True,
        "申报状态为“{status}”，不能推荐",
    ),
    NOT_RECOMMEND: Rule(
        _from([Status.SUBMITTED, Status.RECOMMENDED], COUNTY_STAGES), True,
        "申报状态为“{status}”，不能不推荐",
    ),
    ASSIGN: Rule(_from(AWAITING_DECISION, (Stage.CITY_REVIEW,)), False, "只能为已推荐的申报分配专家"),
    DECIDE: Rule(
        _from(DECIDABLE, (Stage.CITY_REVIEW, Stage.DECISION)), False,
        "申报状态为“{status}”，不能认定",
    ),
}


def check(action: str, application: Application) -> None:
    """Raise WorkflowError (DeadlinePassed for a closed stage) unless ``action`` is allowed now."""
    rule = RULES[action]
    stages = rule.starts.get(application.status)
    if stages is None:
        raise WorkflowError(rule.refused.format(status=application.get_status_display()))
    require_open(application.campaign, stages, application.school if rule.per_school else None)


def refusal(action: str, application: Application) -> str | None:
    """Why ``action`` is not allowed now, or None when it is."""
    try:
        check(action, application)
    except WorkflowError as exc:
        return str(exc)
    return None


def allowed(action: str, application: Application) -> bool:
    return refusal(action, application) is None


def open_until(action: str, application: Application) -> tuple[str, dt.datetime] | None:
    """The last stage in which ``action`` may be taken from the current status, and until when
    (a reopening for the school may extend it); None when the status never allows it."""
    rule = RULES[action]
    stages = rule.starts.get(application.status)
    if stages is None:
        return None
    campaign = application.campaign
    last = max(stages, key=campaign.deadline_of)
    at = campaign.deadline_of(last)
    if rule.per_school:
        reopened = (
            Reopening.objects.filter(campaign=campaign, school_id=application.school_id, stage__in=stages)
            .order_by("-until")
            .values_list("until", flat=True)
            .first()
        )
        if reopened is not None and reopened > at:
            at = reopened
    return last, at


def startable_statuses(action: str) -> frozenset[str]:
    """The statuses ``action`` starts from (for queries: the applications it may apply to)."""
    return frozenset(RULES[action].starts)


# --- campaign-level actions ---------------------------------------------------------------


def check_apply(campaign: Campaign, school: School) -> None:
    """A school may start an application while the application stage is open for it."""
    if school.county.parent_id != campaign.city_id:
        raise WorkflowError("这所学校不属于本次年度创建的城市")
    require_open(campaign, SCHOOL_STAGES, school)


def may_apply(campaign: Campaign, school: School) -> bool:
    try:
        check_apply(campaign, school)
    except WorkflowError:
        return False
    return True


def check_city_review(campaign: Campaign) -> None:
    """Expert assignment and expert scoring happen while the city review is open."""
    require_open(campaign, [Stage.CITY_REVIEW])


def city_review_open(campaign: Campaign) -> bool:
    return stage_open(campaign, Stage.CITY_REVIEW)


def check_reopen(campaign: Campaign) -> None:
    if campaign.published_at is not None:
        raise WorkflowError("结果已公布，不能重新开放")


def _decisions_ready(campaign: Campaign, pending: int, names: str, what: str) -> None:
    if campaign.published_at is not None:
        raise WorkflowError("结果已公布")
    if timezone.now() <= campaign.county_review_deadline:
        raise WorkflowError(f"县级初评截止（{local(campaign.county_review_deadline)}）之后才能{what}")
    if pending:
        raise WorkflowError(f"还有 {pending} 份推荐申报未认定：{names}")


def check_publish(campaign: Campaign, *, pending: int, names: str = "", open_objections: int = 0) -> None:
    """Publication: once, after the county deadline, with every recommended application
    decided; where the campaign has a 公示, after its period and with every objection resolved."""
    _decisions_ready(campaign, pending, names, "公布")
    if campaign.notice_days:
        if campaign.notice_opened_at is None:
            raise WorkflowError(f"本次创建设有 {campaign.notice_days} 个工作日的公示期：请先开始公示")
        if campaign.notice_ends_on is not None and timezone.localdate() <= campaign.notice_ends_on:
            raise WorkflowError(f"公示期至 {campaign.notice_ends_on:%Y-%m-%d} 结束，期满后才能公布")
        if open_objections:
            raise WorkflowError(f"还有 {open_objections} 件异议未处理")


# --- the 公示 before publication ---------------------------------------------------------------


def notice_end(start: dt.date, days: int) -> dt.date:
    """The last day of a 公示 of ``days`` working days opened on ``start``: counted from the
    next working day, Monday to Friday (the platform knows no public holidays: a city that
    needs them sets more days)."""
    day, left = start, days
    while left > 0:
        day += dt.timedelta(days=1)
        if day.weekday() < 5:
            left -= 1
    return day


def notice_running(campaign: Campaign) -> bool:
    """Whether the 公示 list is public now: opened and the results not yet published."""
    return campaign.notice_opened_at is not None and campaign.published_at is None


def check_notice_open(campaign: Campaign, *, pending: int, names: str = "") -> None:
    """The 公示 opens once, when publication could follow but for it."""
    if not campaign.notice_days:
        raise WorkflowError("本次创建不设公示期（公示期为 0 个工作日）：认定后可直接公布")
    if campaign.notice_opened_at is not None:
        raise WorkflowError("公示已经开始")
    _decisions_ready(campaign, pending, names, "公示")


def check_objection(campaign: Campaign) -> None:
    """An objection is recorded while the 公示 runs (or after its period, before publication)."""
    if campaign.published_at is not None:
        raise WorkflowError("结果已公布，不能再登记异议")
    if campaign.notice_opened_at is None:
        raise WorkflowError("公示尚未开始，不能登记异议")


def check_resolve(objection: Any) -> None:
    if objection.campaign.published_at is not None:
        raise WorkflowError("结果已公布，异议不能再处理")
    if objection.state != "open":
        raise WorkflowError("该异议已处理")


# --- ending a stage now ---------------------------------------------------------------------

# The city may end these stages before their deadline; each leads into the next. 认定与公布
# ends with publication (``check_publish``).
NEXT_STAGE = {
    Stage.APPLICATION: Stage.COUNTY_REVIEW,
    Stage.COUNTY_REVIEW: Stage.CITY_REVIEW,
    Stage.CITY_REVIEW: Stage.DECISION,
}
DEADLINE_FIELDS = {
    Stage.APPLICATION: "application_deadline",
    Stage.COUNTY_REVIEW: "county_review_deadline",
    Stage.CITY_REVIEW: "city_review_deadline",
    Stage.DECISION: "publication_deadline",
}
ACTION_LABELS = {
    EDIT: "修改", SUBMIT: "提交", WITHDRAW: "撤回", COUNTY_SCORE: "县级评分", RETURN: "退回修改",
    RECOMMEND: "推荐", NOT_RECOMMEND: "不推荐", ASSIGN: "分配专家", DECIDE: "认定",
}
# Campaign-level work that closes with a stage: schools starting an application
# (``check_apply``) and experts scoring (``check_city_review``).
APPLY_STAGES = SCHOOL_STAGES
EXPERT_STAGES = (Stage.CITY_REVIEW,)


def closes_with(stage: str, stages: Iterable[str]) -> bool:
    """Whether work allowed in ``stages`` ends when ``stage`` ends (the next one does not allow it)."""
    stages = tuple(stages)
    return stage in stages and NEXT_STAGE[Stage(stage)] not in stages


def locked_on_ending(stage: str) -> dict[str, list[str]]:
    """The statuses whose actions close when ``stage`` ends, each with those actions' labels, in
    the order of the statuses (read off the table of actions: nothing is listed twice)."""
    locked: dict[str, list[str]] = {}
    for value, _label in Status.choices:
        actions = [
            ACTION_LABELS[action]
            for action, rule in RULES.items()
            if value in rule.starts and closes_with(stage, rule.starts[value])
        ]
        if actions:
            locked[value] = actions
    return locked


def check_end_stage(campaign: Campaign, stage: str, now: dt.datetime | None = None) -> None:
    """The city ends the running stage now (its deadline becomes now); the next stage begins."""
    now = now or timezone.now()
    if campaign.published_at is not None:
        raise WorkflowError("结果已公布，阶段不能再变")
    if stage not in NEXT_STAGE:
        raise WorkflowError("“认定与公布”阶段以公布结果结束")
    current = campaign.stage_at(now)
    if current != stage:
        raise WorkflowError(f"现在不是“{Stage(stage).label}”阶段（当前：{current.label}），不能结束它")


def stages_ended(campaign: Campaign, fields: dict[str, Any], now: dt.datetime | None = None) -> list[Stage]:
    """The stages that new deadlines in ``fields`` would end at once: from the running stage up
    to the one the campaign would then be in (empty when no running stage closes)."""
    now = now or timezone.now()
    before = campaign.stage_at(now)
    order = list(NEXT_STAGE)
    if before not in order:
        return []
    after = Campaign(
        opens_at=fields.get("opens_at", campaign.opens_at),
        published_at=campaign.published_at,
        **{name: fields.get(name, getattr(campaign, name)) for name in DEADLINE_FIELDS.values()},
    ).stage_at(now)
    if after == before or after not in (*order, Stage.DECISION):
        return []
    end = order.index(after) if after in order else len(order)
    return order[order.index(before):end]


def city_review_running_q(prefix: str = "", now: dt.datetime | None = None) -> Q:
    """A query on campaigns (through ``prefix``) whose city review is running now: the stage in
    which experts see their assignments."""
    now = now or timezone.now()
    return Q(
        **{
            f"{prefix}county_review_deadline__lt": now,
            f"{prefix}city_review_deadline__gte": now,
            f"{prefix}published_at__isnull": True,
        }
    )


def expert_conflict(expert: User, school: School) -> str | None:
    """Why an expert may not review a school: their own county, or a link to it (GLOSSARY:
    experts never review their own county's schools)."""
    if expert.home_county_id == school.county_id:
        return f"{expert} 来自{school.county}，不能评审本县学校"
    if scope.linked_to_school(expert, school):
        return f"{expert} 与{school}有关联（在该校或该县任职）"
    return None


def city_review_started_q(prefix: str = "", now: dt.datetime | None = None) -> Q:
    """Campaigns (through ``prefix``) whose city review has begun: running, ended or published."""
    return Q(**{f"{prefix}county_review_deadline__lt": now or timezone.now()})
