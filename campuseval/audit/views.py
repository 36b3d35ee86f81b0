"""Browse, read and export the audit trail: administrators, within their region."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from campuseval.accounts import scope
from campuseval.accounts.gates import allowed_if
from campuseval.exporting import CSV, XLSX, attachment

from . import selectors, services
from .filters import AuditFilter
from .presenters import diff_rows, record_rows
from .services import record_intact

PAGE_SIZE = 50
MAX_EXPORT_ROWS = 100_000
FORMATS = {"xlsx": XLSX, "csv": CSV}

admin_required = allowed_if(
    selectors.may_browse,
    "审计日志仅限平台管理员和市、县级管理员查看。如需了解某项操作的记录，请联系本级管理员。",
)


def _filtered(request: HttpRequest) -> AuditFilter:
    return AuditFilter(
        request.GET or None,
        queryset=selectors.records_for(request.user),
        regions=selectors.audit_regions_for(request.user),
    )


@admin_required
@require_GET
def audit_list(request: HttpRequest) -> HttpResponse:
    found = _filtered(request)
    page = Paginator(found.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "filter": found,
        "page": page,
        "rows": record_rows(list(page.object_list)),
        "query": request.GET.urlencode(),
    }
    return render(request, "audit/list.html", context)


@admin_required
@require_GET
def audit_detail(request: HttpRequest, seq: int) -> HttpResponse:
    record = scope.get_in_scope(selectors.records_for(request.user), seq=seq)
    context = {
        "row": record_rows([record])[0],
        "diff": diff_rows(record),
        "intact": record_intact(record),
    }
    return render(request, "audit/detail.html", context)


def _export_region(request: HttpRequest, found: AuditFilter) -> str:
    """Where the export's own record belongs: the region filtered on, else the user's region."""
    chosen = found.applied().get("region")
    if chosen:
        return chosen
    if scope.is_platform_admin(request.user):
        return ""
    regions = list(selectors.audit_regions_for(request.user))
    codes = {r.code for r in regions}
    tops = [r for r in regions if r.parent is None or r.parent.code not in codes]
    return tops[0].code if len(tops) == 1 else ""


@admin_required
@require_GET
def audit_export_view(request: HttpRequest, fmt: str) -> HttpResponse:
    if fmt not in FORMATS:
        raise Http404("没有这种导出格式")
    found = _filtered(request)
    count = found.qs.count()
    if count > MAX_EXPORT_ROWS:
        messages.error(
            request,
            f"符合条件的记录有 {count} 条，超过一次导出的上限 {MAX_EXPORT_ROWS} 条，请缩小日期范围后再导出。",
        )
        return redirect(f"{reverse('audit:list')}?{request.GET.urlencode()}")
    body = services.records_file(
        found.qs, fmt=fmt, filters=found.applied(), region_code=_export_region(request, found)
    )
    stamp = f"{timezone.localtime():%Y%m%d-%H%M}"
    return attachment(
        body, content_type=FORMATS[fmt], filename=f"审计记录-{stamp}.{fmt}", ascii_filename=f"audit-{stamp}.{fmt}"
    )
