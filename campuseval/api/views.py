"""The workflow of the REST API: one view per operation, each calling one service.

Every object comes through ``campuseval.accounts.scope`` (outside the user's scope: 404) and
every role check through ``.permissions`` (a role that may never act: 403). Every write calls
the one service of ``campuseval.campaigns.services``; its refusals become 400 (409 for an
edit conflict, with the current value) carrying the service's Chinese message in ``detail``.
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

from campuseval.accounts.models import Role, RoleAssignment, User
from campuseval.accounts.scope import applications_for, campaigns_for, get_in_scope, schools_for
from campuseval.audit.context import acting_as, actor_for
from campuseval.campaigns import services as workflow
from campuseval.campaigns.models import Application, ExpertAssignment

from . import serializers as s
from .permissions import (
    PERMISSIONS,
    application_to_act_on,
    assignment_to_score,
    campaign_to_run,
    require_role,
)
from .presenters import application_data, expert_rows, score_rows

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
            code = "deadline_passed" if isinstance(exc, workflow.DeadlinePassed) else "workflow"
            return self._answer({"detail": str(exc), "code": code}, status.HTTP_400_BAD_REQUEST)
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
        application = get_in_scope(applications_for(request.user), pk=pk)
        return Response(application_data(request, application))

    @extend_schema(
        tags=["申报"],
        summary="修改申报表（学校）",
        request=s.ApplicationUpdateIn,
        responses={200: s.ApplicationDetailOut, 409: s.ApplicationConflictOut, **REFUSALS},
    )
    def patch(self, request: Request, pk: int) -> Response:
        application = application_to_act_on(request.user, pk, actor="school", doing="修改申报表")
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
        user = request.user
        require_role(user, "school", "申报")
        campaign = get_in_scope(campaigns_for(user), pk=pk)
        code = _data(s.ApplicationCreateIn, request).get("school")
        own = schools_for(user).filter(
            pk__in=RoleAssignment.objects.filter(user=user, role=Role.SCHOOL_USER).values("school_id")
        )
        if code:
            school = own.filter(code=code).first()
            if school is None:
                raise ValidationError({"school": [f"您不能为学校 {code} 申报"]})
        else:
            schools = list(own[:2])
            if len(schools) != 1:
                raise ValidationError({"school": ["您的账号属于多所学校，请填写学校标识码"]})
            school = schools[0]
        application = self.perform(workflow.application_create, campaign=campaign, school=school)
        return Response(application_data(request, application), status=status.HTTP_201_CREATED)


@extend_schema(
    tags=["申报"],
    summary="每个指标的自评、县级意见和佐证材料",
    responses={200: s.ScoreRowOut(many=True), 404: s.ErrorOut},
)
class ApplicationScoresApi(ApiView):
    def get(self, request: Request, pk: int) -> Response:
        application = get_in_scope(applications_for(request.user), pk=pk)
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
        self.application = application_to_act_on(request.user, pk, actor="school", doing="自评")
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
        self.application = application_to_act_on(request.user, pk, actor="county", doing="县级评分")
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
        application = application_to_act_on(request.user, pk, actor="school", doing="提交申报")
        application = self.perform(workflow.application_submit, application=application)
        return Response(application_data(request, application))


class WithdrawApi(ApiView):
    @_transition_schema("申报", "撤回申报（学校；县级作出推荐决定前）", s.WithdrawIn)
    def post(self, request: Request, pk: int) -> Response:
        application = application_to_act_on(request.user, pk, actor="school", doing="撤回申报")
        reason = _data(s.WithdrawIn, request)["reason"]
        application = self.perform(workflow.application_withdraw, application=application, reason=reason)
        return Response(application_data(request, application))


class ReturnApi(ApiView):
    @_transition_schema("县级初评", "退回学校修改，附按指标的意见（县级管理员）", s.ReturnIn)
    def post(self, request: Request, pk: int) -> Response:
        application = application_to_act_on(request.user, pk, actor="county", doing="退回申报")
        data = _data(s.ReturnIn, request)
        application = self.perform(
            workflow.application_return, application=application, comments=data["comments"], note=data["note"]
        )
        return Response(application_data(request, application))


class RecommendApi(ApiView):
    @_transition_schema("县级初评", "推荐或不推荐参加市级评审（县级管理员；受推荐名额限制）", s.RecommendIn)
    def post(self, request: Request, pk: int) -> Response:
        application = application_to_act_on(request.user, pk, actor="county", doing="推荐")
        data = _data(s.RecommendIn, request)
        application = self.perform(
            workflow.application_recommend,
            application=application,
            recommend=data["recommend"],
            note=data["note"],
        )
        return Response(application_data(request, application))


class DecideApi(ApiView):
    @_transition_schema("市级终评", "认定等级（市级管理员；与评分得出的等级不同须填写理由）", s.DecideIn)
    def post(self, request: Request, pk: int) -> Response:
        application = application_to_act_on(request.user, pk, actor="city", doing="认定等级")
        data = _data(s.DecideIn, request)
        application = self.perform(
            workflow.application_decide, application=application, tier=data["tier"], reason=data["reason"]
        )
        return Response(application_data(request, application))


class ExpertAssignApi(ApiView):
    @extend_schema(
        tags=["市级终评"],
        summary="为一份申报手动分配一位专家（市级管理员；回避规则仍适用）",
        request=s.ExpertAssignIn,
        responses={201: s.AssignmentBriefOut, **REFUSALS},
    )
    def post(self, request: Request, pk: int) -> Response:
        application = application_to_act_on(request.user, pk, actor="city", doing="分配专家")
        username = _data(s.ExpertAssignIn, request)["expert"]
        expert = User.objects.filter(username=username).first()
        if expert is None:
            raise ValidationError({"expert": [f"没有用户名为 {username} 的账号"]})
        assignment = self.perform(workflow.expert_assign, application=application, expert=expert)
        return Response(s.AssignmentBriefOut(assignment).data, status=status.HTTP_201_CREATED)


# --- campaigns ------------------------------------------------------------------------------


class AssignExpertsApi(ApiView):
    @extend_schema(
        tags=["市级终评"],
        summary="自动分配专家：均衡工作量，回避本县和有关联的学校（市级管理员）",
        request=None,
        responses={200: s.AssignReportOut, **REFUSALS},
    )
    def post(self, request: Request, pk: int) -> Response:
        campaign = campaign_to_run(request.user, pk, doing="分配专家")
        report = self.perform(workflow.experts_assign_auto, campaign=campaign)
        return Response(s.AssignReportOut(report).data)


def _campaign_fields(user: User, data: dict[str, Any]) -> dict[str, Any]:
    """Service fields from CampaignIn data: the city among the user's, the rubric version."""
    from campuseval.regions.models import Region
    from campuseval.rubrics.models import Rubric

    fields = dict(data)
    if "city" in fields:
        city = Region.objects.filter(
            code=fields.pop("city"), pk__in=RoleAssignment.objects.filter(user=user, role=Role.CITY_ADMIN).values("region")
        ).first()
        if city is None:
            raise ValidationError({"city": ["不是您管理的城市"]})
        fields["city"] = city
    if "rubric" in fields:
        versions = Rubric.objects.filter(code=fields.pop("rubric")).order_by("-version")
        if "rubric_version" in fields:
            versions = versions.filter(version=fields.pop("rubric_version"))
        rubric = versions.first()
        if rubric is None:
            raise ValidationError({"rubric": ["没有这个评估标准（或版本）"]})
        fields["rubric_id"] = rubric.pk
    fields.pop("rubric_version", None)
    if "city" in fields:
        fields["city_id"] = fields.pop("city").pk
    return fields


