"""Bulk exports' pages: start one, watch its progress, download its zip. The ``*_for`` helpers
are shared with the API (``api/export_views.py``)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from campuseval.accounts.scope import AnyUser
from campuseval.downloads import file_response

from . import access, services
from .models import ExportJob


def start_for(user: AnyUser, campaign_id: int, kind: str, county_code: str = "") -> ExportJob:
    """Start the ``kind`` of export of a campaign (a county's: ``county_code``, else the first
    county the user may open, as the county pages choose)."""
    if kind.replace("-", "_") not in ExportJob.Kind.values:
        raise Http404("没有这种批量导出")
    return services.export_start(by=user, kind=kind.replace("-", "_"), campaign_id=campaign_id, county_code=county_code)


def file_for(user: AnyUser, pk: int) -> HttpResponseBase:
    """The finished job's zip; 410 once its time is up (the page says to make it again)."""
    job = access.job_for_owner(user, pk)
    if job.status == ExportJob.Status.EXPIRED:
        return HttpResponse("文件已超过保留期限被删除，请重新生成。", status=410, content_type="text/plain; charset=utf-8")
    if job.status != ExportJob.Status.DONE:
        return HttpResponse("文件还在生成中，请稍候。", status=409, content_type="text/plain; charset=utf-8")
    return file_response(job.file, filename=job.file_name, content_type="application/zip")


@login_required
@require_POST
def start(request: HttpRequest, campaign_id: int, kind: str) -> HttpResponse:
    job = start_for(request.user, campaign_id, kind, request.POST.get("county") or request.GET.get("county", ""))
    return redirect("exportjobs:job", pk=job.pk)


@login_required
@require_GET
def job_list(request: HttpRequest) -> HttpResponse:
    return render(request, "exportjobs/list.html", {"jobs": access.jobs_of(request.user)[:50]})


@login_required
@require_GET
def job(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "exportjobs/job.html", {"job": access.job_for_owner(request.user, pk)})


@login_required
@require_GET
def job_progress(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "exportjobs/_progress.html", {"job": access.job_for_owner(request.user, pk)})


@login_required
@require_GET
def download(request: HttpRequest, pk: int) -> HttpResponseBase:
    return file_for(request.user, pk)
