"""County review (县级初评): the queue, the review page, the recommendation list and quotas.

County administrators act on their own county's applications; city administrators open the
same pages read-only for any county of their city. Objects come only through ``scope``; each
action is one service call, which checks the state, the deadline and the quota.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, cast
from urllib.parse import quote, urlencode

from django import forms
from django.contrib import messages
from django.core.paginator import Page, Paginator
from django.db.models import Case, Count, F, IntegerField, Prefetch, Q, QuerySet, Value, When
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from campuseval.accounts import scope
from campuseval.accounts.decorators import allowed_if
from campuseval.accounts.models import Role, User
from campuseval.audit.services import audit_export
from campuseval.campaigns import exports, services
from campuseval.campaigns.models import (
    Application,
    ApplicationEvent,
    Campaign,
    IndicatorScore,
    Stage,
    Status,
)
from campuseval.campaigns.presenters import (
    ScoredArea,
    ScoredIndicator,
    dom_id,
    find_indicator,
    score_choices,
    score_tree,
)
from campuseval.campaigns.selectors import county_result, self_result, self_results
from campuseval.engine import SchoolResult
from campuseval.evidence.models import EvidenceItem, EvidenceLink
from campuseval.evidence.selectors import DuplicateFlag, duplicate_flags
from campuseval.regions.models import Region, School

PAGE_SIZE = 30
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
# What the county has sent to the city: the recommendation list and the quota count these.
ON_LIST = (Status.RECOMMENDED, Status.UNDER_REVIEW, Status.DECIDED, Status.PUBLISHED)
COUNTY_SCORABLE = (Status.SUBMITTED, Status.RECOMMENDED, Status.NOT_RECOMMENDED)

reviewer_required = allowed_if(
    lambda u: scope.has_role(u, Role.COUNTY_ADMIN, Role.CITY_ADMIN, Role.PLATFORM_ADMIN),
    "县级初评仅限县（市、区）管理员和市级管理员使用。",
)
county_admin_required = allowed_if(
    lambda u: scope.has_role(u, Role.COUNTY_ADMIN),
    "只有县（市、区）管理员可以评分、退回或推荐；市级管理员只能查看县级初评。",
)
city_admin_required = allowed_if(
    lambda u: scope.has_role(u, Role.CITY_ADMIN, Role.PLATFORM_ADMIN),
    "各县（市、区）推荐名额汇总仅限市级管理员查看。",
)


# --- where: campaign and county ------------------------------------------------------------


def _campaign(request: HttpRequest, campaign_id: int) -> Campaign:
    return scope.get_in_scope(scope.campaigns_for(request.user), pk=campaign_id)


def _counties(request: HttpRequest, campaign: Campaign) -> list[Region]:
    """The counties of the campaign's city the user may open: their own, or all for the city."""
    return list(
        scope.regions_for(request.user)
        .filter(parent=campaign.city, level=Region.Level.COUNTY)
        .order_by("code")
    )


def _county(request: HttpRequest, campaign: Campaign) -> tuple[Region, list[Region]]:
    """The county named by ``?county=`` (default: the first one the user may open)."""
    counties = _counties(request, campaign)
    code = request.GET.get("county", "")
    if code:
        county = next((c for c in counties if c.code == code), None)
    else:
        county = counties[0] if counties else None
    if county is None:
        raise Http404("没有找到该县（市、区），或您无权访问")
    return county, counties


def _county_query(county: Region, counties: list[Region]) -> str:
    """``?county=`` for links between the pages, only where the user has a choice."""
    return f"?{urlencode({'county': county.code})}" if len(counties) > 1 else ""


def _acting_ids(request: HttpRequest, campaign: Campaign, county: Region) -> set[int]:
    """Applications of this county the user may act on (a county administrator's own)."""
    return set(
        scope.applications_for(request.user, action="county")
        .filter(campaign=campaign, school__county=county)
        .values_list("pk", flat=True)
    )


def _county_open(campaign: Campaign, school: School | None = None) -> bool:
    return any(
        services.stage_open(campaign, stage, school) for stage in (Stage.APPLICATION, Stage.COUNTY_REVIEW)
    )


@dataclass(frozen=True)
class DeadlineRow:
    label: str
    at: Any
    current: bool
    passed: bool


