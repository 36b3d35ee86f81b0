"""The plans of the REST API (issue 9): the plans a user may see, one plan with every target's
progress as the status board shows it (``plans.progress`` through ``plans.presenters``), the
plan's workflow (submit, return, publish), progress reports (submit, accept or return) and
construction tasks.

Behind the gate "plans" (403 with its message), every object comes through ``plans.access``
as on the pages (404 outside scope); each write is one service of ``plans.services`` through
``ApiView.perform``, the rulebook's refusal (``PlanError``) a 400 with code ``workflow``.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from campuseval.accounts import gates
from campuseval.plans import access, services
from campuseval.plans.presenters import target_rows
from campuseval.plans.progress import plan_progress

from . import serializers as s
from .permissions import PERMISSIONS
from .views import REFUSALS, ApiView, _data

TAG = "规划与目标"
AS_OF = OpenApiParameter(
    "as_of", dt.date, description="进度截至日期（YYYY-MM-DD）；省略为今天。进度按当日已公布的认定结果、建设任务和已采纳的填报计算"
)
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def as_of_param(request: Request) -> dt.date | None:
    """``?as_of=YYYY-MM-DD``, or None; anything else is a 400 with a Chinese message."""
    raw = request.query_params.get("as_of", "").strip()
    if not raw:
        return None
    try:
        if not ISO_DATE.fullmatch(raw):
            raise ValueError(raw)
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise ValidationError({"as_of": [f"进度截至日期“{raw}”不是有效的日期，请写成 YYYY-MM-DD，例如 2026-06-30"]}) from None


class PlansGate:
    """The gate "plans" after authentication: the pages' ``@gate_required("plans")``."""

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)  # type: ignore[misc]
        gates.require(request.user, "plans")


class PlanApi(PlansGate, ApiView):
    pass


# --- reads ----------------------------------------------------------------------------------


class PlanListApi(PlansGate, generics.ListAPIView, ApiView):
    permission_classes = PERMISSIONS
    serializer_class = s.PlanOut

    def get_queryset(self) -> Any:
        return access.plans_for(self.request.user)

    @extend_schema(tags=[TAG], summary="我能看到的规划（教育局的管理员、处室用户和观察员）", responses={200: s.PlanOut(many=True), 403: s.ErrorOut})
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        tags=[TAG],
        summary="新建规划（草稿）：以本级教育局的名义；县级规划可响应本市已发布的规划并定提交截止（市、县级管理员）",
        request=s.PlanIn,
        responses={201: s.PlanOut, **REFUSALS},
    )
    def post(self, request: Request) -> Response:
        gates.require(request.user, "plan_makers")
        data = _data(s.PlanIn, request)
        code = data.pop("region")
        region = access.plan_regions(request.user).filter(code=code).first()
        if region is None:
            raise ValidationError({"region": [f"不能以区域“{code}”的名义制定规划：只能是您管理的市或县（市、区）"]})
        answers_id = data.pop("answers")
        answers = None
        if answers_id is not None:
            answers = access.answerable_plans(request.user).filter(pk=answers_id).first()
            if answers is None:
                raise ValidationError({"answers": [f"没有可以响应的规划 {answers_id}：只能响应本市已发布的规划"]})
        plan = self.perform(services.plan_create, region=region, answers=answers, **data)
        return Response(s.PlanOut(plan).data, status=status.HTTP_201_CREATED)


class PlanDetailApi(PlanApi):
    @extend_schema(
        tags=[TAG],
        summary="一项规划，含每个目标的进度：当前值、状态与理由、序时进度、预测、差距，以及各县的分解目标",
        parameters=[AS_OF],
        responses={200: s.PlanDetailOut, 400: s.ErrorOut, 403: s.ErrorOut, 404: s.ErrorOut},
    )
    def get(self, request: Request, pk: int) -> Response:
        plan = access.plan_for_viewer(request.user, pk)
        as_of = as_of_param(request)
        rows = target_rows(plan_progress(plan, as_of))
        data = {
            **s.PlanOut(plan).data,
            "as_of": (as_of or timezone.localdate()).isoformat(),
            "targets": s.TargetProgressOut(rows, many=True).data,
        }
        return Response(data)


