"""The official forms through the API: the same files as the pages' downloads, from the same
functions (``filings.views``: door, rulebook, audit record)."""

from __future__ import annotations

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from campuseval.campaigns.rules import DeadlinePassed, EditConflict, WorkflowError
from campuseval.filings import views as forms
from campuseval.filings.roundtrip import SheetProblems

from .permissions import PERMISSIONS
from .serializers import SheetProblemsOut

FILE = {200: OpenApiResponse(OpenApiTypes.BINARY, description=".xlsx 或 .docx 文件")}


class _FileApi(APIView):
    permission_classes = PERMISSIONS


@extend_schema(tags=["表格"], summary="申请的申报表（docx）、自评表或评分表（xlsx/docx）", responses=FILE)
class ApplicationFormApi(_FileApi):
    def get(self, request: Request, pk: int, form: str, fmt: str) -> HttpResponse:
        return forms.application_file(request.user, pk, form.replace("-", "_"), fmt)


@extend_schema(tags=["表格"], summary="专家本人的评审打分表", responses=FILE)
class ExpertSheetApi(_FileApi):
    def get(self, request: Request, pk: int, fmt: str) -> HttpResponse:
        return forms.expert_file(request.user, pk, fmt)


@extend_schema(tags=["表格"], summary="市级：本市活动任一专家的评审打分表", responses=FILE)
class CityExpertSheetApi(_FileApi):
    def get(self, request: Request, campaign_id: int, pk: int, fmt: str) -> HttpResponse:
        return forms.city_expert_file(request.user, campaign_id, pk, fmt)


@extend_schema(tags=["表格"], summary="已公布活动的认定结果名单", responses=FILE)
class ResultsListApi(_FileApi):
    def get(self, request: Request, pk: int, fmt: str) -> HttpResponse:
        return forms.results_file(request.user, pk, fmt)


@extend_schema(tags=["表格"], summary="评估标准的空白评分表", responses=FILE)
class RubricSheetApi(_FileApi):
    def get(self, request: Request, code: str, version: int, fmt: str) -> HttpResponse:
        return forms.rubric_file(request.user, code, version, fmt)


def _problems(problems: list[str], code: str, status_code: int) -> Response:
    """The one error body (``detail``, ``code``) with every problem besides."""
    detail = problems[0] if problems else "自评表未能保存"
    return Response({"detail": detail, "code": code, "problems": problems}, status=status_code)


@extend_schema(
    tags=["表格"], summary="上传填好的自评表（multipart：sheet）",
    request={"multipart/form-data": {"type": "object", "properties": {"sheet": {"type": "string", "format": "binary"}}}},
    responses={
        200: OpenApiResponse(description="{saved: 保存的指标数}"),
        400: OpenApiResponse(SheetProblemsOut, description="文件或单元格有问题（code 为 invalid），什么也没有保存"),
        409: OpenApiResponse(
            SheetProblemsOut,
            description="已过截止时间（deadline_passed）、流程不允许（workflow）或另一个窗口已先保存（edit_conflict）",
        ),
    },
)
class SelfAssessmentUploadApi(_FileApi):
    parser_classes = [MultiPartParser, JSONParser]  # JSON: no file, told so (400)

    def post(self, request: Request, pk: int) -> Response:
        try:
            _application, saved = forms.upload_file(request.user, pk, request.FILES.get("sheet"))
        except SheetProblems as exc:
            return _problems(exc.problems, "invalid", status.HTTP_400_BAD_REQUEST)
        except EditConflict as exc:
            return _problems([str(exc)], "edit_conflict", status.HTTP_409_CONFLICT)
        except WorkflowError as exc:
            code = "deadline_passed" if isinstance(exc, DeadlinePassed) else "workflow"
            return _problems([str(exc)], code, status.HTTP_409_CONFLICT)
        return Response({"saved": saved})