def _deadlines(campaign: Campaign) -> list[DeadlineRow]:
    now = timezone.now()
    stage = campaign.stage_at(now)
    return [
        DeadlineRow(Stage(s).label, campaign.deadline_of(s), stage == s, now > campaign.deadline_of(s))
        for s in (Stage.APPLICATION, Stage.COUNTY_REVIEW, Stage.CITY_REVIEW, Stage.DECISION)
    ]


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


def _quota_lines(campaign: Campaign, county: Region) -> list[QuotaLine]:
    usage = services.quota_usage(campaign, county)
    lines = [QuotaLine("推荐总数", usage["used"], usage["cap"])]
    lines += [QuotaLine(name, t["used"], t["cap"]) for name, t in usage["tiers"].items()]
    return lines


def _lock(campaign: Campaign) -> dict[str, Any]:
    """Whether the county's decisions are locked now (at the county deadline or publication)."""
    now = timezone.now()
    locked = campaign.published_at is not None or now > campaign.county_review_deadline
    return {"locked": locked, "lock_at": campaign.county_review_deadline}


# --- the queue ---------------------------------------------------------------------------


SORTS: dict[str, tuple[str, list[Any]]] = {
    "submitted": ("提交时间（早→晚）", [F("submitted_at").asc(nulls_last=True), "school__code"]),
    "-submitted": ("提交时间（晚→早）", [F("submitted_at").desc(nulls_last=True), "school__code"]),
    "school": ("学校标识码", ["school__code"]),
    "name": ("学校名称", ["school__name", "school__code"]),
    "status": ("状态", ["status", "school__code"]),
    "tier": ("申报类型", ["tier_rank", "school__code"]),
    "-score": ("自评分（高→低）", []),
    "score": ("自评分（低→高）", []),
}