class TargetAddApi(PlanApi):
    @extend_schema(
        tags=[TAG],
        summary="为草稿或退回修改的规划添加目标：覆盖率、数量或指标，进度来源与统计口径（规划制定单位的管理员）",
        request=s.TargetIn,
        responses={201: s.TargetOut, **REFUSALS},
    )
    def post(self, request: Request, pk: int) -> Response:
        gates.require(request.user, "plan_makers")
        plan = access.plan_run_by(request.user, pk)
        data = _data(s.TargetIn, request)
        departments = access.plan_departments(plan)
        lead_id, co_ids = data.pop("lead"), data.pop("co")
        lead = None
        if lead_id is not None:
            lead = departments.filter(pk=lead_id).first()
            if lead is None:
                raise ValidationError({"lead": [f"牵头处室 {lead_id} 不是{plan.region.name}的处室"]})
        co = list(departments.filter(pk__in=co_ids))
        unknown = sorted(set(co_ids) - {d.pk for d in co})
        if unknown:
            raise ValidationError({"co": [f"配合处室 {'、'.join(map(str, unknown))} 不是{plan.region.name}的处室"]})
        target = self.perform(services.target_add, plan=plan, lead=lead, co=co, **data)
        return Response(s.TargetOut(target).data, status=status.HTTP_201_CREATED)


# --- the plan's workflow --------------------------------------------------------------------


def _workflow_schema(summary: str, request: Any = None) -> Any:
    return extend_schema(tags=[TAG], summary=summary, request=request, responses={200: s.PlanOut, **REFUSALS})


class PlanSubmitApi(PlanApi):
    @_workflow_schema("提交响应上级规划的县级规划，由市级审核（县级管理员）；审核期间不能修改")
    def post(self, request: Request, pk: int) -> Response:
        plan = access.plan_run_by(request.user, pk)
        plan = self.perform(services.plan_submit, plan=plan)
        return Response(s.PlanOut(plan).data)


class PlanReturnApi(PlanApi):
    @_workflow_schema("退回已提交的县级规划修改，须填写理由（市级管理员）", s.PlanReturnIn)
    def post(self, request: Request, pk: int) -> Response:
        plan = access.plan_run_by(request.user, pk)
        reason = _data(s.PlanReturnIn, request)["reason"]
        plan = self.perform(services.plan_return, plan=plan, reason=reason)
        return Response(s.PlanOut(plan).data)


class PlanPublishApi(PlanApi):
    @_workflow_schema("发布本级规划，或采纳并发布已提交的县级规划；发布后目标不能再修改")
    def post(self, request: Request, pk: int) -> Response:
        plan = access.plan_run_by(request.user, pk)
        plan = self.perform(services.plan_publish, plan=plan)
        return Response(s.PlanOut(plan).data)


# --- progress reports and construction tasks -------------------------------------------------


class ReportSubmitApi(PlanApi):
    @extend_schema(
        tags=[TAG],
        summary="填报一个填报类指标的进度（规划制定单位的管理员、牵头处室）；由规划制定单位采纳后计入",
        request=s.ReportIn,
        responses={201: s.ReportOut, **REFUSALS},
    )
    def post(self, request: Request, pk: int) -> Response:
        target = access.target_reported_by(request.user, pk)
        data = _data(s.ReportIn, request)
        report = self.perform(services.report_submit, target=target, **data)
        return Response(s.ReportOut(report).data, status=status.HTTP_201_CREATED)


class ReportDecideApi(PlanApi):
    @extend_schema(
        tags=[TAG],
        summary="采纳或退回一次进度填报（规划制定单位的管理员；退回须填写理由）",
        request=s.ReportDecideIn,
        responses={200: s.ReportOut, **REFUSALS},
    )
    def post(self, request: Request, pk: int) -> Response:
        report = access.report_for_owner(request.user, pk)
        data = _data(s.ReportDecideIn, request)
        report = self.perform(services.report_decide, report=report, accept=data["accept"], reason=data["reason"])
        return Response(s.ReportOut(report).data)


class TaskUpdateApi(PlanApi):
    @extend_schema(
        tags=[TAG],
        summary="推进一项建设任务：状态（计划、在建、建成、验收通过）、开工、建成和验收日期、佐证（规划制定单位的管理员）",
        request=s.TaskUpdateIn,
        responses={200: s.TaskOut, **REFUSALS},
    )
    def patch(self, request: Request, pk: int) -> Response:
        task = access.task_run_by(request.user, pk)
        data = s.TaskUpdateIn(data=request.data, partial=True, context={"task": task})
        data.is_valid(raise_exception=True)
        task = self.perform(services.task_update, task=task, **data.validated_data)
        return Response(s.TaskOut(task).data)
