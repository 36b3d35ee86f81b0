"""The school's pages: 我的申报, the application (申报表 and self-assessment), submit, withdraw.

Every application comes through ``campaigns.access`` (another school's is a 404; a role that
never fills in a self-assessment gets 403). Other readers of the application (county, city,
experts during city review, observers) see the page read-only. What the page offers comes
from the rulebook; every write is one service call, which checks again.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from campuseval.accounts.gates import gate_required, signed_in
from campuseval.campaigns import access, rules, services, visibility
from campuseval.campaigns.forms import ApplicationForm
from campuseval.campaigns.models import Application, IndicatorScore, Status
from campuseval.campaigns.presenters import (
    ScoredIndicator,
    find_indicator,
    score_summary,
    score_tree,
)
from campuseval.campaigns.presenters.deadlines import school_deadline
from campuseval.campaigns.selectors import latest_facts, self_result
from campuseval.campaigns.selectors import school as reads
from campuseval.campaigns.selectors.carry import carried_count, start_offer
from campuseval.campaigns.selectors.county import history
from campuseval.evidence.selectors import carry_offer, links_by_code
from campuseval.regions.models import School

school_only = gate_required("school")


def _may_edit(application: Application) -> tuple[bool, str]:
    """Whether the school may change the application now, and if not, why (the rulebook's words)."""
    reason = rules.refusal(rules.EDIT, application)
    return reason is None, reason or ""


# --- 我的申报 ------------------------------------------------------------------------------


@school_only
@require_GET
def school_applications(request: HttpRequest) -> HttpResponse:
    """The campaigns open for application and the school's applications."""
    schools = access.own_schools(request.user)
    applications = list(reads.my_applications(request.user))
    done = reads.scored_counts(applications)
    now = timezone.now()
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
    openings = reads.openings(request.user, schools, applications)
    return render(
        request,
        "campaigns/school/applications.html",
        {"openings": openings, "rows": rows, "many_schools": len(schools) > 1},
    )


def chosen_school(request: HttpRequest) -> School:
    """The school the user starts an application for: the one posted, or their only school."""
    schools = access.own_schools(request.user)
    wanted = request.POST.get("school")
    school = next((s for s in schools if str(s.pk) == wanted), schools[0] if len(schools) == 1 else None)
    if school is None:
        raise Http404("请选择学校")
    return school


@school_only
@require_POST
def school_application_start(request: HttpRequest, campaign_pk: int) -> HttpResponse:
    campaign = access.campaign_for_viewer(request.user, campaign_pk)
    school = chosen_school(request)
    existing = reads.application_of(campaign, school)
    if existing is not None:
        return redirect("campaigns:school_application", pk=existing.pk)
    try:
        application = services.application_create(by=signed_in(request), campaign=campaign, school=school)
    except services.WorkflowError as exc:
        messages.error(request, str(exc))
        return redirect("campaigns:school_applications")
    messages.success(request, f"已开始申报：{campaign.name}。请先填写申报表，再逐项自评。")
    return redirect("campaigns:school_application", pk=application.pk)


# --- the application page -------------------------------------------------------------------


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
    evidence = links_by_code(request.user, application)
    for area in tree:
        for sub in area.subareas:
            for item in sub.indicators:
                item.evidence = evidence.get(item.code, [])
    view = visibility.application_view(request.user, application)
    returned = application.status == Status.RETURNED
    # The returned notice names the indicators the county commented on (the school sees the
    # comments while the application is returned).
    commented = [r for r in rows if r.county_comment] if returned and view.county_comments else []
    start = start_offer(application) if may_edit else None
    context = {
        "view": view,
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
        "facts": latest_facts(application.school, application.campaign.year),
        "may_withdraw": own and rules.allowed(rules.WITHDRAW, application),
        # 从上次认定的申报开始 replaces the evidence-only carry while the application is blank.
        "start_offer": start,
        "carry": carry_offer(application) if may_edit and start is None else None,
        "carried": carried_count(rows),
        "events": history(application),
        **extra,
    }
    return render(request, "campaigns/school/application.html", context, status=status)


@login_required
@require_GET
def school_application(request: HttpRequest, pk: int) -> HttpResponse:
    """The application: the school's to fill in; read-only to anyone else who may see it."""
    own = reads.own_application(request.user, pk)
    if own is not None:
        return _page(request, own, own=True)
    application = access.application_for_viewer(request.user, pk)
    return _page(request, application, own=False)


@school_only
@require_POST
def school_application_form(request: HttpRequest, pk: int) -> HttpResponse:
    """Save the 申报表; a stale version shows what is saved now and what was not saved."""
    application = access.application_for_school(request.user, pk)
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
            by=signed_in(request),
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
            form_conflict=f"未保存：{exc}",
            form_unsaved=unsaved,
        )
    except services.WorkflowError as exc:
        form.add_error(None, str(exc))
        return _page(request, application, own=True, form=form, status=400, form_open=True)
    messages.success(request, "申报表已保存")
    return redirect("campaigns:school_application", pk=application.pk)


OWN_FIELDS = [f.attname for f in Application._meta.concrete_fields if not f.is_relation]


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
    # The application's own fields again (the save changed its version and time), keeping the
    # campaign, rubric and school the door loaded: a save changes none of them.
    application.refresh_from_db(fields=OWN_FIELDS)
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
    application = access.application_for_school(request.user, pk)
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
            by=signed_in(request),
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
        message = f"指标 {code} 已在另一个窗口或由他人修改，当前保存的得分为 {shown}；您刚才的修改未保存，请核对后重新填写"
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
    application = access.application_for_school(request.user, pk)
    try:
        services.application_submit(by=signed_in(request), application=application)
    except services.WorkflowError as exc:
        refused = [p for p in str(exc).split("；") if p]
        return _page(request, application, own=True, status=400, submit_refused=refused)
    messages.success(request, "申报已提交，自评已锁定。县级初评期间如被退回，可按意见修改后重新提交。")
    return redirect("campaigns:school_application", pk=application.pk)


@school_only
@require_POST
def school_application_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    application = access.application_for_school(request.user, pk)
    if request.POST.get("confirm") != "yes":
        messages.error(request, "请勾选“确认撤回”后再撤回申报")
        return redirect("campaigns:school_application", pk=application.pk)
    try:
        services.application_withdraw(
            by=signed_in(request),
            application=application,
            reason=request.POST.get("reason", "").strip(),
        )
    except services.WorkflowError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "申报已撤回")
    return redirect("campaigns:school_application", pk=application.pk)
