"""Pages for regions, schools and school facts.

Every object comes through the door of :mod:`campuseval.regions.selectors`: outside the user's scope it is a
404; a page for an action the user's roles never allow (a school user creating a region) is a
403.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods
from django_tables2 import RequestConfig

from campuseval.accounts.scope import get_in_scope
from campuseval.exporting import XLSX, attachment
from campuseval.regions.selectors import facts_of, regions_for, schools_for

from . import services
from .exports import schools_xlsx
from .filters import SchoolFilter
from .forms import FactsForm, RegionForm, SchoolContactForm, SchoolForm, initial_facts
from .models import School
from .selectors import (
    SchoolAccess,
    counties_for_write,
    facts_history,
    may_create_regions,
    may_edit_schools,
    region_rows,
    school_access,
    school_teaching_points,
)
from .tables import SchoolTable

PER_PAGE = 25


def _add_errors(
    form: forms.BaseForm, exc: ValidationError, rename: Mapping[str, str] | None = None
) -> None:
    """Put a service's validation errors on the form's fields (or above the form)."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for field, errors in exc.error_dict.items():
        name = (rename or {}).get(field, field)
        form.add_error(name if name in form.fields else None, errors)


# Regions --------------------------------------------------------------------------------------


@login_required
@require_GET
def region_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "regions/region_list.html",
        {"rows": region_rows(request.user), "may_create": may_create_regions(request.user)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def region_create(request: HttpRequest) -> HttpResponse:
    if not may_create_regions(request.user):
        raise PermissionDenied("只有平台管理员可以新增行政区域")
    form = RegionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            region = services.region_create(**form.cleaned_data)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, f"已新增行政区域：{region.name}（{region.code}）")
            return redirect("regions:region_list")
    return render(request, "regions/region_form.html", {"form": form, "region": None})


@login_required
@require_http_methods(["GET", "POST"])
def region_edit(request: HttpRequest, code: str) -> HttpResponse:
    if not may_create_regions(request.user):
        raise PermissionDenied("只有平台管理员可以修改行政区域")
    region = get_in_scope(regions_for(request.user, write=True), code=code)
    initial = {"code": region.code, "name": region.name, "level": region.level, "parent": region.parent_id}
    form = RegionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            region = services.region_update(region=region, **form.cleaned_data)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, f"已保存行政区域：{region.name}（{region.code}）")
            return redirect("regions:region_list")
    return render(request, "regions/region_form.html", {"form": form, "region": region})


# Schools --------------------------------------------------------------------------------------


@login_required
@require_GET
def school_list(request: HttpRequest) -> HttpResponse:
    school_filter = SchoolFilter(request.GET, schools_for(request.user), user=request.user)
    table = SchoolTable(school_filter.qs)
    RequestConfig(request, paginate={"per_page": PER_PAGE}).configure(table)
    return render(
        request,
        "regions/school_list.html",
        {
            "filter": school_filter,
            "table": table,
            "may_create": counties_for_write(request.user).exists(),
            "query": request.GET.urlencode(),
            # On a phone the filters fold away unless some are in use.
            "filtered": any(request.GET.get(name) for name in school_filter.filters),
        },
    )


@login_required
@require_GET
def school_export(request: HttpRequest) -> HttpResponse:
    """The rows of the list as filtered (all pages), as .xlsx."""
    school_filter = SchoolFilter(request.GET, schools_for(request.user), user=request.user)
    schools = list(school_filter.qs.order_by("county__code", "code"))
    filters = {k: v for k in school_filter.filters if (v := request.GET.get(k, ""))}
    services.school_export_log(count=len(schools), filters=filters)
    stamp = timezone.localdate().strftime("%Y%m%d")
    return attachment(
        schools_xlsx(schools), content_type=XLSX, filename=f"学校名单-{stamp}.xlsx", ascii_filename=f"schools-{stamp}.xlsx"
    )


