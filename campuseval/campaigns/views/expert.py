"""The expert's pages: 我的评审, and scoring one application on one's own.

An expert sees only their assignments, only while the city review runs (``assignments_for``;
404 otherwise), and sees no other expert's score until they have submitted their own.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib import messages
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_GET, require_POST

from campuseval.accounts.decorators import allowed_if
from campuseval.accounts.models import Role
from campuseval.accounts.scope import assignments_for, get_in_scope, has_role
from campuseval.campaigns import services
from campuseval.campaigns.models import ExpertAssignment, ExpertScore, IndicatorScore
from campuseval.campaigns.selectors import Combined, CombinedResult, combined_result, self_result
from campuseval.engine.model import Rubric as EngineRubric
from campuseval.evidence.models import EvidenceItem, EvidenceLink
from campuseval.rubrics.presenters import IndicatorView, _tree, fmt

expert_required = allowed_if(
    lambda user: has_role(user, Role.EXPERT), "“我的评审”仅限评估专家使用。"
)

CLAUSE_VALUES = {"": None, "1": True, "0": False}


def _clause_value(value: bool | None) -> str:
    return "" if value is None else "1" if value else "0"


# --- shaped data for the templates -------------------------------------------------------


@dataclass
class ScoreInput:
    """The expert's inputs for one indicator, as the form shows them."""

    code: str
    points: str
    criteria: bool
    has_clause: bool
    score: str = ""
    clause: str = ""
    comment: str = ""
    version: int = 0
    message: str = ""
    error: str = ""

    @classmethod
    def of(cls, rubric: EngineRubric, code: str, row: ExpertScore | None) -> ScoreInput:
        ind = rubric.indicator(code)
        made = cls(code, fmt(ind.points), rubric.kind == "criteria", ind.has_clause)
        if row is not None:
            made.score = "" if row.score is None else fmt(float(row.score))
            made.clause = _clause_value(row.clause_met)
            made.comment = row.comment
            made.version = row.version
        return made


@dataclass
class EvidenceView:
    title: str
    kind: str
    kind_label: str
    href: str | None
    text: str
    original_name: str
    size: int
    carried: bool
    duplicate: bool  # the same file (by content) was submitted by another school


@dataclass
class OtherScore:
    label: str
    score: str
    clause: str
    comment: str


@dataclass
class ReviewRow:
    ind: IndicatorView
    own: ScoreInput
    self_score: IndicatorScore | None
    evidence: list[EvidenceView] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    others: list[OtherScore] = field(default_factory=list)
    combined: Combined | None = None


@dataclass
class ReviewSubArea:
    heading: str
    points: str | None
    rows: list[ReviewRow]


@dataclass
class ReviewArea:
    heading: str
    points: str | None
    subareas: list[ReviewSubArea]


def _download_href(item: EvidenceItem) -> str | None:
    """The evidence app's scoped download view, once it exists."""
    try:
        return reverse("evidence:download", kwargs={"pk": item.pk})
    except NoReverseMatch:
        return None


def _evidence(assignment: ExpertAssignment) -> dict[str, list[EvidenceView]]:
    application = assignment.application
    links = list(EvidenceLink.objects.filter(application=application).select_related("evidence"))
    hashes = {link.evidence.sha256 for link in links if link.evidence.sha256}
    shared = set(
        EvidenceItem.objects.filter(sha256__in=hashes)
        .exclude(school_id=application.school_id)
        .values_list("sha256", flat=True)
    )
    found: dict[str, list[EvidenceView]] = {}
    for link in links:
        item = link.evidence
        href = item.url if item.kind == EvidenceItem.Kind.LINK else None
        if item.kind == EvidenceItem.Kind.FILE:
            href = _download_href(item)
        found.setdefault(link.code, []).append(
            EvidenceView(
                title=item.title,
                kind=item.kind,
                kind_label=item.get_kind_display(),
                href=href,
                text=item.text,
                original_name=item.original_name,
                size=item.size,
                carried=link.carried,
                duplicate=bool(item.sha256) and item.sha256 in shared,
            )
        )
    return found


def _others(assignment: ExpertAssignment) -> dict[str, list[OtherScore]]:
    """The other experts' submitted scores, labelled 专家 1, 2, ... (only after one's own submit)."""
    others = list(
        assignment.application.assignments.exclude(pk=assignment.pk)
        .filter(submitted_at__isnull=False)
        .order_by("submitted_at", "pk")
        .values_list("pk", flat=True)
    )
    label = {pk: f"其他专家 {n}" for n, pk in enumerate(others, start=1)}
    found: dict[str, list[OtherScore]] = {}
    for row in ExpertScore.objects.filter(assignment_id__in=others).order_by("assignment_id"):
        found.setdefault(row.code, []).append(
            OtherScore(
                label[row.assignment_id],
                "" if row.score is None else fmt(float(row.score)),
                {"": "", "1": "达到", "0": "未达到"}[_clause_value(row.clause_met)],
                row.comment,
            )
        )
    return found


