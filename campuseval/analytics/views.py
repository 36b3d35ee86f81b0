"""The leaders' dashboards: a region's (province, city, county) charts with their tables, the
schools behind any number, one school's page, each chart's table as .xlsx, and the platform
administrator's map upload. Regions and schools come through ``analytics.access``."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from campuseval.accounts.gates import gate_required, signed_in
from campuseval.dbrouter import replica_reads
from campuseval.exporting import XLSX, attachment

from . import access, pages, selectors, services
from .exports import chart_xlsx
from .forms import DashboardForm, RegionMapForm, SchoolListForm


def dashboard_readers(view: Any) -> Any:
    """The dashboards' gate, and their reads on the replica when there is one."""
    return gate_required("dashboards")(replica_reads(view))


@dashboard_readers
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    region = access.home_region(request.user)
    if region is None:
        return render(request, "analytics/none.html")
    return redirect("analytics:region", region.code)


def _choices(request: HttpRequest, form_class: type[DashboardForm], code: str) -> tuple[DashboardForm, dict]:
    region = access.dashboard_region(request.user, code)
    form = form_class(request.GET or None, years=selectors.years(region))
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    return form, {"region": region, **data}


@dashboard_readers
@require_GET
def region(request: HttpRequest, code: str) -> HttpResponse:
    form, data = _choices(request, DashboardForm, code)
    context = pages.region_page(request.user, data["region"], data.get("year"), data.get("as_of"))
    return render(request, "analytics/region.html", {**context, "form": form})


@dashboard_readers
@require_GET
def chart_file(request: HttpRequest, code: str, key: str) -> HttpResponse:
    _form, data = _choices(request, DashboardForm, code)
    context = pages.region_page(request.user, data["region"], data.get("year"), data.get("as_of"), only=key)
    chart = next((c for c in context["charts"] if c.key == key), None)
    if chart is None:
        raise Http404("没有这个图表")
    s = context["scope"]
    heading = f"{data['region'].name} {chart.title}" + (f"（截至 {s.as_of:%Y-%m-%d}）" if s.as_of else "")
    return attachment(
        chart_xlsx(chart, heading=heading), content_type=XLSX,
        filename=f"{data['region'].name}-{chart.title}.xlsx", ascii_filename=f"dashboard-{code}-{key}.xlsx",
    )


@dashboard_readers
@require_GET
def schools(request: HttpRequest, code: str) -> HttpResponse:
    form, data = _choices(request, SchoolListForm, code)
    context = pages.schools_page(request.user, data["region"], data, request.GET.get("page"))
    return render(request, "analytics/schools.html", {**context, "form": form})


@dashboard_readers
@require_GET
def school(request: HttpRequest, code: str) -> HttpResponse:
    found = access.dashboard_school(request.user, code)
    form = DashboardForm(request.GET or None, years=[])
    as_of = form.cleaned_data.get("as_of") if form.is_bound and form.is_valid() else None
    context = pages.school_page(request.user, found, as_of)
    return render(request, "analytics/school.html", {**context, "form": form})


@gate_required("platform")
@require_http_methods(["GET", "POST"])
def map_upload(request: HttpRequest, code: str) -> HttpResponse:
    found = access.dashboard_region(request.user, code)
    form = RegionMapForm(request.POST or None, request.FILES or None, units=[u.name for u in selectors.units(found)])
    if request.method == "POST" and form.is_valid():
        services.region_map_save(
            by=signed_in(request), region=found, geojson=form.cleaned_data["geojson"],
            source=form.cleaned_data["source"], licence=form.cleaned_data["licence"],
        )
        messages.success(request, f"已保存{found.name}的地图（来源：{form.cleaned_data['source']}）")
        return redirect("analytics:region", found.code)
    return render(request, "analytics/map_upload.html", {"region": found, "form": form, "current": pages.region_map(found)})