@login_required
@require_GET
def school_detail(request: HttpRequest, code: str) -> HttpResponse:
    school = get_in_scope(schools_for(request.user), code=code)
    access = school_access(request.user, school)
    return render(
        request,
        "regions/school_detail.html",
        {
            "school": school,
            "may_edit": access is not SchoolAccess.NONE,
            "teaching_points": school_teaching_points(request.user, school),
            "central_visible": school.central_school_id is not None
            and schools_for(request.user).filter(pk=school.central_school_id).exists(),
            "history": facts_history(school),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def school_create(request: HttpRequest) -> HttpResponse:
    counties = counties_for_write(request.user)
    if not counties.exists():
        raise PermissionDenied("您的角色不能新增学校")
    form = SchoolForm(
        request.POST or None,
        counties=counties,
        visible_schools=schools_for(request.user, write=True),
    )
    if request.method == "POST" and form.is_valid():
        try:
            school = services.school_create(**form.service_fields())
        except ValidationError as exc:
            _add_errors(form, exc, {"central_school": "central_school_code"})
        else:
            messages.success(request, f"已新增学校：{school.name}")
            return redirect("regions:school_detail", code=school.code)
    return render(request, "regions/school_form.html", {"form": form, "school": None})


def _school_initial(school: School) -> dict[str, Any]:
    central = school.central_school
    return {
        "name": school.name,
        "stage": school.stage,
        "location": school.location,
        "county": school.county_id,
        "central_school_code": central.code if central else "",
        "address": school.address,
        "head_name": school.head_name,
        "contact_name": school.contact_name,
        "contact_phone": school.contact_phone,
    }


@login_required
@require_http_methods(["GET", "POST"])
def school_edit(request: HttpRequest, code: str) -> HttpResponse:
    if not may_edit_schools(request.user):
        raise PermissionDenied("您的角色不能修改学校信息")
    school = get_in_scope(schools_for(request.user, write=True), code=code)
    data = request.POST or None
    form: SchoolForm | SchoolContactForm
    if school_access(request.user, school) is SchoolAccess.FULL:
        form = SchoolForm(
            data,
            initial=_school_initial(school),
            counties=counties_for_write(request.user),
            visible_schools=schools_for(request.user, write=True).exclude(pk=school.pk),
            editing=True,
        )
    else:
        form = SchoolContactForm(data, initial=_school_initial(school))
    if request.method == "POST" and form.is_valid():
        try:
            services.school_update(school=school, **form.service_fields())
        except ValidationError as exc:
            _add_errors(form, exc, {"central_school": "central_school_code"})
        else:
            messages.success(request, f"已保存学校信息：{school.name}")
            return redirect("regions:school_detail", code=school.code)
    return render(request, "regions/school_form.html", {"form": form, "school": school})


# Facts ----------------------------------------------------------------------------------------


def _writable_school(request: HttpRequest, code: str) -> School:
    if not may_edit_schools(request.user):
        raise PermissionDenied("您的角色不能填报学校基础数据")
    return get_in_scope(schools_for(request.user, write=True), code=code)


def _facts_page(
    request: HttpRequest, school: School, form: FactsForm, year: int | None
) -> HttpResponse:
    if request.method == "POST" and form.is_valid():
        try:
            services.facts_save(school=school, year=form.facts_year(), values=form.values())
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, f"已保存 {form.facts_year()} 年的学校基础数据")
            return redirect("regions:school_detail", code=school.code)
    return render(request, "regions/facts_form.html", {"form": form, "school": school, "year": year})


@login_required
@require_http_methods(["GET", "POST"])
def facts_create(request: HttpRequest, code: str) -> HttpResponse:
    school = _writable_school(request, code)
    form = FactsForm(request.POST or None, school=school)
    return _facts_page(request, school, form, None)


@login_required
@require_http_methods(["GET", "POST"])
def facts_edit(request: HttpRequest, code: str, year: int) -> HttpResponse:
    school = _writable_school(request, code)
    facts = facts_of(school, year)
    if facts is None:
        raise Http404("该年度没有学校基础数据")
    form = FactsForm(request.POST or None, school=school, year=year, initial=initial_facts(facts))
    return _facts_page(request, school, form, year)

