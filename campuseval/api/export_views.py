"""Bulk exports through the API: start one (the same door and job as the pages), ask how far
it has got, download its zip."""

from __future__ import annotations

from typing import Any

from django.http.response import HttpResponseBase
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from campuseval.exportjobs import access
from campuseval.exportjobs import views as exports
from campuseval.exportjobs.models import ExportJob

from .permissions import PERMISSIONS

EXPORT_STATUS = ExportJob.Status.choices  # named in SPECTACULAR_SETTINGS (another model has a status too)

JOB = inline_serializer(
    "ExportJob",
    {
        "id": serializers.IntegerField(),
        "kind": serializers.ChoiceField(ExportJob.Kind.choices),
        "status": serializers.ChoiceField(EXPORT_STATUS),
        "total": serializers.IntegerField(help_text="文件数"),
        "done": serializers.IntegerField(help_text="已生成的文件数"),
        "percent": serializers.IntegerField(),
        "error": serializers.CharField(),
        "expires_at": serializers.DateTimeField(allow_null=True, help_text="文件保留至"),
        "download": serializers.CharField(allow_null=True),
    },
)
START = inline_serializer(
    "ExportStart",
    {"county": serializers.CharField(required=False, help_text="县（市、区）代码（本县全部自评表；缺省：可查看的第一个）")},
)


def job_out(job: ExportJob) -> dict[str, Any]:
    return {
        "id": job.pk, "kind": job.kind, "status": job.status, "total": job.total, "done": job.done,
        "percent": job.percent, "error": job.error, "expires_at": job.expires_at,
        "download": reverse("api:export_download", args=[job.pk]) if job.status == ExportJob.Status.DONE else None,
    }


@extend_schema(
    tags=["批量导出"], summary="开始批量导出（后台生成 zip）：kind 为 certificates、expert_sheets 或 self_assessments",
    request=START, responses={202: JOB},
)
class ExportStartApi(APIView):
    permission_classes = PERMISSIONS

    def post(self, request: Request, pk: int, kind: str) -> Response:
        body = request.data if isinstance(request.data, dict) else {}  # a JSON list or text: no county
        job = exports.start_for(request.user, pk, kind, str(body.get("county") or ""))
        return Response(job_out(job), status=status.HTTP_202_ACCEPTED)


@extend_schema(tags=["批量导出"], summary="批量导出的进度", responses={200: JOB})
class ExportJobApi(APIView):
    permission_classes = PERMISSIONS

    def get(self, request: Request, pk: int) -> Response:
        return Response(job_out(access.job_for_owner(request.user, pk)))


@extend_schema(
    tags=["批量导出"], summary="下载批量导出的 zip（过期：410）",
    responses={200: OpenApiResponse(OpenApiTypes.BINARY, description="zip 文件")},
)
class ExportDownloadApi(APIView):
    permission_classes = PERMISSIONS

    def get(self, request: Request, pk: int) -> HttpResponseBase:
        return exports.file_for(request.user, pk)
