"""The public rubric browser: rubrics are published documents, no log-in needed."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe
from django.views.decorators.vary import vary_on_headers

from campuseval.exporting import XLSX, attachment

from .models import Rubric
from .presenters import export_filename, rubric_card, rubric_page
from .selectors import rubric_get, rubric_list, rubric_versions


def _get_rubric_or_404(code: str, version: int | None) -> Rubric:
    rubric = rubric_get(code=code, version=version)
    if rubric is None:
        raise Http404(_("没有这个评估标准或版本"))
    return rubric


def _is_htmx_partial(request: HttpRequest) -> bool:
    # A history restore asks for the whole page even though it comes from htmx.
    return (
        request.headers.get("HX-Request") == "true"
        and request.headers.get("HX-History-Restore-Request") != "true"
    )


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    """``/``: the signed-in user's own work (待办), the public rubric list for everyone else."""
    if request.user.is_authenticated:
        return redirect(settings.LOGIN_REDIRECT_URL)
    return redirect("rubrics:list")


@require_safe
def list_rubrics(request: HttpRequest) -> HttpResponse:
    cards = [rubric_card(r) for r in rubric_list()]
    return render(request, "rubrics/list.html", {"cards": cards})


@require_safe
@vary_on_headers("HX-Request")
def rubric_detail(request: HttpRequest, code: str, version: int | None = None) -> HttpResponse:
    rubric = _get_rubric_or_404(code, version)
    page = rubric_page(rubric, versions=rubric_versions(code=code), q=request.GET.get("q", ""))
    template = "rubrics/_tree.html" if _is_htmx_partial(request) else "rubrics/detail.html"
    return render(request, template, {"page": page})


@require_safe
def rubric_export(request: HttpRequest, code: str, version: int | None = None) -> HttpResponse:
    # Imported here: the spreadsheet module is optional for the rest of the browser.
    from campuseval.rubricfile.xlsx import export_rubric

    rubric = _get_rubric_or_404(code, version)
    return attachment(
        export_rubric(rubric.rubric_file()), content_type=XLSX,
        filename=export_filename(rubric), ascii_filename=f"{rubric.code}-v{rubric.version}.xlsx",
    )
