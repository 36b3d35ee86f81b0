"""Rows of the to-do page (and of ``GET /api/todo/``): what is due, for which campaign (or plan)
and school, county or department, until when and how much time is left, and the page where the
work is done.

The deadline's words come from the one deadline presenter (``campaigns/presenters/deadlines.py``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from campuseval.accounts import scope
from campuseval.accounts.models import Role, User
from campuseval.campaigns import rules
from campuseval.campaigns.models import Stage
from campuseval.campaigns.presenters.deadlines import remaining_text
from campuseval.campaigns.selectors.due import Due
from campuseval.plans.due import PlanDue

from .selectors import Item, unread_of, work_of

INBOX_SHOWN = 5
SOON = dt.timedelta(days=3)


@dataclass(frozen=True)
class TodoRow:
    role: str
    kind: str
    title: str
    campaign_id: int | None  # None for a plan's work
    campaign: str
    place: str  # the school, county or department
    count: int | None
    limit: int | None
    note: str  # the county's note on a returned application
    tier: str  # the tier awarded (published results)
    url: str
    stage: str  # the stage whose deadline it is (its label)
    deadline: dt.datetime | None
    deadline_text: str  # "截止 2026-12-05 18:00" ("开始 ..." for a campaign not open yet)
    remaining: str  # "还剩 3 天 4 小时", "已逾期", or ""
    overdue: bool
    soon: bool  # less than three days left
    plan_id: int | None = None  # a plan's work: the plan
    plan: str = ""
    target: str = ""  # the KPI whose progress is to report


@dataclass(frozen=True)
class Link:
    label: str
    url: str


@dataclass
class TodoSection:
    role: str
    label: str
    home: Link  # the role's usual page
    rows: list[TodoRow]


@dataclass(frozen=True)
class InboxRow:
    id: int
    message: str
    url: str
    created_at: dt.datetime


@dataclass
class TodoPage:
    sections: list[TodoSection]
    unread: int
    inbox: list[InboxRow]
    links: list[Link] = field(default_factory=list)  # the usual pages, for "暂无待办"

    @property
    def empty(self) -> bool:
        return not any(s.rows for s in self.sections)

    @property
    def count(self) -> int:
        return sum(len(s.rows) for s in self.sections)


def _title(item: Due) -> str:
    n = item.count or 0
    if item.kind == "returned":
        return _("申报被退回修改：请按县级意见修改后重新提交")
    if item.kind == "draft":
        return _("完成申报表和自评，并提交申报")
    if item.kind == "apply":
        return _("可以申报：尚未开始")
    if item.kind == "published":
        if item.tier:
            return _("结果已公布：认定为%(tier)s") % {"tier": item.tier}
        return _("结果已公布")
    if item.kind == "county_queue":
        return _("%(n)d 份已提交的申报待县级审核、推荐") % {"n": n}
    if item.kind == "county_list":
        if item.limit is not None:
            return _("推荐名单：已推荐 %(n)d 所（上限 %(cap)d 所）") % {"n": n, "cap": item.limit}
        return _("推荐名单：已推荐 %(n)d 所") % {"n": n}
    if item.kind == "stage":
        return _("当前阶段：%(stage)s") % {"stage": Stage(item.stage).label}
    if item.kind == "assign":
        return _("%(n)d 份推荐申报待分配专家") % {"n": n}
    if item.kind == "decide":
        return _("%(n)d 份推荐申报待认定") % {"n": n}
    if item.kind == "publish":
        return _("认定已完成，可以公布结果")
    if item.kind == "review":
        return _("%(n)d 份评审待提交") % {"n": n}
    raise ValueError(f"unknown kind of work {item.kind}")


def _plan_title(item: PlanDue) -> str:
    if item.kind == "plan_submit":
        return _("提交规划：报市级审核")
    if item.kind == "plan_review":
        return _("县级规划已提交，待审核（采纳或退回）")
    if item.kind == "report_due":
        return _("填报指标进度")
    if item.kind == "report_accept":
        return _("%(n)d 份进度填报待采纳或退回") % {"n": item.count or 0}
    raise ValueError(f"unknown kind of work {item.kind}")


def plan_row(item: PlanDue, now: dt.datetime) -> TodoRow:
    """A plan's work: its deadline is a day, due until the end of it (local time)."""
    at = None
    text, remaining, overdue, soon = "", "", False, False
    if item.deadline is not None:
        at = timezone.make_aware(dt.datetime.combine(item.deadline + dt.timedelta(days=1), dt.time.min))
        delta = at - now
        overdue = delta.total_seconds() <= 0
        soon = dt.timedelta(0) < delta < SOON
        text = _("截止 %(at)s") % {"at": f"{item.deadline:%Y-%m-%d}"}
        remaining = _("已逾期") if overdue else remaining_text(delta)
    return TodoRow(
        role=item.role, kind=item.kind, title=_plan_title(item), campaign_id=None, campaign="",
        place=item.place, count=item.count, limit=None, note="", tier="", url=item.url, stage="",
        deadline=at, deadline_text=text, remaining=remaining, overdue=overdue, soon=soon,
        plan_id=item.plan.pk, plan=item.plan.title, target=item.target,
    )


