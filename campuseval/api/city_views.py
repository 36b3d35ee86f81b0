"""The city's and the experts' operations of the REST API: assign experts, decide, open and
change campaigns, publish; the experts' scores and submission. One view per operation, each
calling one service through ``ApiView.perform`` (see ``views``)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from campuseval.accounts import gates
from campuseval.accounts.models import User
from campuseval.accounts.selectors import user_by_username
from campuseval.campaigns import access
from campuseval.campaigns import services as workflow
from campuseval.campaigns.models import ExpertAssignment
from campuseval.campaigns.selectors.stages import endable_stage, stage_end
from campuseval.rubrics.selectors import rubric_get

from . import serializers as s
from .presenters import application_data, expert_rows
from .views import CODE, REFUSALS, ApiView, _data, _transition_schema


class DecideApi(ApiView):
    @_transition_schema("市级终评", "认定等级（市级管理员；与评分得出的等级不同须填写理由）", s.DecideIn)
    def post(self, request: Request, pk: int) -> Response:
        application = access.application_for_city(request.user, pk)
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
        application = access.application_for_city(request.user, pk)
        username = _data(s.ExpertAssignIn, request)["expert"]
        expert = user_by_username(username)
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
        campaign = access.campaign_run_by(request.user, pk)
        report = self.perform(workflow.experts_assign_auto, campaign=campaign)
        return Response(s.AssignReportOut(report).data)


def _campaign_fields(user: User, data: dict[str, Any]) -> dict[str, Any]:
    """Service fields from CampaignIn data: the city among the user's, the rubric version."""
    fields = dict(data)
    if "city" in fields:
        city = access.cities_run_by(user).filter(code=fields.pop("city")).first()
        if city is None:
            raise ValidationError({"city": ["不是您管理的城市"]})
        fields["city_id"] = city.pk
    if "rubric" in fields:
        rubric = rubric_get(code=fields.pop("rubric"), version=fields.pop("rubric_version", None))
        if rubric is None:
            raise ValidationError({"rubric": ["没有这个评估标准（或版本）"]})
        fields["rubric_id"] = rubric.pk
    fields.pop("rubric_version", None)
    return fields


class CampaignOpenApi(ApiView):
    @extend_schema(
        tags=["年度创建"],
        summary="开启年度创建：城市、年度、评估标准版本（开启后冻结）、各阶段截止时间与设置（市级管理员）",
        request=s.CampaignIn,
        responses={201: s.CampaignOut, **REFUSALS},
    )
    def post(self, request: Request) -> Response:
        gates.require(request.user, "city")
        data = s.CampaignIn(data=request.data)
        data.is_valid(raise_exception=True)
        fields = _campaign_fields(request.user, data.validated_data)
        campaign = self.perform(workflow.campaign_open, **fields)
        return Response(s.CampaignOut(campaign).data, status=status.HTTP_201_CREATED)


class CampaignUpdateApi(ApiView):
    @extend_schema(
        tags=["年度创建"],
        summary="修改年度创建的截止时间与设置；已有申报后不能更换评估标准（市级管理员）",
        request=s.CampaignUpdateIn(partial=True),
        responses={200: s.CampaignOut, **REFUSALS},
    )
    def patch(self, request: Request, pk: int) -> Response:
        campaign = access.campaign_run_by(request.user, pk)
        data = s.CampaignUpdateIn(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        fields = _campaign_fields(request.user, data.validated_data)
        confirmed = bool(fields.pop("confirm_stage_end", False))
        if "city_id" in fields and fields["city_id"] != campaign.city_id:
            raise ValidationError({"city": ["年度创建的城市不能更改"]})
        campaign = self.perform(
            workflow.campaign_update, campaign=campaign, confirm_stage_end=confirmed, **fields
        )
        return Response(s.CampaignOut(campaign).data)


class EndStageApi(ApiView):
    @extend_schema(
        tags=["年度创建"],
        summary="结束正在进行的阶段会锁定什么：各县各状态的申报数、未申报的学校、未提交的评审（市级管理员）",
        responses={200: s.StageEndOut, **REFUSALS},
    )
    def get(self, request: Request, pk: int) -> Response:
        campaign = access.campaign_run_by(request.user, pk)
        running = endable_stage(campaign)
        if running is None:
            raise ValidationError({"stage": ["现在没有可以提前结束的阶段"]})
        return Response(s.StageEndOut(stage_end(campaign, running)).data)

    @extend_schema(
        tags=["年度创建"],
        summary="立即结束正在进行的阶段（截止时间改为现在），进入下一阶段并通知有关的县、学校和专家（市级管理员）",
        request=s.StageEndIn,
        responses={200: s.CampaignOut, **REFUSALS},
    )
    def post(self, request: Request, pk: int) -> Response:
        campaign = access.campaign_run_by(request.user, pk)
        stage = _data(s.StageEndIn, request)["stage"]
        campaign = self.perform(workflow.campaign_end_stage, campaign=campaign, stage=stage)
        return Response(s.CampaignOut(campaign).data)


class PublishApi(ApiView):
    @extend_schema(
        tags=["公布结果"],
        summary="公布认定结果并通知每所学校（市级管理员）",
        request=None,
        responses={200: s.CampaignOut, **REFUSALS},
    )
    def post(self, request: Request, pk: int) -> Response:
        campaign = access.campaign_run_by(request.user, pk)
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
        self.assignment = access.assignment_for_expert(request.user, pk)
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
        assignment = access.assignment_for_expert(request.user, pk)
        assignment = self.perform(workflow.expert_submit, assignment=assignment)
        return Response(s.AssignmentOut(assignment).data)
