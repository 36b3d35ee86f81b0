"""The expert's pages: 我的评审, and scoring one application on one's own.

An expert sees only their assignments, only while the city review runs (``campaigns.access``;
404 otherwise), and sees no other expert's score until they have submitted their own.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from campuseval.accounts.gates import gate_required, signed_in
from campuseval.campaigns import access, services
from campuseval.campaigns.presenters.expert import CLAUSE_VALUES, ScoreInput, own_total, review_page
from campuseval.campaigns.selectors.city import expert_past_reviews, expert_reviews, scored_count

expert_required = gate_required("expert")


# --- views -------------------------------------------------------------------------------


@expert_required
@require_GET
def review_list(request: HttpRequest) -> HttpResponse:
    assignments = expert_reviews(request.user)
    rows = [(a, len(a.application.campaign.rubric.engine_rubric().indicators)) for a in assignments]
    past = list(expert_past_reviews(request.user))
    return render(request, "campaigns/expert/review_list.html", {"rows": rows, "past": past})


@expert_required
@require_GET
def review_detail(request: HttpRequest, assignment_id: int) -> HttpResponse:
    assignment, may_score = access.assignment_for_expert_reader(request.user, assignment_id)
    page = review_page(request.user, assignment)
    return render(
        request, "campaigns/expert/review_detail.html",
        {"page": page, "application": assignment.application, "assignment": assignment, "may_score": may_score},
    )


@expert_required
@require_POST
def review_score(request: HttpRequest, assignment_id: int) -> HttpResponse:
    """Save one indicator as the expert types; answers the indicator's form (htmx) or redirects."""
    assignment = access.assignment_for_expert(request.user, assignment_id)
    rubric = assignment.application.campaign.rubric.engine_rubric()
    code = request.POST.get("code", "")
    if code not in rubric.index:
        messages.error(request, f"评估标准中没有指标 {code}")
        return redirect("campaigns:review_detail", assignment_id=assignment.pk)
    posted = ScoreInput.of(rubric, code, None)
    posted.score = request.POST.get("score", "").strip()
    posted.clause = request.POST.get("clause", "")
    posted.comment = request.POST.get("comment", "")
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = -1
    posted.version = version
    shown = posted
    try:
        row = services.expert_score_save(
            by=signed_in(request),
            assignment=assignment,
            code=code,
            score=posted.score,
            clause_met=CLAUSE_VALUES.get(posted.clause),
            comment=posted.comment,
            expected_version=version,
        )
    except services.EditConflict as exc:
        # Someone (another window) saved first: show what is saved now, and say so.
        shown = ScoreInput.of(rubric, code, exc.current)
        shown.error = f"{exc}。当前保存的是：{shown.score or '未评分'}"
    except services.WorkflowError as exc:
        shown.error = str(exc)
    else:
        shown = ScoreInput.of(rubric, code, row)
        shown.message = "已保存"
    if not request.htmx:  # type: ignore[attr-defined]
        if shown.error:
            messages.error(request, f"{code}：{shown.error}")
        else:
            messages.success(request, f"{code} 已保存")
        return redirect(f"{reverse('campaigns:review_detail', kwargs={'assignment_id': assignment.pk})}#ind-{code}")
    done = scored_count(assignment)
    return render(
        request,
        "campaigns/expert/_score_form.html",
        {
            "own": shown, "assignment": assignment, "oob": True, "done": done, "total": len(rubric.indicators),
            "own_total": own_total(assignment),
        },
    )


@expert_required
@require_POST
def review_submit(request: HttpRequest, assignment_id: int) -> HttpResponse:
    assignment = access.assignment_for_expert(request.user, assignment_id)
    try:
        services.expert_submit(by=signed_in(request), assignment=assignment)
    except services.WorkflowError as exc:
        messages.error(request, f"不能提交：{exc}")
    else:
        messages.success(request, "评分已提交。现在可以看到其他已提交专家的评分和分差。")
    return redirect("campaigns:review_detail", assignment_id=assignment.pk)