def todo_row(item: Item, now: dt.datetime) -> TodoRow:
    if isinstance(item, PlanDue):
        return plan_row(item, now)
    at = item.deadline
    starts = item.kind == "stage" and item.stage == Stage.NOT_OPEN
    delta = at - now if at is not None else None
    overdue = delta is not None and not starts and delta.total_seconds() <= 0
    if at is None:
        text, remaining = "", ""
    elif starts:
        text, remaining = _("开始 %(at)s") % {"at": rules.local(at)}, ""
    else:
        text = _("截止 %(at)s") % {"at": rules.local(at)}
        remaining = _("已逾期") if overdue else remaining_text(delta) if delta is not None else ""
    return TodoRow(
        role=item.role,
        kind=item.kind,
        title=_title(item),
        campaign_id=item.campaign.pk,
        campaign=item.campaign.name,
        place=item.place,
        count=item.count,
        limit=item.limit,
        note=item.note,
        tier=item.tier,
        url=item.url,
        stage=str(Stage(item.stage).label) if item.stage else "",
        deadline=at,
        deadline_text=text,
        remaining=remaining,
        overdue=overdue,
        soon=delta is not None and not starts and dt.timedelta(0) < delta < SOON,
    )


def _home(role: str) -> Link:
    return {
        Role.SCHOOL_USER: Link(_("我的申报"), reverse("campaigns:school_applications")),
        Role.COUNTY_ADMIN: Link(_("县级初评"), reverse("campaigns:county_home")),
        Role.CITY_ADMIN: Link(_("年度创建"), reverse("campaigns:campaign_list")),
        Role.EXPERT: Link(_("我的评审"), reverse("campaigns:review_list")),
        Role.DEPARTMENT_USER: Link(_("规划与目标"), reverse("plans:list")),
    }[Role(role)]


def _usual_pages(user: User, sections: list[TodoSection]) -> list[Link]:
    links = [s.home for s in sections]
    if scope.has_role(user, Role.PLATFORM_ADMIN, Role.OBSERVER):
        links += [Link(_("年度创建"), reverse("campaigns:campaign_list")), Link(_("学校"), reverse("regions:school_list"))]
    links += [Link(_("通知"), reverse("notifications:inbox")), Link(_("评估标准"), reverse("rubrics:list"))]
    unique: dict[str, Link] = {}
    for link in links:
        unique.setdefault(link.url, link)
    return list(unique.values())


def todo_page(user: User, now: dt.datetime | None = None) -> TodoPage:
    """The user's to-do list: one section per role the user works in, and the unread inbox."""
    now = now or timezone.now()
    sections = [
        TodoSection(role, str(Role(role).label), _home(role), [todo_row(item, now) for item in items])
        for role, items in work_of(user, now)
    ]
    unread, latest = unread_of(user, INBOX_SHOWN)
    inbox = [InboxRow(n.pk, n.message, n.url, n.created_at) for n in latest]
    page = TodoPage([s for s in sections if s.rows], unread, inbox)
    page.links = _usual_pages(user, sections)
    return page