class QueueFilter(forms.Form):
    q = forms.CharField(label="学校", required=False, max_length=100)
    status = forms.ChoiceField(label="状态", required=False)
    tier = forms.ChoiceField(label="申报类型", required=False)
    stage = forms.ChoiceField(label="学段", required=False)
    sort = forms.ChoiceField(label="排序", required=False, choices=[(k, v[0]) for k, v in SORTS.items()])

    def __init__(self, *args: Any, tiers: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["q"].widget = forms.TextInput(attrs={"placeholder": "名称或标识码", "type": "search"})
        choices = {
            "status": [("", "全部（不含草稿）"), *Status.choices],
            "tier": [("", "全部类型"), *((t, t) for t in tiers)],
            "stage": [("", "全部学段"), *School.Stage.choices],
        }
        for name, options in choices.items():
            cast(forms.ChoiceField, self.fields[name]).choices = options
        for f in self.fields.values():
            select = isinstance(f.widget, forms.Select)
            f.widget.attrs["class"] = "form-select form-select-sm" if select else "form-control form-control-sm"


@dataclass
class QueueRow:
    application: Application
    result: SchoolResult
    changed: int  # indicators the school changed after the last return
    scored: int  # indicators the school has scored

    @property
    def total(self) -> str:
        return _points(self.result.total)


def _points(value: float) -> str:
    """92.5, 110: the way the rubric prints points (no trailing zeros)."""
    return f"{round(value, 2):g}"


def _queue_rows(applications: list[Application]) -> list[QueueRow]:
    results = self_results(applications)
    rows = []
    for a in applications:
        scores = list(a.scores.all())
        rows.append(
            QueueRow(
                application=a,
                result=results[a.pk],
                changed=sum(1 for s in scores if s.changed_after_return),
                scored=sum(1 for s in scores if s.self_score is not None),
            )
        )
    return rows


def _filtered(qs: QuerySet[Application], data: dict[str, Any]) -> QuerySet[Application]:
    # Drafts are the school's work in progress: shown only when asked for.
    qs = qs.filter(status=data["status"]) if data.get("status") else qs.exclude(status=Status.DRAFT)
    if data.get("tier"):
        qs = qs.filter(applied_tier=data["tier"])
    if data.get("stage"):
        qs = qs.filter(school__stage=data["stage"])
    if q := (data.get("q") or "").strip():
        qs = qs.filter(Q(school__name__icontains=q) | Q(school__code__startswith=q))
    return qs


@reviewer_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The campaigns to review: one link per campaign of the user's city."""
    campaigns = list(scope.campaigns_for(request.user).order_by("-year", "-opens_at"))
    now = timezone.now()
    return render(
        request,
        "campaigns/county/home.html",
        {"rows": [(c, c.stage_at(now)) for c in campaigns], "is_city": scope.has_role(request.user, Role.CITY_ADMIN)},
    )


@reviewer_required
@require_GET
def queue(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = _campaign(request, campaign_id)
    county, counties = _county(request, campaign)
    tiers = campaign.tier_names
    form = QueueFilter(request.GET or None, tiers=tiers)
    data: dict[str, Any] = {}
    if form.is_bound:
        form.is_valid()  # a bad value is left out of cleaned_data: its filter is not applied
        data = form.cleaned_data
    base = scope.applications_for(request.user).filter(campaign=campaign, school__county=county)
    counts = Counter(
        {r["status"]: r["n"] for r in base.order_by().values("status").annotate(n=Count("id", distinct=True))}
    )
    apps = _filtered(base, data).prefetch_related(
        Prefetch("scores", queryset=IndicatorScore.objects.only(
            "id", "application_id", "code", "self_score", "clause_met", "changed_after_return"
        ))
    )
    sort = data.get("sort") or "submitted"
    if sort in ("score", "-score"):
        # The engine's total caps sub-areas, so it is sorted here, not by a sum in SQL; a
        # county has at most a few hundred applications per campaign.
        every = _queue_rows(list(apps.order_by("school__code")))
        every.sort(key=lambda r: r.result.total, reverse=sort == "-score")
        page: Page[Any] = Paginator(every, PAGE_SIZE).get_page(request.GET.get("page"))
        rows = list(page.object_list)
    else:
        ranks = Case(
            *(When(applied_tier=t, then=Value(n)) for n, t in enumerate(tiers)),
            default=Value(len(tiers)),
            output_field=IntegerField(),
        )
        ordered = apps.annotate(tier_rank=ranks).order_by(*SORTS[sort][1])
        page = Paginator(ordered, PAGE_SIZE).get_page(request.GET.get("page"))
        rows = _queue_rows(list(page.object_list))
    context = {
        "campaign": campaign,
        "county": county,
        "counties": counties,
        "county_query": _county_query(county, counties),
        "form": form,
        "page": page,
        "rows": rows,
        "counts": [(s.label, s.value, counts.get(s.value, 0)) for s in Status if counts.get(s.value)],
        "drafts": counts.get(Status.DRAFT, 0),
        "total": sum(counts.values()),
        "quota": _quota_lines(campaign, county),
        "deadlines": _deadlines(campaign),
        "stage": campaign.stage_at(timezone.now()),
        "is_city": scope.has_role(request.user, Role.CITY_ADMIN, Role.PLATFORM_ADMIN),
        **_lock(campaign),
    }
    return render(request, "campaigns/county/queue.html", context)


@dataclass(frozen=True)
class CountyRow:
    county: Region
    quota: list[QuotaLine]
    statuses: list[int]  # applications per status, in the order of Status

    @property
    def total(self) -> int:
        return sum(self.statuses)


@city_admin_required
@require_GET
def quotas(request: HttpRequest, campaign_id: int) -> HttpResponse:
    """Every county's recommendations against its quota, and its applications per status."""
    campaign = _campaign(request, campaign_id)
    counties = _counties(request, campaign)
    counts: dict[int, Counter[str]] = {c.pk: Counter() for c in counties}
    per_status = (
        scope.applications_for(request.user)
        .filter(campaign=campaign)
        .order_by()
        .values("school__county_id", "status")
        .annotate(n=Count("id", distinct=True))
    )
    for r in per_status:
        if r["school__county_id"] in counts:
            counts[r["school__county_id"]][r["status"]] = r["n"]
    statuses = list(Status)
    rows = [
        CountyRow(
            county=c,
            quota=_quota_lines(campaign, c),
            statuses=[counts[c.pk].get(s.value, 0) for s in statuses],
        )
        for c in counties
    ]
    totals = [sum(counts[c.pk].get(s.value, 0) for c in counties) for s in statuses]
    context = {
        "campaign": campaign,
        "rows": rows,
        "statuses": statuses,
        "totals": totals,
        # The city's sum of what each county has used; caps are per county, so no city cap.
        "quota_totals": [sum(line.used for line in lines) for lines in zip(*(r.quota for r in rows), strict=True)],
        "grand_total": sum(totals),
        "tiers": campaign.tier_names,
        "deadlines": _deadlines(campaign),
        **_lock(campaign),
    }
    return render(request, "campaigns/county/quotas.html", context)


# --- the review page ------------------------------------------------------------------------


@dataclass
class EvidenceRow:
    item: EvidenceItem
    carried: bool
    download_url: str | None
    duplicate: DuplicateFlag | None  # the same file (by content hash) at another school


def _anchor(code: str) -> str:
    return "ind-" + dom_id(code)


def _download_url(item: EvidenceItem) -> str | None:
    # The evidence app's download view checks scope; until it exists the file is only listed.
    if item.kind != EvidenceItem.Kind.FILE or not item.file:
        return None
    try:
        return reverse("evidence:download", args=[item.pk])
    except NoReverseMatch:
        return None


def _evidence(user: User, application: Application) -> dict[str, list[EvidenceRow]]:
    """The evidence linked to each indicator, with files another school also submitted."""
    links = (
        EvidenceLink.objects.filter(application=application, evidence__in=scope.evidence_for(user))
        .select_related("evidence")
        .order_by("code", "id")
    )
    flags = {f.item.pk: f for f in duplicate_flags(application, user)}
    by_code: dict[str, list[EvidenceRow]] = {}
    for link in links:
        item = link.evidence
        by_code.setdefault(link.code, []).append(
            EvidenceRow(item, link.carried, _download_url(item), flags.get(item.pk))
        )
    return by_code


def _review_tree(
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


def _keep_typed(item: ScoredIndicator, raw: str, comment: str) -> None:
    """A refused save shows what the reviewer entered, not the saved value."""
    item.comment = comment
    try:
        value = Decimal(raw) if raw.strip() else None
    except InvalidOperation:
        return
    item.choices = score_choices(item.points, item.criteria, value)


def _permissions(application: Application, can_act: bool) -> dict[str, bool]:
    """What the page offers; the services decide again on every action."""
    is_open = can_act and _county_open(application.campaign, application.school)
    status = application.status
    return {
        "can_act": can_act,
        "is_open": is_open,
        "may_score": is_open and status in COUNTY_SCORABLE,
        "may_return": is_open and status == Status.SUBMITTED,
        "may_recommend": is_open and status in (Status.SUBMITTED, Status.NOT_RECOMMENDED),
        "may_not_recommend": is_open and status in (Status.SUBMITTED, Status.RECOMMENDED),
    }


def _totals(application: Application, rows: list[IndicatorScore]) -> dict[str, Any]:
    rubric = application.campaign.rubric.engine_rubric()
    mine, county = self_result(application, rows), county_result(application)
    scored = {r.code for r in rows if r.county_score is not None}
    return {
        "self": mine,
        "self_total": _points(mine.total),
        "county": county,
        "county_total": _points(county.total) if county else "",
        "county_scored": len(scored),
        "indicator_count": len(rubric.indicators),
        # Until every indicator has a county score the tier means little; the missed ★ are
        # named only among those scored.
        "county_complete": len(scored) == len(rubric.indicators),
        "county_basic_missed": [c for c in county.basic_missed if c in scored] if county else [],
    }


def _me(request: HttpRequest) -> User:
    # The decorators let only signed-in users through.
    assert isinstance(request.user, User)
    return request.user


def _scoped_application(request: HttpRequest, application_id: int, action: str) -> Application:
    qs = scope.applications_for(request.user, action=action).prefetch_related("scores")
    return scope.get_in_scope(qs, pk=application_id)


def _render_review(
    request: HttpRequest, application: Application, *, posted: dict[str, str] | None = None,
    status: int = 200,
) -> HttpResponse:
    can_act = scope.applications_for(request.user, action="county").filter(pk=application.pk).exists()
    rows = list(application.scores.all())
    totals = _totals(application, rows)
    # A refused return shows the page again with what the reviewer typed.
    evidence = _evidence(_me(request), application)
    tree = _review_tree(application, rows, totals["self"], evidence=evidence, typed=posted)
    campaign = application.campaign
    county = application.school.county
    counties = _counties(request, campaign)
    context = {
        "application": application,
        "campaign": campaign,
        "county": county,
        "county_query": _county_query(county, counties),
        "tree": tree,
        "totals": totals,
        "posted": posted,
        "note": (posted or {}).get("note", ""),
        "quota": _quota_lines(campaign, county),
        "deadlines": _deadlines(campaign),
        "events": ApplicationEvent.objects.filter(application=application).select_related("actor"),
        **_permissions(application, can_act),
        **_lock(campaign),
    }
    return render(request, "campaigns/county/review.html", context, status=status)


@reviewer_required
@require_GET
def review(request: HttpRequest, application_id: int) -> HttpResponse:
    return _render_review(request, _scoped_application(request, application_id, "view"))


def _review_url(application: Application, anchor: str = "") -> str:
    return reverse("campaigns:county_review", args=[application.pk]) + (f"#{anchor}" if anchor else "")


@county_admin_required
@require_POST
def score_save(request: HttpRequest, application_id: int, code: str) -> HttpResponse:
    """Save the county's score (and comment) for one indicator; htmx gets the cell back."""
    application = _scoped_application(request, application_id, "county")
    engine = application.campaign.rubric.engine_rubric()
    if code not in engine.index:
        raise Http404("评估标准中没有这个指标")
    row = next((r for r in application.scores.all() if r.code == code), None)
    raw = request.POST.get("score", "")
    comment = request.POST.get(f"comment-{code}", row.county_comment if row else "").strip()
    level, message = messages.SUCCESS, f"已保存指标 {code} 的县级评分"
    attempted: dict[str, str] | None = None
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        level, message = messages.ERROR, "页面已过期，请刷新后再保存"
    else:
        try:
            row = services.county_score_save(
                by=_me(request), application=application, code=code, score=raw, comment=comment,
                expected_version=version,
            )
        except services.EditConflict as exc:
            row = exc.current
            current = "未评分" if row.county_score is None else f"{_points(float(row.county_score))} 分"
            level = messages.ERROR
            message = f"{exc}。当前保存的县级评分为 {current}" + (
                f"，意见：{row.county_comment}" if row.county_comment else ""
            ) + "。如仍要改为您填写的内容，请再次保存。"
            attempted = {"raw": raw, "comment": comment}
        except services.WorkflowError as exc:
            level, message = messages.ERROR, f"指标 {code}：{exc}"
            attempted = {"raw": raw, "comment": comment}
    if request.headers.get("HX-Request") != "true":
        messages.add_message(request, level, message)
        return redirect(_review_url(application, _anchor(code)))
    application = _scoped_application(request, application_id, "county")  # fresh scores for totals
    rows = list(application.scores.all())
    totals = _totals(application, rows)
    item = find_indicator(_review_tree(application, rows, totals["self"]), code)
    if attempted is not None:
        _keep_typed(item, **attempted)
    context = {
        "application": application,
        "item": item,
        "attempted": attempted,
        "message": message,
        "level": "success" if level == messages.SUCCESS else "danger",
        "totals": totals,
        "oob": True,
        **_permissions(application, True),
    }
    return render(request, "campaigns/county/_county_cell.html", context)


@county_admin_required
@require_POST
def application_return(request: HttpRequest, application_id: int) -> HttpResponse:
    """Return to the school with the comments per indicator from the page and a general note."""
    application = _scoped_application(request, application_id, "county")
    comments = {k.removeprefix("comment-"): request.POST.get(k, "") for k in request.POST if k.startswith("comment-")}
    note = request.POST.get("note", "")
    try:
        services.application_return(by=_me(request), application=application, comments=comments, note=note)
    except services.WorkflowError as exc:
        messages.error(request, f"未能退回：{exc}")
        return _render_review(request, application, posted=request.POST.dict(), status=400)
    count = sum(1 for v in comments.values() if v.strip())
    messages.success(request, f"已退回{application.school.name}修改（{count} 条指标意见），学校会收到通知。")
    return redirect(_review_url(application))


@county_admin_required
@require_POST
def application_recommend(request: HttpRequest, application_id: int) -> HttpResponse:
    """Recommend to the city, or not; the quota and the deadline are the service's to check."""
    application = _scoped_application(request, application_id, "county")
    decision = request.POST.get("decision")
    back = (
        reverse("campaigns:county_list", args=[application.campaign_id])
        if request.POST.get("next") == "list"
        else _review_url(application)
    )
    if decision not in ("recommend", "not_recommend"):
        messages.error(request, "请选择“推荐”或“不推荐”")
        return redirect(back)
    recommend = decision == "recommend"
    try:
        services.application_recommend(
            by=_me(request), application=application, recommend=recommend, note=request.POST.get("note", "").strip()
        )
    except services.WorkflowError as exc:
        messages.error(request, f"未能{'推荐' if recommend else '设为不推荐'}：{exc}")
        return redirect(back)
    if recommend:
        messages.success(request, f"已推荐{application.school.name}参加市级评审。")
    else:
        messages.success(request, f"已将{application.school.name}设为不推荐。")
    return redirect(back)


# --- the recommendation list ---------------------------------------------------------------


def _list_rows(request: HttpRequest, campaign: Campaign, county: Region) -> list[QueueRow]:
    apps = list(
        scope.applications_for(request.user)
        .filter(campaign=campaign, school__county=county, status__in=ON_LIST)
        .prefetch_related("scores")
        .order_by("school__code")
    )
    rows = _queue_rows(apps)
    ranks = {t: n for n, t in enumerate(campaign.tier_names)}
    # The bureau's order: the highest applied tier first, then the self-score.
    rows.sort(key=lambda r: (ranks.get(r.application.applied_tier, len(ranks)), -r.result.total))
    return rows


def _lock_note(campaign: Campaign) -> str:
    lock = _lock(campaign)
    if not lock["locked"]:
        return ""
    at = timezone.localtime(lock["lock_at"]).strftime(services.FMT)
    return f"名单已于 {at}（县级初评截止）锁定。"


@reviewer_required
@require_GET
def recommendation_list(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = _campaign(request, campaign_id)
    county, counties = _county(request, campaign)
    rows = _list_rows(request, campaign, county)
    acting = _acting_ids(request, campaign, county)
    context = {
        "campaign": campaign,
        "county": county,
        "counties": counties,
        "county_query": _county_query(county, counties),
        "rows": rows,
        "acting": acting,
        "may_change": bool(acting) and _county_open(campaign),
        "quota": _quota_lines(campaign, county),
        "deadlines": _deadlines(campaign),
        **_lock(campaign),
    }
    return render(request, "campaigns/county/list.html", context)


def _list_export(request: HttpRequest, campaign_id: int, fmt: str) -> HttpResponse:
    campaign = _campaign(request, campaign_id)
    county, _counties_ = _county(request, campaign)
    rows = _list_rows(request, campaign, county)
    user = request.user
    acting_here = scope.has_role(user, Role.COUNTY_ADMIN) and bool(_acting_ids(request, campaign, county))
    head = exports.ListHead(
        title=f"{campaign.name} 推荐名单",
        county=county.name,
        # The county's contact is the county administrator who prints it; the city leaves it blank.
        contact=(user.full_name if acting_here and isinstance(user, User) else ""),
        phone=(user.phone if acting_here and isinstance(user, User) else ""),
        locked_note=_lock_note(campaign),
    )
    list_rows = [
        exports.ListRow(
            school=r.application.school.name,
            contact=r.application.contact_name,
            phone=r.application.contact_phone,
            tier=r.application.applied_tier,
            score=r.result.total,
            highlights=r.application.highlights,
        )
        for r in rows
    ]
    if fmt == "xlsx":
        body, content_type = exports.recommendation_list_xlsx(head, list_rows), XLSX
    else:
        body, content_type = exports.recommendation_list_docx(head, list_rows), DOCX
    audit_export(
        object_type=Application._meta.label_lower,
        description=f"导出{county.name}推荐名单 {len(list_rows)} 所（{fmt}）",
        count=len(list_rows),
        fmt=fmt,
        filters={"campaign": campaign.pk, "county": county.code},
        region_code=county.code,
    )
    name = f"{campaign.name}推荐名单（{county.name}）.{fmt}"
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = (
        f'attachment; filename="recommended-{campaign.pk}-{county.code}.{fmt}"; '
        f"filename*=UTF-8''{quote(name)}"
    )
    return response


@reviewer_required
@require_GET
def recommendation_list_xlsx(request: HttpRequest, campaign_id: int) -> HttpResponse:
    return _list_export(request, campaign_id, "xlsx")


@reviewer_required
@require_GET
def recommendation_list_docx(request: HttpRequest, campaign_id: int) -> HttpResponse:
    return _list_export(request, campaign_id, "docx")
