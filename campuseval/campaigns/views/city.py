"""The campaign pages every user sees (list, detail), the city administrator's pages (settings,
reopenings, expert assignment, decisions, publication) and the public results page.

Objects come through :mod:`campuseval.accounts.scope` (404 outside scope); pages for an action a
role may never take are a 403. Every write is one service call; its refusal is shown as it is.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from campuseval.accounts.decorators import allowed_if
from campuseval.accounts.models import Role, RoleAssignment, User
from campuseval.accounts.scope import (
    applications_for,
    assignments_for,
    campaigns_for,
    get_in_scope,
    has_role,
    is_admin,
    schools_for,
)
from campuseval.campaigns import services
from campuseval.campaigns.forms import CampaignForm, DecideForm, ReopenForm, campaign_initial
from campuseval.campaigns.models import (
    Application,
    Campaign,
    ExpertAssignment,
    ExpertScore,
    Stage,
    Status,
)
from campuseval.campaigns.selectors import CombinedResult, combined_result, published_applications
from campuseval.regions.models import Region

city_admin_required = allowed_if(
    lambda user: has_role(user, Role.CITY_ADMIN),
    "年度创建的设置、专家分配、认定和公布仅限市级管理员使用。",
)

REVIEWED = [Status.RECOMMENDED, Status.UNDER_REVIEW, Status.DECIDED, Status.PUBLISHED]
DEADLINE_STAGES = [Stage.APPLICATION, Stage.COUNTY_REVIEW, Stage.CITY_REVIEW, Stage.DECISION]


def _admin_cities(user: Any) -> QuerySet[Region]:
    """The cities in which the user is a city administrator: where a campaign may be opened."""
    held = RoleAssignment.objects.filter(user=user, role=Role.CITY_ADMIN).values("region_id")
    return Region.objects.filter(level=Region.Level.CITY, pk__in=held).order_by("code")


def _own_campaign(request: HttpRequest, pk: int) -> Campaign:
    """A campaign the user runs as a city administrator (404 otherwise)."""
    return get_in_scope(campaigns_for(request.user, write=True), pk=pk)


def _add_errors(form: CampaignForm, exc: ValidationError) -> None:
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for name, errors in exc.error_dict.items():
        target = {"city_id": "city", "rubric_id": "rubric"}.get(name, name)
        form.add_error(target if target in form.fields else None, errors)


# --- shaped data for the templates -------------------------------------------------------


@dataclass
class StageNow:
    label: str
    code: str
    when_label: str
    when: dt.datetime | None


def stage_now(campaign: Campaign, now: dt.datetime) -> StageNow:
    stage = campaign.stage_at(now)
    if stage == Stage.NOT_OPEN:
        return StageNow(stage.label, stage.value, "开始时间", campaign.opens_at)
    if stage == Stage.PUBLISHED:
        return StageNow(stage.label, stage.value, "公布时间", campaign.published_at)
    return StageNow(stage.label, stage.value, "截止时间", campaign.deadline_of(stage))


@dataclass
class TimelineStep:
    label: str
    when: dt.datetime | None
    state: str  # done, current, upcoming


def timeline(campaign: Campaign, now: dt.datetime) -> list[TimelineStep]:
    current = campaign.stage_at(now)
    order = [Stage.NOT_OPEN, *DEADLINE_STAGES, Stage.PUBLISHED]
    rank = order.index(current)
    steps = [TimelineStep("开始", campaign.opens_at, "done" if rank > 0 else "upcoming")]
    for n, stage in enumerate(DEADLINE_STAGES, start=1):
        state = "done" if rank > n else "current" if rank == n else "upcoming"
        label = "公布截止" if stage == Stage.DECISION else f"{stage.label}截止"
        steps.append(TimelineStep(label, campaign.deadline_of(stage), state))
    steps.append(TimelineStep("结果公布", campaign.published_at, "done" if campaign.published_at else "upcoming"))
    return steps


def status_counts(user: Any, campaigns: list[Campaign]) -> dict[int, list[tuple[str, int]]]:
    """Applications per status of each campaign, as far as the user may see them (one query)."""
    rows = (
        applications_for(user)
        .filter(campaign__in=campaigns)
        .order_by()
        .values("campaign_id", "status")
        .annotate(n=Count("id", distinct=True))
    )
    counts: dict[int, Counter[str]] = {}
    for row in rows:
        counts.setdefault(row["campaign_id"], Counter())[row["status"]] += row["n"]
    return {
        pk: [(str(label), c[value]) for value, label in Status.choices if c[value]]
        for pk, c in counts.items()
    }


@dataclass
class CampaignRow:
    campaign: Campaign
    stage: StageNow
    counts: list[tuple[str, int]] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(n for _, n in self.counts)


# --- every user: list and detail --------------------------------------------------------


@login_required
@require_GET
def campaign_list(request: HttpRequest) -> HttpResponse:
    campaigns = list(campaigns_for(request.user))
    now = timezone.now()
    show_counts = is_admin(request.user) or has_role(request.user, Role.OBSERVER)
    counts = status_counts(request.user, campaigns) if show_counts and campaigns else {}
    rows = [CampaignRow(c, stage_now(c, now), counts.get(c.pk, [])) for c in campaigns]
    return render(
        request,
        "campaigns/city/campaign_list.html",
        {
            "rows": rows,
            "show_counts": show_counts,
            "may_create": has_role(request.user, Role.CITY_ADMIN),
        },
    )


@login_required
@require_GET
def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    campaign = get_in_scope(campaigns_for(user), pk=pk)
    now = timezone.now()
    runs_it = campaigns_for(user, write=True).filter(pk=campaign.pk).exists()
    show_counts = is_admin(user) or has_role(user, Role.OBSERVER)
    context: dict[str, Any] = {
        "campaign": campaign,
        "stage": stage_now(campaign, now),
        "timeline": timeline(campaign, now),
        "runs_it": runs_it,
        "counts": status_counts(user, [campaign]).get(campaign.pk, []) if show_counts else [],
        "show_counts": show_counts,
        "county_admin": has_role(user, Role.COUNTY_ADMIN),
        "school_user": has_role(user, Role.SCHOOL_USER),
        "my_applications": list(
            applications_for(user, action="school").filter(campaign=campaign).select_related("school")
        ),
        "expert": has_role(user, Role.EXPERT),
        "my_reviews": assignments_for(user).filter(application__campaign=campaign).count(),
    }
    if runs_it:
        counties = Region.objects.filter(parent=campaign.city, level=Region.Level.COUNTY).order_by("code")
        context["quotas"] = [(county, services.quota_usage(campaign, county)) for county in counties]
        context["reopenings"] = list(campaign.reopenings.select_related("school", "created_by")[:5])
    return render(request, "campaigns/city/campaign_detail.html", context)


# --- city administrators: settings ------------------------------------------------------


@city_admin_required
@require_http_methods(["GET", "POST"])
def campaign_create(request: HttpRequest) -> HttpResponse:
    cities = _admin_cities(request.user)
    year = timezone.localdate().year
    form = CampaignForm(
        request.POST or None,
        cities=cities,
        initial={"year": year, "name": f"{year}年智慧校园创建", "city": cities.first()},
    )
    if request.method == "POST" and form.is_valid():
        fields = form.service_fields()
        try:
            campaign = services.campaign_open(by=request.user, **fields)  # type: ignore[arg-type]
        except ValidationError as exc:
            _add_errors(form, exc)
        except services.WorkflowError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"已创建年度创建：{campaign.name}")
            return redirect("campaigns:campaign_detail", pk=campaign.pk)
    return render(request, "campaigns/city/campaign_form.html", {"form": form, "campaign": None})


@city_admin_required
@require_http_methods(["GET", "POST"])
def campaign_edit(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _own_campaign(request, pk)
    has_applications = campaign.applications.exists()
    rubrics = _rubric_choices(campaign)
    form = CampaignForm(
        request.POST or None,
        cities=_admin_cities(request.user),
        rubrics=rubrics,
        rubric_locked=has_applications,
        city_locked=True,
        initial=campaign_initial(campaign),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.campaign_update(by=request.user, campaign=campaign, **form.service_fields())  # type: ignore[arg-type]
        except ValidationError as exc:
            campaign.refresh_from_db()
            _add_errors(form, exc)
        except services.WorkflowError as exc:
            campaign.refresh_from_db()
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"已保存年度创建：{campaign.name}")
            return redirect("campaigns:campaign_detail", pk=campaign.pk)
    return render(request, "campaigns/city/campaign_form.html", {"form": form, "campaign": campaign})


def _rubric_choices(campaign: Campaign) -> QuerySet[Any]:
    """The latest versions, plus the version the campaign already uses."""
    from campuseval.rubrics.models import Rubric
    from campuseval.rubrics.selectors import rubric_list

    latest = rubric_list().values("pk")
    return Rubric.objects.filter(Q(pk__in=latest) | Q(pk=campaign.rubric_id)).order_by("city", "code", "-version")


@city_admin_required
@require_GET
def quota_fields(request: HttpRequest) -> HttpResponse:
    """The per-tier quota inputs for the rubric chosen in the campaign form (htmx)."""
    form = CampaignForm(
        None, cities=_admin_cities(request.user), initial={"rubric": request.GET.get("rubric")}
    )
    return render(request, "campaigns/city/_quota_fields.html", {"form": form})


@city_admin_required
@require_http_methods(["GET", "POST"])
def campaign_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _own_campaign(request, pk)
    schools = schools_for(request.user).filter(county__parent=campaign.city).order_by("county__code", "code")
    form = ReopenForm(request.POST or None, schools=schools)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.campaign_reopen(
                by=request.user,  # type: ignore[arg-type]
                campaign=campaign,
                school=data["school"],
                stage=data["stage"],
                until=data["until"],
                reason=data["reason"],
            )
        except (services.WorkflowError, ValidationError) as exc:
            form.add_error(None, exc.messages if isinstance(exc, ValidationError) else str(exc))
        else:
            messages.success(request, f"已为{data['school']}重新开放“{Stage(data['stage']).label}”")
            return redirect("campaigns:campaign_reopen", pk=campaign.pk)
    reopenings = campaign.reopenings.select_related("school__county", "created_by")
    return render(
        request,
        "campaigns/city/campaign_reopen.html",
        {"campaign": campaign, "form": form, "reopenings": reopenings, "now": timezone.now()},
    )


# --- city administrators: experts -------------------------------------------------------


@dataclass
class ExpertLoad:
    expert: User
    assigned: int
    submitted: int


def _expert_loads(campaign: Campaign) -> list[ExpertLoad]:
    rows = (
        ExpertAssignment.objects.filter(application__campaign=campaign)
        .values("expert_id")
        .annotate(n=Count("id"), done=Count("id", filter=Q(submitted_at__isnull=False)))
    )
    by_expert = {r["expert_id"]: r for r in rows}
    experts = services.experts_of(campaign)
    loads = [
        ExpertLoad(e, by_expert.get(e.pk, {}).get("n", 0), by_expert.get(e.pk, {}).get("done", 0))
        for e in experts
    ]
    return sorted(loads, key=lambda x: (-x.assigned, x.expert.username))


def _reviewed_applications(user: Any, campaign: Campaign) -> QuerySet[Application]:
    return (
        applications_for(user, action="city")
        .filter(campaign=campaign, status__in=REVIEWED)
        .prefetch_related(
            Prefetch("assignments", queryset=ExpertAssignment.objects.select_related("expert__home_county"))
        )
        .order_by("school__county__code", "school__code")
    )


@city_admin_required
@require_GET
def assignments(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _own_campaign(request, pk)
    applications = list(_reviewed_applications(request.user, campaign))
    open_now = services.stage_open(campaign, Stage.CITY_REVIEW)
    understaffed = [
        a
        for a in applications
        if a.status in (Status.RECOMMENDED, Status.UNDER_REVIEW)
        and len(a.assignments.all()) < campaign.experts_per_application
    ]
    return render(
        request,
        "campaigns/city/assignments.html",
        {
            "campaign": campaign,
            "applications": applications,
            "loads": _expert_loads(campaign),
            "understaffed": understaffed,
            "open_now": open_now,
            "deadline": campaign.city_review_deadline,
        },
    )


@city_admin_required
@require_POST
def assign_auto(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _own_campaign(request, pk)
    try:
        report = services.experts_assign_auto(by=request.user, campaign=campaign)  # type: ignore[arg-type]
    except services.WorkflowError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"自动分配完成：新增 {report.created} 项分配")
        if report.understaffed:
            messages.warning(
                request,
                f"以下 {len(report.understaffed)} 所学校的专家不足 {campaign.experts_per_application} 位"
                f"（可回避冲突的专家不够）：{'、'.join(report.understaffed)}",
            )
    return redirect("campaigns:assignments", pk=campaign.pk)


@dataclass
class ExpertChoice:
    expert: User
    load: int
    assigned: bool
    reason: str | None  # the conflict that rules the expert out


@city_admin_required
@require_http_methods(["GET", "POST"])
def assign(request: HttpRequest, pk: int, application_id: int) -> HttpResponse:
    """Choose an expert for one application by hand; conflicted experts are shown, disabled."""
    campaign = _own_campaign(request, pk)
    application = get_in_scope(
        applications_for(request.user, action="city").filter(campaign=campaign), pk=application_id
    )
    if request.method == "POST":
        expert = next((e for e in services.experts_of(campaign) if str(e.pk) == request.POST.get("expert")), None)
        if expert is None:
            messages.error(request, "请选择本市的评估专家")
        else:
            try:
                services.expert_assign(by=request.user, application=application, expert=expert)  # type: ignore[arg-type]
            except services.WorkflowError as exc:
                messages.error(request, f"不能分配：{exc}")
            else:
                messages.success(request, f"已分配 {expert} 评审{application.school}")
        return redirect(f"{reverse('campaigns:assignments', kwargs={'pk': campaign.pk})}#app-{application.pk}")
    have = set(application.assignments.values_list("expert_id", flat=True))
    loads = {x.expert.pk: x.assigned for x in _expert_loads(campaign)}
    choices = [
        ExpertChoice(e, loads.get(e.pk, 0), e.pk in have, services.conflict_reason(e, application.school))
        for e in services.experts_of(campaign)
    ]
    template = "campaigns/city/_assign_form.html" if request.htmx else "campaigns/city/assign.html"  # type: ignore[attr-defined]
    return render(request, template, {"campaign": campaign, "application": application, "choices": choices})


@city_admin_required
@require_POST
def unassign(request: HttpRequest, pk: int, assignment_id: int) -> HttpResponse:
    campaign = _own_campaign(request, pk)
    assignment = get_in_scope(
        ExpertAssignment.objects.select_related("application__school", "expert").filter(
            application__in=applications_for(request.user, action="city").filter(campaign=campaign)
        ),
        pk=assignment_id,
    )
    label = f"{assignment.expert} 对{assignment.application.school}的评审"
    try:
        services.expert_unassign(by=request.user, assignment=assignment)  # type: ignore[arg-type]
    except services.WorkflowError as exc:
        messages.error(request, f"不能撤销：{exc}")
    else:
        messages.success(request, f"已撤销{label}")
    return redirect("campaigns:assignments", pk=campaign.pk)


# --- city administrators: decisions, gaps, publication -----------------------------------


@dataclass
class DecisionRow:
    application: Application
    submitted: int
    assigned: int
    combined: CombinedResult | None
    form_tier: str
    reason: str = ""
    error: str = ""

    @property
    def engine_tier(self) -> str:
        if self.combined is None:
            return ""
        return self.combined.result.tier or ""

    @property
    def engine_tier_name(self) -> str:
        return self.combined.result.tier_name if self.combined else ""

    @property
    def flagged(self) -> int:
        return len(self.combined.flagged) if self.combined else 0

    @property
    def decidable(self) -> bool:
        return self.combined is not None and self.application.status in (Status.UNDER_REVIEW, Status.DECIDED)


def _decision_rows(user: Any, campaign: Campaign) -> list[DecisionRow]:
    rows = []
    for application in _reviewed_applications(user, campaign):
        assigned = list(application.assignments.all())
        combined = combined_result(application) if any(a.submitted_at for a in assigned) else None
        engine = combined.result.tier or "" if combined else ""
        default = application.decided_tier if application.decided_at else engine
        rows.append(
            DecisionRow(
                application=application,
                submitted=sum(1 for a in assigned if a.submitted_at),
                assigned=len(assigned),
                combined=combined,
                form_tier=default,
                reason=application.override_reason,
            )
        )
    return rows


def _decisions_page(request: HttpRequest, campaign: Campaign, rows: list[DecisionRow]) -> HttpResponse:
    undecided = [r for r in rows if r.application.status in (Status.RECOMMENDED, Status.UNDER_REVIEW)]
    return render(
        request,
        "campaigns/city/decisions.html",
        {
            "campaign": campaign,
            "rows": rows,
            "undecided": undecided,
            "tier_names": campaign.tier_names,
            "no_tier": campaign.rubric.engine_rubric().no_tier,
            "decided": sum(1 for r in rows if r.application.status == Status.DECIDED),
        },
    )


@city_admin_required
@require_GET
def decisions(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _own_campaign(request, pk)
    return _decisions_page(request, campaign, _decision_rows(request.user, campaign))


@city_admin_required
@require_POST
def decide(request: HttpRequest, pk: int, application_id: int) -> HttpResponse:
    campaign = _own_campaign(request, pk)
    application = get_in_scope(
        applications_for(request.user, action="city").filter(campaign=campaign), pk=application_id
    )
    engine = campaign.rubric.engine_rubric()
    form = DecideForm(request.POST, tier_names=campaign.tier_names, no_tier=engine.no_tier)
    error = ""
    if not form.is_valid():
        error = "；".join(str(e) for errors in form.errors.values() for e in errors)
    else:
        try:
            application = services.application_decide(
                by=request.user,  # type: ignore[arg-type]
                application=application,
                tier=form.cleaned_data["tier"],
                reason=form.cleaned_data["reason"],
            )
        except services.WorkflowError as exc:
            error = str(exc)
    if not error:
        messages.success(
            request, f"已认定{application.school}：{application.decided_tier or engine.no_tier}"
        )
        return redirect(f"{reverse('campaigns:decisions', kwargs={'pk': campaign.pk})}#app-{application.pk}")
    # Show the page again with what was typed and the reason it was refused; nothing was saved.
    rows = _decision_rows(request.user, campaign)
    for row in rows:
        if row.application.pk == application.pk:
            row.form_tier = request.POST.get("tier", "")
            row.reason = request.POST.get("reason", "")
            row.error = error
    messages.error(request, f"{application.school}：{error}")
    return _decisions_page(request, campaign, rows)


@dataclass
class GapScore:
    expert: str
    score: float | None


@dataclass
class GapRow:
    code: str
    text: str
    points: float
    threshold: float
    gap: float
    combined: float
    scores: list[GapScore]


@city_admin_required
@require_GET
def gaps(request: HttpRequest, pk: int) -> HttpResponse:
    """Indicators where the experts' scores differ by the campaign's gap or more: to discuss."""
    campaign = _own_campaign(request, pk)
    rubric = campaign.rubric.engine_rubric()
    found: list[tuple[Application, list[GapRow]]] = []
    for application in _reviewed_applications(request.user, campaign):
        if not any(a.submitted_at for a in application.assignments.all()):
            continue
        combined = combined_result(application)
        if combined is None or not combined.flagged:
            continue
        codes = [c.code for c in combined.flagged]
        scores: dict[str, list[GapScore]] = {}
        for row in (
            ExpertScore.objects.filter(
                assignment__application=application, assignment__submitted_at__isnull=False, code__in=codes
            )
            .select_related("assignment__expert")
            .order_by("assignment__expert__username")
        ):
            value = float(row.score) if row.score is not None else None
            scores.setdefault(row.code, []).append(GapScore(str(row.assignment.expert), value))
        rows = []
        for c in combined.flagged:
            ind = rubric.indicator(c.code)
            rows.append(
                GapRow(
                    code=c.code,
                    text=ind.text,
                    points=ind.points,
                    threshold=float(campaign.gap_share) * ind.points,
                    gap=c.gap,
                    combined=c.value,
                    scores=scores.get(c.code, []),
                )
            )
        found.append((application, rows))
    return render(request, "campaigns/city/gaps.html", {"campaign": campaign, "found": found})


@city_admin_required
@require_POST
def publish(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _own_campaign(request, pk)
    try:
        campaign = services.campaign_publish(by=request.user, campaign=campaign)  # type: ignore[arg-type]
    except services.WorkflowError as exc:
        messages.error(request, f"不能公布：{exc}")
        return redirect("campaigns:decisions", pk=campaign.pk)
    messages.success(request, f"已公布{campaign.name}的结果，并通知了本市所有学校")
    return redirect("campaigns:campaign_detail", pk=campaign.pk)


# --- public results (no log-in) ----------------------------------------------------------


@dataclass
class CountyGroup:
    county: str
    schools: list[str]


@dataclass
class TierGroup:
    tier: str
    count: int
    counties: list[CountyGroup]


def published_results(campaign: Campaign, q: str = "") -> tuple[list[TierGroup], int]:
    """The certified schools, by tier (highest first) and county; schools without a tier are
    not listed. Only names: no scores, no people."""
    rows = published_applications(campaign)
    total = rows.count()
    if q:
        rows = rows.filter(Q(school__name__icontains=q) | Q(school__county__name__icontains=q))
    groups: dict[str, dict[str, list[str]]] = {t: {} for t in campaign.tier_names}
    for a in rows:
        groups.setdefault(a.decided_tier, {}).setdefault(a.school.county.name, []).append(a.school.name)
    tiers = [
        TierGroup(tier, sum(len(s) for s in counties.values()), [CountyGroup(c, s) for c, s in counties.items()])
        for tier, counties in groups.items()
    ]
    return tiers, total


@require_GET
def results_index(request: HttpRequest) -> HttpResponse:
    campaigns = Campaign.objects.filter(published_at__isnull=False).select_related("city").order_by("-published_at")
    return render(request, "campaigns/public/results_index.html", {"campaigns": campaigns})


@require_GET
def results_detail(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = get_object_or_404(
        Campaign.objects.filter(published_at__isnull=False).select_related("city"), pk=campaign_id
    )
    q = request.GET.get("q", "").strip()[:50]
    tiers, total = published_results(campaign, q)
    return render(
        request,
        "campaigns/public/results.html",
        {"campaign": campaign, "tiers": tiers, "total": total, "q": q, "shown": sum(t.count for t in tiers)},
    )
