"""The 公示 through the API (city administrators): open it, list and record objections,
resolve one. The same services, door and rulebook as the pages (``campaigns/views/city_notice.py``)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from campuseval.campaigns import access
from campuseval.campaigns import services as workflow
from campuseval.campaigns.models import Objection
from campuseval.campaigns.selectors.city import objections_of

from . import serializers as s
from .views import REFUSALS, ApiView, _data


class ObjectionOut(serializers.ModelSerializer):
    school = serializers.CharField(source="application.school.name", read_only=True)
    state_label = serializers.CharField(source="get_state_display", read_only=True)

    class Meta:
        model = Objection
        fields = [
            "id", "application", "school", "submitter", "contact", "text", "evidence", "received_on", "state",
            "state_label", "resolution", "resolved_at",
        ]


class ObjectionIn(serializers.Serializer):
    application = serializers.IntegerField(help_text="涉及学校的申报编号（公示名单中的）")
    submitter = serializers.CharField(max_length=100)
    contact = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    text = serializers.CharField(max_length=5000)
    evidence = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    received_on = serializers.DateField(required=False, allow_null=True, default=None)


class ResolveIn(serializers.Serializer):
    upheld = serializers.BooleanField(help_text="异议成立为 true")
    reason = serializers.CharField(max_length=2000)
    tier = serializers.CharField(
        required=False, allow_null=True, allow_blank=True, default=None,
        help_text="异议成立时改判的等级（空字符串为未达标）；省略则不改变认定",
    )


class NoticeOpenApi(ApiView):
    @extend_schema(tags=["公示"], summary="开始公示认定名单（市级管理员）", request=None, responses={200: s.CampaignOut, **REFUSALS})
    def post(self, request: Request, pk: int) -> Response:
        campaign = access.campaign_run_by(request.user, pk)
        return Response(s.CampaignOut(self.perform(workflow.notice_open, campaign=campaign)).data)


class ObjectionsApi(ApiView):
    @extend_schema(tags=["公示"], summary="公示收到的异议（未处理的在前）", responses={200: ObjectionOut(many=True)})
    def get(self, request: Request, pk: int) -> Response:
        campaign = access.campaign_run_by(request.user, pk)
        return Response(ObjectionOut(objections_of(campaign), many=True).data)

    @extend_schema(tags=["公示"], summary="登记收到的异议", request=ObjectionIn, responses={201: ObjectionOut, **REFUSALS})
    def post(self, request: Request, pk: int) -> Response:
        campaign = access.campaign_run_by(request.user, pk)
        data: dict[str, Any] = _data(ObjectionIn, request)
        application = access.application_for_city(request.user, data.pop("application"), campaign)
        objection = self.perform(workflow.objection_record, campaign=campaign, application=application, **data)
        return Response(ObjectionOut(objection).data, status=status.HTTP_201_CREATED)


class ObjectionResolveApi(ApiView):
    @extend_schema(tags=["公示"], summary="处理异议（写明理由；成立时可改判）", request=ResolveIn, responses={200: ObjectionOut, **REFUSALS})
    def post(self, request: Request, pk: int, objection_id: int) -> Response:
        campaign = access.campaign_run_by(request.user, pk)
        objection = access.objection_for_city(request.user, campaign, objection_id)
        data = _data(ResolveIn, request)
        objection = self.perform(workflow.objection_resolve, objection=objection, **data)
        return Response(ObjectionOut(objection).data)
