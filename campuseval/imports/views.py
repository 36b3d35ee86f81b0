"""Upload an .xlsx, follow the background job, read the result.

Who may import what is the kind's rule (platform administrators: regions and accounts; city
and county administrators: schools, facts and the plans they run); a role that may never import
a kind gets 403.
Rows outside the importer's scope are errors of those rows. A job is seen only by the person
who uploaded it (404 for anyone else).
"""

from __future__ import annotations

import base64

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from campuseval.accounts.scope import get_in_scope
from campuseval.audit.context import client_ip
from campuseval.evidence.checks import UploadRefused, check_name
from campuseval.evidence.uploads import reads_uploads
from campuseval.exporting import XLSX, attachment

from . import xlsx
from .forms import UploadForm, too_big
from .kinds import KINDS, Kind
from .kinds.base import RowError
from .models import ImportJob
from .sealed import Unreadable
from .selectors import jobs_for, kinds_for
from .services import import_job_create, import_job_error_sheet, import_job_take_passwords
from .xlsx import table_xlsx, template_xlsx

ERRORS_SHOWN = 200


def _kind(request: HttpRequest, key: str) -> Kind:
    kind = KINDS.get(key)
    if kind is None:
        raise Http404("没有这种导入")
    if not kind.may_import(request.user):  # type: ignore[arg-type]
        raise PermissionDenied(f"您的角色不能导入{kind.title}")
    return kind


def _xlsx_response(content: bytes, ascii_name: str, name: str) -> HttpResponse:
    return attachment(content, content_type=XLSX, filename=name, ascii_filename=ascii_name)


@login_required
@require_GET
def import_home(request: HttpRequest) -> HttpResponse:
    kinds = kinds_for(request.user)
    if not kinds:
        raise PermissionDenied("您的角色不能导入数据")
    jobs = jobs_for(request.user)[:20]
    return render(request, "imports/home.html", {"kinds": kinds, "jobs": jobs})


def _refusal(request: HttpRequest) -> str:
    """Why the workbook never reached the form: the server's disk, its size, or a name Django
    dropped (only a path or control characters); "" when it did (or none was sent)."""
    if request.upload_failed:  # type: ignore[attr-defined]
        return str(request.upload_failed)  # type: ignore[attr-defined]
    if request.upload_too_big:  # type: ignore[attr-defined]
        return too_big(request.upload_too_big)  # type: ignore[attr-defined]
    for sent, kept in request.upload_names:  # type: ignore[attr-defined]
        if not kept:
            try:
                check_name(sent)
            except UploadRefused as refused:
                return str(refused)
            return "无法识别文件名，请重命名后再上传"
    return ""


@login_required
@reads_uploads(limit=lambda: xlsx.MAX_BYTES)
@require_http_methods(["GET", "POST"])
def import_upload(request: HttpRequest, kind: str) -> HttpResponse:
    spec = _kind(request, kind)
    form = UploadForm()
    if request.method == "POST":
        sent: list[str] = request.upload_sent.get("file", [])  # type: ignore[attr-defined]
        form = UploadForm(
            request.POST, request.FILES, sent_name=sent[-1] if sent else "", refusal=_refusal(request)
        )
        if form.is_valid():
            try:
                job = import_job_create(
                    kind=spec.key, upload=form.cleaned_data["file"], by=request.user, ip=client_ip(request)  # type: ignore[arg-type]
                )
            except UploadRefused as refused:  # the storage failed (disk full): nothing kept
                form.add_error("file", str(refused))
            else:
                return redirect("imports:job", pk=job.pk)
    jobs = jobs_for(request.user).filter(kind=spec.key)[:10]
    return render(request, "imports/upload.html", {"kind": spec, "form": form, "jobs": jobs})


@login_required
@require_GET
def import_template(request: HttpRequest, kind: str) -> HttpResponse:
    spec = _kind(request, kind)
    return _xlsx_response(
        template_xlsx(spec.template()), f"{spec.key}-template.xlsx", f"{spec.title}导入模板.xlsx"
    )


def _job_context(request: HttpRequest, job: ImportJob) -> dict[str, object]:
    errors = [RowError.from_dict(e) for e in job.errors[:ERRORS_SHOWN]]
    context: dict[str, object] = {
        "job": job,
        "kind": KINDS[job.kind],
        "errors": errors,
        "error_count": len(job.errors),
        "errors_hidden": max(0, len(job.errors) - ERRORS_SHOWN),
        "lines": job.summary.get("lines", []),
        "passwords_keep_hours": f"{settings.IMPORT_PASSWORDS_KEEP_HOURS:g}",
    }
    if job.status == ImportJob.Status.DONE and job.sealed_passwords:
        # Shown now, in this response, and never again: the job forgets them.
        try:
            passwords = import_job_take_passwords(job=job)
        except Unreadable:  # SECRET_KEY changed since the import: say so, never a 500
            context["passwords_unreadable"] = True
            return context
        if not passwords:  # their time was up: removed, the page says so
            return context
        context["passwords"] = passwords
        context["lines"] = [
            {**line, "password": passwords.get(line["username"], "")} for line in context["lines"]  # type: ignore[attr-defined]
        ]
        context["result_data_uri"] = _result_data_uri(job, passwords)
    return context


def _result_data_uri(job: ImportJob, passwords: dict[str, str]) -> str:
    """The result with the passwords as a file the browser saves from this page.

    A data: link rather than a URL: the passwords are not kept anywhere for a later download.
    """
    rows = [
        [
            line["username"],
            line["full_name"],
            line["role"],
            line["place"],
            line["outcome"],
            passwords.get(line["username"], "（沿用原密码）"),
        ]
        for line in job.summary.get("lines", [])
    ]
    content = table_xlsx(
        "导入结果", ["用户名", "姓名", "角色", "区域或学校", "结果", "初始密码"], rows
    )
    return f"data:{XLSX};base64,{base64.b64encode(content).decode()}"


@login_required
@require_GET
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_in_scope(jobs_for(request.user), pk=pk)
    return render(request, "imports/job.html", _job_context(request, job))


@login_required
@require_GET
def job_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress panel alone, polled by htmx every second until the job has finished."""
    job = get_in_scope(jobs_for(request.user), pk=pk)
    return render(request, "imports/_job_progress.html", _job_context(request, job))


@login_required
@require_GET
def job_errors(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_in_scope(jobs_for(request.user), pk=pk)
    if job.status != ImportJob.Status.INVALID:
        raise Http404("这次导入没有可标注的错误")
    return _xlsx_response(
        import_job_error_sheet(job=job),
        f"import-{job.pk}-errors.xlsx",
        f"{KINDS[job.kind].title}导入错误-{job.pk}.xlsx",
    )

