"""The plain reads: router viewsets over rubrics, schools, campaigns and assignments, the
application list and the published results; every queryset comes from an app's door.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import generics, viewsets
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from campuseval.accounts.gates import signed_in
from campuseval.accounts.scope import get_in_scope
from campuseval.campaigns import access
from campuseval.campaigns.selectors import (
    no_applications,
    published_applications,
    published_campaign,
)
from campuseval.regions.models import School
from campuseval.regions.selectors import schools_for
from campuseval.rubrics.selectors import rubric_get, rubric_list, rubric_versions
from campuseval.todo.presenters import todo_page

from . import serializers as s
from .filters import FILTERS, ApplicationFilter, CampaignFilter, RubricFilter, SchoolFilter
from .permissions import PERMISSIONS
from .presenters import campaign_quota, expert_rows


@extend_schema_view(
    list=extend_schema(tags=["评估标准"], summary="评估标准（各自的最新版本）"),
    retrieve=extend_schema(
        tags=["评估标准"],
        summary="一个评估标准的完整指标树",
        parameters=[OpenApiParameter("version", int, description="版本号；省略为最新版本")],
        responses={200: s.RubricDetailOut, 400: s.ErrorOut, 404: s.ErrorOut},
    ),
)
class RubricViewSet(viewsets.ReadOnlyModelViewSet):
    """Rubrics are public documents; the API still asks for a token."""

    permission_classes = PERMISSIONS
    serializer_class = s.RubricOut
    lookup_field = "code"
    lookup_value_regex = "[a-z0-9][a-z0-9-]*"
    filter_backends = FILTERS
    filterset_class = RubricFilter

    def get_queryset(self) -> Any:
        return rubric_list()

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        raw = request.query_params.get("version")
        if raw is not None and not raw.isdigit():
            raise ValidationError({"version": ["版本号须为正整数"]})
        rubric = rubric_get(code=kwargs["code"], version=int(raw) if raw else None)
        if rubric is None:
            raise NotFound("没有这个评估标准（或这个版本）")
        doc = {"rubric": rubric, "file": rubric.rubric_file(), "versions": rubric_versions(code=rubric.code)}
        return Response(s.RubricDetailOut(doc).data)


@extend_schema_view(
    list=extend_schema(tags=["学校"], summary="我能看到的学校"),
    retrieve=extend_schema(tags=["学校"], summary="一所学校", responses={200: s.SchoolOut, 404: s.ErrorOut}),
)
class SchoolViewSet(viewsets.ReadOnlyModelViewSet):
    permission_classes = PERMISSIONS
    serializer_class = s.SchoolOut
    lookup_field = "code"
    lookup_value_regex = r"\d{10}"
    filter_backends = FILTERS
    filterset_class = SchoolFilter

    def get_queryset(self) -> Any:
        return schools_for(self.request.user)

    def get_object(self) -> School:
        school: School = get_in_scope(self.get_queryset(), code=self.kwargs["code"])
        return school


@extend_schema_view(
    list=extend_schema(tags=["年度创建"], summary="我能看到的年度创建"),
    retrieve=extend_schema(
        tags=["年度创建"], summary="一次年度创建，含推荐名额", responses={200: s.CampaignDetailOut, 404: s.ErrorOut}
    ),
)
class CampaignViewSet(viewsets.ReadOnlyModelViewSet):
    permission_classes = PERMISSIONS
    serializer_class = s.CampaignOut
    lookup_value_regex = r"\d+"
    filter_backends = FILTERS
    filterset_class = CampaignFilter

    def get_queryset(self) -> Any:
        return access.campaigns_for(self.request.user)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        campaign = access.campaign_for_viewer(request.user, kwargs["pk"])
        context = {"quota": campaign_quota(request.user, campaign)}
        return Response(s.CampaignDetailOut(campaign, context=context).data)


@extend_schema_view(
    list=extend_schema(tags=["专家评审"], summary="我的评审任务（仅市级终评期间）"),
    retrieve=extend_schema(
        tags=["专家评审"], summary="一项评审任务及本人的评分", responses={200: s.AssignmentDetailOut, 404: s.ErrorOut}
    ),
)
class AssignmentViewSet(viewsets.ReadOnlyModelViewSet):
    permission_classes = PERMISSIONS
    serializer_class = s.AssignmentOut
    lookup_value_regex = r"\d+"

    def get_queryset(self) -> Any:
        return access.assignments_for(self.request.user)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        assignment = get_in_scope(self.get_queryset(), pk=kwargs["pk"])
        return Response(s.AssignmentDetailOut(assignment, context={"rows": expert_rows(assignment)}).data)


@extend_schema(tags=["申报"], summary="我能看到的申报")
class ApplicationListApi(generics.ListAPIView):
    permission_classes = PERMISSIONS
    serializer_class = s.ApplicationOut
    filter_backends = FILTERS
    filterset_class = ApplicationFilter

    def get_queryset(self) -> Any:
        return access.applications_for(self.request.user)


@extend_schema(tags=["公布结果"], summary="已公布的认定结果（公布前为 404）")
class ResultsApi(generics.ListAPIView):
    """The certified schools of a published campaign, as the public results page lists them.

    The page needs no log-in, so any signed-in user may read them; schools without a tier
    are not listed, and neither are scores.
    """

    permission_classes = PERMISSIONS
    serializer_class = s.PublishedResultOut

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):  # the schema generator, without a campaign
            return no_applications()
        campaign = published_campaign(self.kwargs["pk"])
        return published_applications(campaign)


@extend_schema(tags=["待办"], summary="我的待办：各角色到期要做的事和未读通知", responses={200: s.TodoOut})
class TodoApi(APIView):
    """What is due for the signed-in user, role by role, with the deadlines: the 待办 page's rows."""

    permission_classes = PERMISSIONS

    def get(self, request: Request) -> Response:
        return Response(s.TodoOut(todo_page(signed_in(request))).data)