@dataclass
class ReviewPage:
    assignment: ExpertAssignment
    areas: list[ReviewArea]
    criteria: bool
    done: int
    total: int
    submitted: bool
    combined: CombinedResult | None
    experts_submitted: int
    experts_total: int


def review_page(assignment: ExpertAssignment) -> ReviewPage:
    application = assignment.application
    rubric_row = application.campaign.rubric
    rf = rubric_row.rubric_file()
    rubric = rubric_row.engine_rubric()
    mine = {r.code: r for r in assignment.scores.all()}
    selfs = {r.code: r for r in application.scores.all()}
    warnings: dict[str, list[str]] = {}
    for w in self_result(application, list(selfs.values())).warnings:
        warnings.setdefault(w.code, []).append(w.message)
    evidence = _evidence(assignment)
    submitted = assignment.submitted_at is not None
    # Blind scoring: nothing of another expert is read before this expert has submitted.
    others = _others(assignment) if submitted else {}
    combined = combined_result(application) if submitted else None
    areas = []
    for area in _tree(rf, "", {}):
        subareas = []
        for sub in area.subareas:
            rows = [
                ReviewRow(
                    ind=ind,
                    own=ScoreInput.of(rubric, ind.code, mine.get(ind.code)),
                    self_score=selfs.get(ind.code),
                    evidence=evidence.get(ind.code, []),
                    warnings=warnings.get(ind.code, []),
                    others=others.get(ind.code, []),
                    combined=combined.indicators.get(ind.code) if combined else None,
                )
                for ind in sub.indicators
            ]
            subareas.append(ReviewSubArea(sub.heading, sub.points, rows))
        areas.append(ReviewArea(area.heading, area.points, subareas))
    counts = application.assignments.aggregate(
        total=Count("id"), done=Count("id", filter=Q(submitted_at__isnull=False))
    )
    return ReviewPage(
        assignment=assignment,
        areas=areas,
        criteria=rubric.kind == "criteria",
        done=sum(1 for r in mine.values() if r.score is not None),
        total=len(rubric.indicators),
        submitted=submitted,
        combined=combined,
        experts_submitted=counts["done"],
        experts_total=counts["total"],
    )


# --- views -------------------------------------------------------------------------------


@expert_required
@require_GET
def review_list(request: HttpRequest) -> HttpResponse:
    assignments = (
        assignments_for(request.user)
        .select_related("application__campaign")
        .annotate(done=Count("scores", filter=Q(scores__score__isnull=False)))
        .order_by("submitted_at", "application__campaign__city_review_deadline", "application__school__code")
    )
    rows = [(a, len(a.application.campaign.rubric.engine_rubric().indicators)) for a in assignments]
    return render(request, "campaigns/expert/review_list.html", {"rows": rows})


def _assignment(request: HttpRequest, assignment_id: int) -> ExpertAssignment:
    return get_in_scope(assignments_for(request.user), pk=assignment_id)


@expert_required
@require_GET
def review_detail(request: HttpRequest, assignment_id: int) -> HttpResponse:
    assignment = _assignment(request, assignment_id)
    page = review_page(assignment)
    return render(request, "campaigns/expert/review_detail.html", {"page": page, "application": assignment.application})


@expert_required
@require_POST
def review_score(request: HttpRequest, assignment_id: int) -> HttpResponse:
    """Save one indicator as the expert types; answers the indicator's form (htmx) or redirects."""
    assignment = _assignment(request, assignment_id)
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
            by=request.user,  # type: ignore[arg-type]
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
    done = assignment.scores.exclude(score=None).count()
    return render(
        request,
        "campaigns/expert/_score_form.html",
        {"own": shown, "assignment": assignment, "oob": True, "done": done, "total": len(rubric.indicators)},
    )


@expert_required
@require_POST
def review_submit(request: HttpRequest, assignment_id: int) -> HttpResponse:
    assignment = _assignment(request, assignment_id)
    try:
        services.expert_submit(by=request.user, assignment=assignment)  # type: ignore[arg-type]
    except services.WorkflowError as exc:
        messages.error(request, f"不能提交：{exc}")
    else:
        messages.success(request, "评分已提交。现在可以看到其他已提交专家的评分和分差。")
    return redirect("campaigns:review_detail", assignment_id=assignment.pk)
