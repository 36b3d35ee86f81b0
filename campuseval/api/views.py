"""The workflow of the REST API: one view per operation, each calling one service.

Every object comes through the apps' doors (``campaigns.access``: outside the user's scope 404,
a role that may never act 403 with the gate's message), as on the pages. Every write calls
the one service of ``campuseval.campaigns.services`` (plans: ``campuseval.plans.services``, see
``plan_views``); its refusals become 400 (409 for an edit conflict, with the current value)
carrying the service's Chinese message in ``detail``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from campuseval.accounts import gates
from campuseval.audit.context import acting_as, actor_for
from campuseval.campaigns import access
from campuseval.campaigns import services as workflow
from campuseval.campaigns.models import Application
from campuseval.plans.rules import PlanError

from . import serializers as s
from .permissions import PERMISSIONS
from .presenters import application_data, score_rows

REFUSALS = {400: s.ErrorOut, 403: s.ErrorOut, 404: s.ErrorOut}
CODE = OpenApiParameter("code", str, OpenApiParameter.PATH, description="指标编码，如 1.1.1 或 C1")


def _data(serializer_class: type[s.serializers.Serializer], request: Request) -> dict[str, Any]:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


# --- the base of the workflow views ---------------------------------------------------------


class ApiView(APIView):
    permission_classes = PERMISSIONS

    def perform(self, service: Callable[..., Any], /, **kwargs: Any) -> Any:
        """Call a workflow service as the request's user, who is then the audit trail's actor."""
        with acting_as(actor_for(self.request)):
            return service(by=self.request.user, **kwargs)

    def conflict_data(self, current: Any) -> Any:
        raise NotImplementedError

    def handle_exception(self, exc: Exception) -> Response:
        if isinstance(exc, workflow.EditConflict):
            conflict = {"detail": str(exc), "code": "edit_conflict", "current": self.conflict_data(exc.current)}
            return self._answer(conflict, status.HTTP_409_CONFLICT)
        if isinstance(exc, workflow.WorkflowError):
            code = (
                "deadline_passed" if isinstance(exc, workflow.DeadlinePassed)
                else "confirm_stage_end" if isinstance(exc, workflow.StageEndUnconfirmed)
                else "workflow"
            )
            return self._answer({"detail": str(exc), "code": code}, status.HTTP_400_BAD_REQUEST)
        if isinstance(exc, PlanError):  # the plans' rulebook, as the campaigns' workflow
            return self._answer({"detail": str(exc), "code": "workflow"}, status.HTTP_400_BAD_REQUEST)
        if isinstance(exc, DjangoValidationError):
            data: dict[str, Any] = {"detail": "；".join(exc.messages), "code": "invalid"}
            if hasattr(exc, "error_dict"):
                data["errors"] = exc.message_dict
            return self._answer(data, status.HTTP_400_BAD_REQUEST)
        return super().handle_exception(exc)

    @staticmethod
    def _answer(data: dict[str, Any], status_code: int) -> Response:
        response = Response(data, status=status_code)
        response.exception = True
        return response


# --- applications ---------------------------------------------------------------------------


class ApplicationDetailApi(ApiView):
    def conflict_data(self, current: Any) -> Any:
        return application_data(self.request, current)

    @extend_schema(
        tags=["申报"],
        summary="一份申报，含自评得出的总分、等级、未达到的 ★/▲、数据核查和升级路径",
        responses={200: s.ApplicationDetailOut, 404: s.ErrorOut},
    )
    def get(self, request: Request, pk: int) -> Response:
        application = access.application_for_viewer(request.user, pk)
        return Response(application_data(request, application))

    @extend_schema(
        tags=["申报"],
        summary="修改申报表（学校）",
        request=s.ApplicationUpdateIn,
        responses={200: s.ApplicationDetailOut, 409: s.ApplicationConflictOut, **REFUSALS},
    )
    def patch(self, request: Request, pk: int) -> Response:
        application = access.application_for_school(request.user, pk)
        data = _data(s.ApplicationUpdateIn, request)
        version = data.pop("version")
        application = self.perform(
            workflow.application_update, application=application, expected_version=version, **data
        )
        return Response(application_data(request, application))


class ApplicationCreateApi(ApiView):
    @extend_schema(
        tags=["申报"],
        summary="为本校申报（学校）",
        request=s.ApplicationCreateIn,
        responses={201: s.ApplicationDetailOut, **REFUSALS},
    )
    def post(self, request: Request, pk: int) -> Response:
        gates.require(request.user, "school")
        campaign = access.campaign_for_viewer(request.user, pk)
        code = _data(s.ApplicationCreateIn, request).get("school")
        own = access.own_schools(request.user)
        if code:
            school = next((x for x in own if x.code == code), None)
            if school is None:
                raise ValidationError({"school": [f"您不能为学校 {code} 申报"]})
        else:
            if len(own) != 1:
                raise ValidationError({"school": ["您的账号属于多所学校，请填写学校标识码"]})
            school = own[0]
        application = self.perform(workflow.application_create, campaign=campaign, school=school)
        return Response(application_data(request, application), status=status.HTTP_201_CREATED)


@extend_schema(
    tags=["申报"],
    summary="每个指标的自评、县级意见和佐证材料",
    responses={200: s.ScoreRowOut(many=True), 404: s.ErrorOut},
)
class ApplicationScoresApi(ApiView):
    def get(self, request: Request, pk: int) -> Response:
        application = access.application_for_viewer(request.user, pk)
        return Response(s.ScoreRowOut(score_rows(request.user, application), many=True).data)


class _ScoreSaveApi(ApiView):
    """Save one indicator of an application; a stale version gets 409 with the saved row."""

    application: Application

    def conflict_data(self, current: Any) -> Any:
        return s.ScoreRowOut(score_rows(self.request.user, self.application, current.code)[0]).data

    def _saved(self, code: str) -> Response:
        return Response(s.ScoreRowOut(score_rows(self.request.user, self.application, code)[0]).data)


class SelfScoreApi(_ScoreSaveApi):
    @extend_schema(
        tags=["自评"],
        summary="保存一个指标的自评（学校）",
        parameters=[CODE],
        request=s.SelfScoreIn,
        responses={200: s.ScoreRowOut, 409: s.ScoreConflictOut, **REFUSALS},
    )
    def put(self, request: Request, pk: int, code: str) -> Response:
        self.application = access.application_for_school(request.user, pk)
        data = _data(s.SelfScoreIn, request)
        self.perform(
            workflow.self_score_save,
            application=self.application,
            code=code,
            score=data["score"],
            clause_met=data["clause_met"],
            comment=data["comment"],
            expected_version=data["version"],
        )
        return self._saved(code)


class CountyScoreApi(_ScoreSaveApi):
    @extend_schema(
        tags=["县级初评"],
        summary="保存一个指标的县级评分（县级管理员）",
        parameters=[CODE],
        request=s.CountyScoreIn,
        responses={200: s.ScoreRowOut, 409: s.ScoreConflictOut, **REFUSALS},
    )
    def put(self, request: Request, pk: int, code: str) -> Response:
        self.application = access.application_for_county(request.user, pk)
        data = _data(s.CountyScoreIn, request)
        self.perform(
            workflow.county_score_save,
            application=self.application,
            code=code,
            score=data["score"],
            comment=data["comment"],
            expected_version=data["version"],
        )
        return self._saved(code)


def _transition_schema(tag: str, summary: str, request: Any = None) -> Any:
    return extend_schema(
        tags=[tag], summary=summary, request=request, responses={200: s.ApplicationDetailOut, **REFUSALS}
    )


class SubmitApi(ApiView):
    @_transition_schema("申报", "提交申报（学校）；提交后自评锁定")
    def post(self, request: Request, pk: int) -> Response:
        application = access.application_for_school(request.user, pk)
        application = self.perform(workflow.application_submit, application=application)
        return Response(application_data(request, application))


class WithdrawApi(ApiView):
    @_transition_schema("申报", "撤回申报（学校；县级作出推荐决定前）", s.WithdrawIn)
    def post(self, request: Request, pk: int) -> Response:
        application = access.application_for_school(request.user, pk)
        reason = _data(s.WithdrawIn, request)["reason"]
        application = self.perform(workflow.application_withdraw, application=application, reason=reason)
        return Response(application_data(request, application))


class StartFromLastApi(ApiView):
    @extend_schema(
        tags=["自评"],
        summary="从上次认定的申报开始（学校；仅在尚未自评、未关联佐证材料时）：沿用编号相同指标的自评和佐证材料",
        request=None,
        responses={200: s.CarryReportOut, **REFUSALS},
    )
    def post(self, request: Request, pk: int) -> Response:
        application = access.application_for_school(request.user, pk)
        report = self.perform(workflow.application_start_from_last, application=application)
        return Response(s.CarryReportOut(report).data)


class ReturnApi(ApiView):
    @_transition_schema("县级初评", "退回学校修改，附按指标的意见（县级管理员）", s.ReturnIn)
    def post(self, request: Request, pk: int) -> Response:
        application = access.application_for_county(request.user, pk)
        data = _data(s.ReturnIn, request)
        application = self.perform(
            workflow.application_return, application=application, comments=data["comments"], note=data["note"]
        )
        return Response(application_data(request, application))


class RecommendApi(ApiView):
    @_transition_schema("县级初评", "推荐或不推荐参加市级评审（县级管理员；受推荐名额限制）", s.RecommendIn)
    def post(self, request: Request, pk: int) -> Response:
        application = access.application_for_county(request.user, pk)
        data = _data(s.RecommendIn, request)
        application = self.perform(
            workflow.application_recommend,
            application=application,
            recommend=data["recommend"],
            note=data["note"],
        )
        return Response(application_data(request, application))