class CampaignOpenApi(ApiView):
    @extend_schema(
        tags=["年度创建"],
        summary="开启年度创建：城市、年度、评估标准版本（开启后冻结）、各阶段截止时间与设置（市级管理员）",
        request=s.CampaignIn,
        responses={201: s.CampaignOut, **REFUSALS},
    )
    def post(self, request: Request) -> Response:
        require_role(request.user, "city", "开启年度创建")
        data = s.CampaignIn(data=request.data)
        data.is_valid(raise_exception=True)
        fields = _campaign_fields(request.user, data.validated_data)
        campaign = self.perform(workflow.campaign_open, **fields)
        return Response(s.CampaignOut(campaign).data, status=status.HTTP_201_CREATED)


class CampaignUpdateApi(ApiView):
    @extend_schema(
        tags=["年度创建"],
        summary="修改年度创建的截止时间与设置；已有申报后不能更换评估标准（市级管理员）",
        request=s.CampaignIn(partial=True),
        responses={200: s.CampaignOut, **REFUSALS},
    )
    def patch(self, request: Request, pk: int) -> Response:
        campaign = campaign_to_run(request.user, pk, doing="修改年度创建")
        data = s.CampaignIn(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        fields = _campaign_fields(request.user, data.validated_data)
        if "city_id" in fields and fields["city_id"] != campaign.city_id:
            raise ValidationError({"city": ["年度创建的城市不能更改"]})
        campaign = self.perform(workflow.campaign_update, campaign=campaign, **fields)
        return Response(s.CampaignOut(campaign).data)


class PublishApi(ApiView):
    @extend_schema(
        tags=["公布结果"],
        summary="公布认定结果并通知每所学校（市级管理员）",
        request=None,
        responses={200: s.CampaignOut, **REFUSALS},
    )
    def post(self, request: Request, pk: int) -> Response:
        campaign = campaign_to_run(request.user, pk, doing="公布结果")
        campaign = self.perform(workflow.campaign_publish, campaign=campaign)
        return Response(s.CampaignOut(campaign).data)


# --- expert review --------------------------------------------------------------------------


class ExpertScoreApi(ApiView):
    assignment: ExpertAssignment

    def conflict_data(self, current: Any) -> Any:
        return s.ExpertScoreRowOut(expert_rows(self.assignment, current.code)[0]).data

    @extend_schema(
        tags=["专家评审"],
        summary="保存一个指标的专家评分（评估专家，仅本人的任务）",
        parameters=[CODE],
        request=s.ExpertScoreIn,
        responses={200: s.ExpertScoreRowOut, 409: s.ExpertScoreConflictOut, **REFUSALS},
    )
    def put(self, request: Request, pk: int, code: str) -> Response:
        self.assignment = assignment_to_score(request.user, pk, doing="专家评分")
        data = _data(s.ExpertScoreIn, request)
        self.perform(
            workflow.expert_score_save,
            assignment=self.assignment,
            code=code,
            score=data["score"],
            clause_met=data["clause_met"],
            comment=data["comment"],
            expected_version=data["version"],
        )
        return Response(s.ExpertScoreRowOut(expert_rows(self.assignment, code)[0]).data)


class ExpertSubmitApi(ApiView):
    @extend_schema(
        tags=["专家评审"],
        summary="提交本人的评分（评估专家）；提交后不能再改",
        request=None,
        responses={200: s.AssignmentOut, **REFUSALS},
    )
    def post(self, request: Request, pk: int) -> Response:
        assignment = assignment_to_score(request.user, pk, doing="提交评分")
        assignment = self.perform(workflow.expert_submit, assignment=assignment)
        return Response(s.AssignmentOut(assignment).data)
