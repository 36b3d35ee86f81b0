"""County review (县级初评) of one application: the side-by-side page, the county's score of one
indicator (htmx), return with comments, and recommend or not.

County administrators act on their own county's applications; city administrators read the
page. Each action is one service call, which checks the rulebook, the deadline and the quota.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from campuseval.accounts.gates import gate_required, signed_in
from campuseval.campaigns import access, services
from campuseval.campaigns.models import Application
from campuseval.campaigns.presenters import dom_id, find_indicator
from campuseval.campaigns.presenters.county import (
    county_actions,
    county_totals,
    keep_typed,
    quota_lines,
    review_tree,
    score_refusal,
)
from campuseval.campaigns.presenters.deadlines import campaign_deadlines, county_lock
from campuseval.campaigns.selectors.carry import carried_count
from campuseval.campaigns.selectors.county import history
from campuseval.evidence.selectors import evidence_rows

from .county_queue import county_query


def _render_review(
    request: HttpRequest, application: Application, *, posted: dict[str, str] | None = None, status: int = 200,
) -> HttpResponse:
    can_act = access.acts_as(request.user, application, "county")
    rows = list(application.scores.all())
    totals = county_totals(application, rows)
    # A refused return shows the page again with what the reviewer typed.
    evidence = evidence_rows(request.user, application)
    tree = review_tree(application, rows, totals["self"], evidence=evidence, typed=posted)
    campaign = application.campaign
    county = application.school.county
    context = {
        "application": application,
        "campaign": campaign,
        "county": county,
        "county_query": county_query(county, access.counties_for(request.user, campaign)),
        "tree": tree,
        "totals": totals,
        "carried": carried_count(rows),  # 沿用上次 against 本次新填
        "posted": posted,
        "note": (posted or {}).get("note", ""),
        "quota": quota_lines(campaign, county),
        "deadlines": campaign_deadlines(campaign),
        "events": history(application),
        **county_actions(application, can_act),
        # The lock honours the school's reopening, as the buttons do.
        **county_lock(campaign, application.school),
    }
    return render(request, "campaigns/county/review.html", context, status=status)


@gate_required("county_reader")
@require_GET
def review(request: HttpRequest, application_id: int) -> HttpResponse:
    return _render_review(request, access.application_for_county_reader(request.user, application_id))


def _review_url(application: Application, anchor: str = "") -> str:
    return reverse("campaigns:county_review", args=[application.pk]) + (f"#{anchor}" if anchor else "")


@gate_required("county")
@require_POST
def score_save(request: HttpRequest, application_id: int, code: str) -> HttpResponse:
    """Save the county's score (and comment) for one indicator; htmx gets the cell back."""
    application = access.application_for_county(request.user, application_id, scores=True)
    if code not in application.campaign.rubric.engine_rubric().index:
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
            services.county_score_save(
                by=signed_in(request), application=application, code=code, score=raw, comment=comment,
                expected_version=version,
            )
        except services.EditConflict as exc:
            level, message = messages.ERROR, score_refusal(exc.current, str(exc))
            attempted = {"raw": raw, "comment": comment}
        except services.WorkflowError as exc:
            level, message = messages.ERROR, f"指标 {code}：{exc}"
            attempted = {"raw": raw, "comment": comment}
    if request.headers.get("HX-Request") != "true":
        messages.add_message(request, level, message)
        return redirect(_review_url(application, "ind-" + dom_id(code)))
    application = access.application_for_county(request.user, application_id, scores=True)  # fresh totals
    rows = list(application.scores.all())
    totals = county_totals(application, rows)
    item = find_indicator(review_tree(application, rows, totals["self"]), code)
    if attempted is not None:
        keep_typed(item, **attempted)
    context = {
        "application": application,
        "item": item,
        "attempted": attempted,
        "message": message,
        "level": "success" if level == messages.SUCCESS else "danger",
        "totals": totals,
        "oob": True,
        **county_actions(application, True),
    }
    return render(request, "campaigns/county/_county_cell.html", context)


@gate_required("county")
@require_POST
def application_return(request: HttpRequest, application_id: int) -> HttpResponse:
    """Return to the school with the comments per indicator from the page and a general note."""
    application = access.application_for_county(request.user, application_id, scores=True)
    comments = {k.removeprefix("comment-"): request.POST.get(k, "") for k in request.POST if k.startswith("comment-")}
    note = request.POST.get("note", "")
    try:
        services.application_return(by=signed_in(request), application=application, comments=comments, note=note)
    except services.WorkflowError as exc:
        messages.error(request, f"未能退回：{exc}")
        return _render_review(request, application, posted=request.POST.dict(), status=400)
    count = sum(1 for v in comments.values() if v.strip())
    messages.success(request, f"已退回{application.school.name}修改（{count} 条指标意见），学校会收到通知。")
    return redirect(_review_url(application))


@gate_required("county")
@require_POST
def application_recommend(request: HttpRequest, application_id: int) -> HttpResponse:
    """Recommend to the city, or not; the quota and the deadline are the service's to check."""
    application = access.application_for_county(request.user, application_id)
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
            by=signed_in(request), application=application, recommend=recommend, note=request.POST.get("note", "").strip()
        )
    except services.WorkflowError as exc:
        messages.error(request, f"未能{'推荐' if recommend else '设为不推荐'}：{exc}")
        return redirect(back)
    if recommend:
        messages.success(request, f"已推荐{application.school.name}参加市级评审。")
    else:
        messages.success(request, f"已将{application.school.name}设为不推荐。")
    return redirect(back)
