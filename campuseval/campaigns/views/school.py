"""The school's pages: 我的申报, the application (申报表 and self-assessment), submit, withdraw.

Every application comes through ``scope.applications_for(user, action="school")`` (another
school's is a 404); a role that never fills in a self-assessment gets 403. Other readers of the
application (county, city, experts during city review, observers) see the page read-only.
Every write is one service call; the service checks state, deadline and versions.
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from campuseval.accounts.decorators import allowed_if
from campuseval.accounts.models import Role, RoleAssignment, User
from campuseval.accounts.scope import (
    applications_for,
    campaigns_for,
    get_in_scope,
    has_role,
    schools_for,
)
from campuseval.campaigns import services
from campuseval.campaigns.models import Application, Campaign, IndicatorScore, Stage, Status
from campuseval.campaigns.presenters import (
    ScoredIndicator,
    find_indicator,
    school_deadline,
    score_summary,
    score_tree,
)
from campuseval.campaigns.selectors import self_result
from campuseval.evidence.selectors import carry_offer, links_by_code

NOT_SCHOOL = "“我的申报”和自评仅供学校用户使用；您的账号不是学校用户。"
PHONE = re.compile(r"^[0-9+\-() 转]{7,30}$")


def _is_school_user(user: Any) -> bool:
    return has_role(user, Role.SCHOOL_USER)


# Log-in required; a role that never fills in applications gets 403 with the message.
school_only = allowed_if(_is_school_user, NOT_SCHOOL)


def _own(request: HttpRequest, pk: int) -> Application:
    return get_in_scope(applications_for(request.user, action="school"), pk=pk)


def _may_edit(application: Application) -> tuple[bool, str]:
    """Whether the school may change the application now, and if not, why (the service's words)."""
    try:
        services.school_may_edit(application)
    except services.WorkflowError as exc:
        return False, str(exc)
    return True, ""


# --- 我的申报 ------------------------------------------------------------------------------


def _own_schools(request: HttpRequest) -> list[Any]:
    user = request.user
    assert isinstance(user, User)  # login_required
    ids = RoleAssignment.objects.filter(user=user, role=Role.SCHOOL_USER).values("school_id")
    return list(schools_for(request.user).filter(pk__in=ids).order_by("code"))


@school_only
@require_GET
def school_applications(request: HttpRequest) -> HttpResponse:
    """The campaigns open for application and the school's applications."""
    schools = _own_schools(request)
    applications = list(
        applications_for(request.user, action="school").order_by("-campaign__year", "-campaign__opens_at", "school__code")
    )
    applied = {(a.campaign_id, a.school_id) for a in applications}
    now = timezone.now()
    openings = []
    for campaign in campaigns_for(request.user).filter(published_at__isnull=True).order_by("-opens_at"):
        for school in schools:
            if school.county.parent_id != campaign.city_id or (campaign.pk, school.pk) in applied:
                continue
            if services.stage_open(campaign, Stage.APPLICATION, school, now):
                openings.append({"campaign": campaign, "school": school, "deadline": campaign.application_deadline})
    done = dict(
        IndicatorScore.objects.filter(application__in=applications, self_score__isnull=False)
        .values_list("application_id")
        .annotate(n=Count("id"))
    )
    counts: dict[int, int] = {}
    rows = []
    for a in applications:
        if a.campaign.rubric_id not in counts:
            counts[a.campaign.rubric_id] = len(a.campaign.rubric.engine_rubric().indicators)
        rows.append(
            {
                "application": a,
                "stage": a.campaign.stage_at(now),
                "deadline": school_deadline(a, now),
                "done": done.get(a.pk, 0),
                "count": counts[a.campaign.rubric_id],
            }
        )
    return render(
        request,
        "campaigns/school/applications.html",
        {"openings": openings, "rows": rows, "many_schools": len(schools) > 1},
    )


@school_only
@require_POST
def school_application_start(request: HttpRequest, campaign_pk: int) -> HttpResponse:
    campaign: Campaign = get_in_scope(campaigns_for(request.user), pk=campaign_pk)
    schools = _own_schools(request)
    wanted = request.POST.get("school")
    school = next((s for s in schools if str(s.pk) == wanted), schools[0] if len(schools) == 1 else None)
    if school is None:
        raise Http404("请选择学校")
    existing = Application.objects.filter(campaign=campaign, school=school).first()
    if existing is not None:
        return redirect("campaigns:school_application", pk=existing.pk)
    try:
        application = services.application_create(by=request.user, campaign=campaign, school=school)  # type: ignore[arg-type]
    except services.WorkflowError as exc:
        messages.error(request, str(exc))
        return redirect("campaigns:school_applications")
    messages.success(request, f"已开始申报：{campaign.name}。请先填写申报表，再逐项自评。")
    return redirect("campaigns:school_application", pk=application.pk)


# --- the application page -------------------------------------------------------------------


class ApplicationForm(forms.Form):
    """The seed's 申报表: the school's own entries (its name and county come from its profile)."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    applied_tier = forms.ChoiceField(label="申报类型", required=False)
    head_name = forms.CharField(label="负责人（校长）", max_length=50, required=False)
    contact_name = forms.CharField(label="联系人", max_length=50, required=False)
    contact_phone = forms.CharField(label="联系电话", max_length=30, required=False)
    classes = forms.IntegerField(label="班级数", min_value=0, max_value=10000, required=False)
    students = forms.IntegerField(label="学生人数", min_value=0, max_value=100000, required=False)
    teachers = forms.IntegerField(label="教师数", min_value=0, max_value=10000, required=False)
    highlights = forms.CharField(label="亮点特色", max_length=5000, required=False, widget=forms.Textarea)

    FIELDS = ("applied_tier", "head_name", "contact_name", "contact_phone", "classes", "students", "teachers", "highlights")

    def __init__(self, *args: Any, tiers: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["applied_tier"].choices = [("", "请选择"), *((t, t) for t in tiers)]  # type: ignore[attr-defined]

    def clean_contact_phone(self) -> str:
        phone = self.cleaned_data["contact_phone"].strip()
        if phone and not PHONE.match(phone):
            raise forms.ValidationError("联系电话只能包含数字、空格、+、-、括号（如 0550-1234567 或 13800000000）")
        return phone


def _form_initial(application: Application) -> dict[str, Any]:
    return {"version": application.version, **{f: getattr(application, f) for f in ApplicationForm.FIELDS}}


def _tree_and_summary(application: Application) -> tuple[list[Any], Any, list[IndicatorScore]]:
    rows = list(application.scores.all())
    rubric = application.campaign.rubric
    engine = rubric.engine_rubric()
    result = self_result(application, rows)
    tree = score_tree(application, rubric, rows, result=result, engine=engine)
    summary = score_summary(application, rubric, rows, result=result, engine=engine)
    return tree, summary, rows


def _page(
    request: HttpRequest,
    application: Application,
    *,
    own: bool,
    form: ApplicationForm | None = None,
    status: int = 200,
    **extra: Any,
) -> HttpResponse:
    may_edit, locked_reason = _may_edit(application) if own else (False, "")
    tree, summary, rows = _tree_and_summary(application)
    evidence = links_by_code(application)
    for area in tree:
        for sub in area.subareas:
            for item in sub.indicators:
                item.evidence = evidence.get(item.code, [])
    returned = application.status == Status.RETURNED
    commented = [r for r in rows if r.county_comment] if returned else []
    context = {
        "application": application,
        "campaign": application.campaign,
        "own": own,
        "may_edit": may_edit,
        "locked_reason": locked_reason,
        "tree": tree,
        "summary": summary,
        "deadline": school_deadline(application),
        "stage": application.campaign.stage_at(timezone.now()),
        "returned": returned,
        "commented": commented,
        "changed_count": sum(1 for r in rows if r.changed_after_return) if returned else 0,
        "form": form or ApplicationForm(initial=_form_initial(application), tiers=application.campaign.tier_names),
        "facts": services.latest_facts(application.school, application.campaign.year),
        "may_withdraw": own and _may_withdraw(application),
        "carry": carry_offer(application) if may_edit else None,
        "events": application.events.select_related("actor").all(),
        **extra,
    }
    return render(request, "campaigns/school/application.html", context, status=status)


def _may_withdraw(application: Application) -> bool:
    if application.status not in (Status.DRAFT, Status.SUBMITTED, Status.RETURNED):
        return False
    try:
        services.require_open(application.campaign, [Stage.APPLICATION, Stage.COUNTY_REVIEW], application.school)
    except services.WorkflowError:
        return False
    return True


@login_required
@require_GET
def school_application(request: HttpRequest, pk: int) -> HttpResponse:
    """The application: the school's to fill in; read-only to anyone else who may see it."""
    own = applications_for(request.user, action="school").filter(pk=pk).first()
    if own is not None:
        return _page(request, own, own=True)
    application = get_in_scope(applications_for(request.user), pk=pk)
    return _page(request, application, own=False)


@school_only
@require_POST
def school_application_form(request: HttpRequest, pk: int) -> HttpResponse:
    """Save the 申报表; a stale version shows what is saved now and what was not saved."""
    application = _own(request, pk)
    tiers = application.campaign.tier_names
    form = ApplicationForm(request.POST, tiers=tiers)
    if not form.is_valid():
        return _page(request, application, own=True, form=form, status=400, form_open=True)
    data = form.cleaned_data
    fields = {f: data[f] if data[f] is not None else None for f in ApplicationForm.FIELDS}
    for name in ("applied_tier", "head_name", "contact_name", "contact_phone", "highlights"):
        fields[name] = (fields[name] or "").strip()
    try:
        services.application_update(
            by=request.user,  # type: ignore[arg-type]
            application=application,
            expected_version=data["version"],
            **fields,
        )
    except services.EditConflict as exc:
        current: Application = exc.current
        unsaved = [
            (form.fields[f].label, fields[f])
            for f in ApplicationForm.FIELDS
            if fields[f] not in (None, "") and fields[f] != getattr(current, f)
        ]
        fresh = ApplicationForm(initial=_form_initial(current), tiers=tiers)
        return _page(
            request,
            current,
            own=True,
            form=fresh,
            status=409,
            form_open=True,
            form_conflict=f"已被他人修改：{exc}",
            form_unsaved=unsaved,
        )
    except services.WorkflowError as exc:
        form.add_error(None, str(exc))
        return _page(request, application, own=True, form=form, status=400, form_open=True)
    messages.success(request, "申报表已保存")
    return redirect("campaigns:school_application", pk=application.pk)


def _clause(raw: str | None) -> bool | None:
    return {"yes": True, "no": False}.get(raw or "")


def _row_response(
    request: HttpRequest,
    application: Application,
    code: str,
    *,
    message: str = "",
    level: str = "success",
    unsaved: dict[str, Any] | None = None,
) -> HttpResponse:
    """The indicator's form again, with the summary and area badges swapped out of band."""
    application.refresh_from_db()
    may_edit, locked_reason = _may_edit(application)
    tree, summary, _rows = _tree_and_summary(application)
    item: ScoredIndicator = find_indicator(tree, code)
    return render(
        request,
        "campaigns/school/_score_saved.html",
        {
            "application": application,
            "item": item,
            "tree": tree,
            "summary": summary,
            "may_edit": may_edit,
            "locked_reason": locked_reason,
            "returned": application.status == Status.RETURNED,
            "message": message,
            "level": level,
            "unsaved": unsaved,
            "oob": True,
        },
    )


@school_only
@require_POST
def school_score_save(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    """Save one indicator of the self-assessment as the school types (htmx) or posts it."""
    application = _own(request, pk)
    if code not in application.campaign.rubric.engine_rubric().index:
        raise Http404("评估标准中没有这个指标")
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = -1
    score = request.POST.get("score", "")
    clause = _clause(request.POST.get("clause_met"))
    comment = request.POST.get("comment", "").strip()
    try:
        services.self_score_save(
            by=request.user,  # type: ignore[arg-type]
            application=application,
            code=code,
            score=score,
            clause_met=clause,
            comment=comment,
            expected_version=version,
        )
    except services.EditConflict as exc:
        current = exc.current
        shown = "未评分" if current.self_score is None else f"{current.self_score.normalize():f}"
        message = f"指标 {code} 已被他人修改，当前保存的得分为 {shown}；您刚才的修改未保存，请核对后重新填写"
        unsaved = {"score": score, "clause": clause, "comment": comment}
        return _finish(request, application, code, message=message, level="warning", unsaved=unsaved)
    except services.WorkflowError as exc:
        return _finish(request, application, code, message=str(exc), level="danger")
    return _finish(request, application, code, message=f"已保存 {timezone.localtime():%H:%M:%S}")


def _finish(request: HttpRequest, application: Application, code: str, **kwargs: Any) -> HttpResponse:
    if request.htmx:  # type: ignore[attr-defined]
        return _row_response(request, application, code, **kwargs)
    level = kwargs.get("level", "success")
    getattr(messages, {"danger": "error"}.get(level, level))(request, kwargs.get("message", ""))
    return redirect(reverse("campaigns:school_application", args=[application.pk]) + f"#ind-{code}")


@school_only
@require_POST
def school_application_submit(request: HttpRequest, pk: int) -> HttpResponse:
    application = _own(request, pk)
    try:
        services.application_submit(by=request.user, application=application)  # type: ignore[arg-type]
    except services.WorkflowError as exc:
        refused = [p for p in str(exc).split("；") if p]
        return _page(request, application, own=True, status=400, submit_refused=refused)
    messages.success(request, "申报已提交，自评已锁定。县级初评期间如被退回，可按意见修改后重新提交。")
    return redirect("campaigns:school_application", pk=application.pk)


@school_only
@require_POST
def school_application_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    application = _own(request, pk)
    if request.POST.get("confirm") != "yes":
        messages.error(request, "请勾选“确认撤回”后再撤回申报")
        return redirect("campaigns:school_application", pk=application.pk)
    try:
        services.application_withdraw(
            by=request.user,  # type: ignore[arg-type]
            application=application,
            reason=request.POST.get("reason", "").strip(),
        )
    except services.WorkflowError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "申报已撤回")
    return redirect("campaigns:school_application", pk=application.pk)
