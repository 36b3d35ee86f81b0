"""The forms' downloads. Each ``*_file`` function takes its object through the door first and
answers the file; the pages' views below and the API's (``api/filing_views.py``) both call them."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from campuseval.accounts.scope import AnyUser
from campuseval.campaigns import access, visibility
from campuseval.campaigns import selectors as campaign_reads
from campuseval.campaigns.models import Application, ExpertAssignment
from campuseval.campaigns.rules import EditConflict, WorkflowError
from campuseval.exporting import DOCX, XLSX, attachment
from campuseval.rubrics.models import Rubric

from . import roundtrip, selectors, services

# The forms of one application, by the name in their address.
APPLICATION_FORMS = {
    "application": lambda a: selectors.application_form(a),
    "self_assessment": lambda a: selectors.self_assessment(a),
    "score_sheet": lambda a: selectors.rubric_sheet(a.campaign.rubric, a),
    "fill": lambda a: selectors.fill_sheet(a),
}


def _download(user: AnyUser, form: str, fmt: str, shape: Any, *, name: str, key: str, **audit: Any) -> HttpResponse:
    """The form as an attachment named after what it is about (``name``; ``key`` in ASCII)."""
    body = services.form_file(by=user, form=form, fmt=fmt, shape=shape, about=name, **audit)
    return attachment(
        body, content_type=XLSX if fmt == "xlsx" else DOCX, filename=f"{name}{services.FORMS[form].label}.{fmt}",
        ascii_filename=f"{services.FORMS[form].ascii}-{key}.{fmt}",
    )


def _check(form: str, fmt: str) -> None:
    if form not in services.FORMS or fmt not in services.FORMS[form].builders:
        raise Http404("没有这种表格或格式")


def _application_audit(application: Application) -> dict[str, Any]:
    return {
        "object_type": Application._meta.label_lower, "region_code": application.school.county.code,
        "filters": {"application": application.pk},
    }


def application_file(user: AnyUser, pk: int, form: str, fmt: str) -> HttpResponse:
    """申报表, 自评表 or 评分表 of an application the user may see."""
    _check(form, fmt)
    if form not in APPLICATION_FORMS:
        raise Http404("没有这种表格")
    application = access.application_for_viewer(user, pk, scores=True)
    return _download(
        user, form, fmt, APPLICATION_FORMS[form](application), name=application.school.name,
        key=str(application.pk), **_application_audit(application),
    )


def rubric_file(user: AnyUser, code: str, version: int, fmt: str) -> HttpResponse:
    """A rubric's blank score sheet: rubrics are published documents, open to everyone."""
    _check("score_sheet", fmt)
    rubric = selectors.rubric(code, version)
    return _download(
        user, "score_sheet", fmt, selectors.rubric_sheet(rubric), name=f"{rubric.name}（第 {rubric.version} 版）",
        key=f"{rubric.code}-v{rubric.version}", object_type=Rubric._meta.label_lower, region_code="",
        filters={"rubric": rubric.pk},
    )


def _expert_file(user: AnyUser, assignment: ExpertAssignment, fmt: str) -> HttpResponse:
    application = assignment.application
    return _download(
        user, "expert_sheet", fmt, selectors.expert_sheet(assignment),
        name=f"{application.school.name}（{assignment.expert.full_name or assignment.expert.username}）",
        key=f"{application.pk}-{assignment.pk}", **_application_audit(application),
    )


def expert_file(user: AnyUser, pk: int, fmt: str) -> HttpResponse:
    """The expert's own sheet (while the review runs and after it)."""
    _check("expert_sheet", fmt)
    assignment, _running = access.assignment_for_expert_reader(user, pk)
    return _expert_file(user, assignment, fmt)


def city_expert_file(user: AnyUser, campaign_id: int, pk: int, fmt: str) -> HttpResponse:
    """Any expert's sheet of a campaign the city runs (the experts' work is the city's)."""
    _check("expert_sheet", fmt)
    campaign = access.campaign_run_by(user, campaign_id)
    return _expert_file(user, access.assignment_for_city(user, campaign, pk), fmt)


def results_file(user: AnyUser, campaign_id: int, fmt: str) -> HttpResponse:
    """A published campaign's results, as open as its public page; with the totals for its city."""
    _check("results", fmt)
    campaign = campaign_reads.published_campaign(campaign_id)
    shape = selectors.results_list(campaign, with_totals=visibility.sees_results_totals(user, campaign))
    return _download(
        user, "results", fmt, shape, name=campaign.name, key=str(campaign.pk),
        object_type=Application._meta.label_lower, region_code=campaign.city.code, filters={"campaign": campaign.pk},
    )


# --- the pages' views -------------------------------------------------------------------------


@login_required
@require_GET
def application_form(request: HttpRequest, pk: int, form: str, fmt: str) -> HttpResponse:
    return application_file(request.user, pk, form.replace("-", "_"), fmt)


@require_GET
def rubric_sheet(request: HttpRequest, code: str, version: int, fmt: str) -> HttpResponse:
    return rubric_file(request.user, code, version, fmt)


@login_required
@require_GET
def expert_sheet(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    return expert_file(request.user, pk, fmt)


@login_required
@require_GET
def city_expert_sheet(request: HttpRequest, campaign_id: int, pk: int, fmt: str) -> HttpResponse:
    return city_expert_file(request.user, campaign_id, pk, fmt)


@require_GET
def results_list(request: HttpRequest, campaign_id: int, fmt: str) -> HttpResponse:
    return results_file(request.user, campaign_id, fmt)


def upload_file(user: AnyUser, pk: int, upload: Any) -> tuple[Application, int]:
    """The school's own application and how many indicators its uploaded 自评表 saved; raise
    SheetProblems (every bad cell), WorkflowError (past the deadline) or EditConflict."""
    application = access.application_for_school(user, pk)
    if upload is None:
        raise roundtrip.SheetProblems(["请选择要上传的自评表文件（.xlsx）"])
    roundtrip.check_upload(upload, str(upload.name or ""), upload.size or 0)
    upload.seek(0)
    return application, services.self_assessment_upload(by=user, application=application, data=upload.read())


@login_required
@require_POST
def self_assessment_upload(request: HttpRequest, pk: int) -> HttpResponse:
    """Upload a filled 自评表: saved and back to the application, or every problem listed."""
    try:
        application, saved = upload_file(request.user, pk, request.FILES.get("sheet"))
    except roundtrip.SheetProblems as exc:
        return render(request, "filings/upload_problems.html", {"problems": exc.problems, "pk": pk}, status=400)
    except (WorkflowError, EditConflict) as exc:
        return render(request, "filings/upload_problems.html", {"problems": [str(exc)], "pk": pk}, status=409)
    messages.success(request, f"已从自评表保存 {saved} 项。" if saved else "自评表与已保存的内容相同，没有需要保存的修改。")
    return redirect("campaigns:school_application", pk=application.pk)
