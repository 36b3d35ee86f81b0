"""Browse, read and export the audit trail: administrators, within their region."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import quote

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from campuseval.accounts import scope
from campuseval.accounts.decorators import allowed_if

from . import exports, selectors
from .filters import AuditFilter
from .models import AuditRecord
from .presenters import diff_rows, object_type_label, record_rows
from .services import audit_export, compute_hash

PAGE_SIZE = 50
MAX_EXPORT_ROWS = 100_000
FORMATS = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}

admin_required = allowed_if(
    selectors.may_browse,
    "审计日志仅限平台管理员和市、县级管理员查看。如需了解某项操作的记录，请联系本级管理员。",
)


def _filtered(request: HttpRequest) -> AuditFilter:
    return AuditFilter(
        request.GET or None,
        queryset=selectors.records_for(request.user),
        regions=scope.audit_regions_for(request.user),
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
        "intact": compute_hash(record) == record.hash,
    }
    return render(request, "audit/detail.html", context)


def _export_region(request: HttpRequest, found: AuditFilter) -> str:
    """Where the export's own record belongs: the region filtered on, else the user's region."""
    chosen = found.applied().get("region")
    if chosen:
        return chosen
    if scope.is_platform_admin(request.user):
        return ""
    regions = list(scope.audit_regions_for(request.user))
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
    written = 0

    def counted() -> Iterator[AuditRecord]:
        nonlocal written
        for record in found.qs.iterator(chunk_size=2000):
            written += 1
            yield record

    body = exports.to_xlsx(counted()) if fmt == "xlsx" else exports.to_csv(counted())
    count = written  # what the file holds, even if records were appended meanwhile
    audit_export(
        object_type=AuditRecord._meta.label_lower,
        description=f"导出{object_type_label(AuditRecord._meta.label_lower)} {count} 条（{fmt}）",
        count=count,
        fmt=fmt,
        filters=found.applied(),
        region_code=_export_region(request, found),
    )
    name = f"审计记录-{timezone.localtime():%Y%m%d-%H%M}.{fmt}"
    response = HttpResponse(body, content_type=FORMATS[fmt])
    response["Content-Disposition"] = (
        f'attachment; filename="audit-{timezone.localtime():%Y%m%d-%H%M}.{fmt}"; '
        f"filename*=UTF-8''{quote(name)}"
    )
    return response
