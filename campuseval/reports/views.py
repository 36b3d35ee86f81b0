"""The reports' pages. ``school_report_for`` and ``region_choices`` take the object through the
door first; the pages below and the API (``api/report_views.py``) both call them, so a page and
the API never disagree on who gets a report or what it says.

Printing: the page itself, with an A4 print style sheet (``reports/report.css``) and a 打印
button (``reports/report.js``); docs/decisions.md says why there is no separate print page."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from campuseval.accounts.gates import gate_required
from campuseval.accounts.scope import AnyUser
from campuseval.analytics import selectors as summary
from campuseval.analytics.forms import DashboardForm
from campuseval.dbrouter import replica_reads
from campuseval.regions.models import Region

from . import access, presenters


def school_report_for(user: AnyUser, pk: int) -> presenters.SchoolReport:
    """The report on an application the user may see (404 outside scope)."""
    return presenters.school_report(user, access.report_application(user, pk))


def region_choices(user: AnyUser, code: str, query: Any) -> tuple[Region, DashboardForm, dict[str, Any]]:
    """The region (through the door: 404 outside scope, 403 without dashboards), the form of
    the year and day asked (checked as the dashboards check them) and what it chose."""
    region = access.report_region(user, code)
    form = DashboardForm(query or None, years=summary.years(region))
    return region, form, form.cleaned_data if form.is_bound and form.is_valid() else {}


def region_report_for(user: AnyUser, code: str, query: Any) -> tuple[presenters.RegionReport, DashboardForm]:
    region, form, data = region_choices(user, code, query)
    return presenters.region_report(user, region, data.get("year"), data.get("as_of")), form


@login_required
@require_GET
def application(request: HttpRequest, pk: int) -> HttpResponse:
    report = school_report_for(request.user, pk)
    return render(request, "reports/application.html", {"report": report})


@gate_required("dashboards")
@replica_reads
@require_GET
def region(request: HttpRequest, code: str) -> HttpResponse:
    report, form = region_report_for(request.user, code, request.GET)
    return render(request, "reports/region.html", {"report": report, "scope": report.scope, "form": form})
