"""The plain reads: router viewsets over rubrics, schools, campaigns and assignments, the
application list and the published results; every queryset comes from accounts.scope.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django.shortcuts import get_object_or_404
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import generics, viewsets
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from campuseval.accounts.models import Role, RoleAssignment, User
from campuseval.accounts.scope import (
    applications_for,
    assignments_for,
    campaigns_for,
    get_in_scope,
    is_platform_admin,
    schools_for,
)
from campuseval.campaigns import services as workflow
from campuseval.campaigns.models import Application, Campaign, Status
from campuseval.campaigns.selectors import published_applications
from campuseval.regions.models import Region, School
from campuseval.rubrics.models import Rubric
from campuseval.rubrics.selectors import rubric_get, rubric_list, rubric_versions

from . import serializers as s
from .permissions import PERMISSIONS
from .presenters import expert_rows


class RubricFilter(django_filters.FilterSet):
    class Meta:
        model = Rubric
        fields = ["city", "kind", "year"]


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
    filter_backends = [DjangoFilterBackend]
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


class SchoolFilter(django_filters.FilterSet):
    county = django_filters.CharFilter(field_name="county__code", help_text="县（市、区）行政区划代码")
    q = django_filters.CharFilter(method="search", help_text="学校名称或标识码中的文字")

    class Meta:
        model = School
        fields = ["county", "stage", "location", "q"]

    def search(self, queryset: Any, name: str, value: str) -> Any:
        from django.db.models import Q

        return queryset.filter(Q(name__icontains=value) | Q(code__startswith=value))


@extend_schema_view(
    list=extend_schema(tags=["学校"], summary="我能看到的学校"),
    retrieve=extend_schema(tags=["学校"], summary="一所学校", responses={200: s.SchoolOut, 404: s.ErrorOut}),
)
class SchoolViewSet(viewsets.ReadOnlyModelViewSet):
    permission_classes = PERMISSIONS
    serializer_class = s.SchoolOut
    lookup_field = "code"
    lookup_value_regex = r"\d{10}"
    filter_backends = [DjangoFilterBackend]
    filterset_class = SchoolFilter

    def get_queryset(self) -> Any:
        return schools_for(self.request.user)

    def get_object(self) -> School:
        school: School = get_in_scope(self.get_queryset(), code=self.kwargs["code"])
        return school


class CampaignFilter(django_filters.FilterSet):
    city = django_filters.CharFilter(field_name="city__code", help_text="城市行政区划代码")

    class Meta:
        model = Campaign
        fields = ["year", "city"]


def _quota(user: User, campaign: Campaign) -> list[dict[str, Any]]:
    """Every county's quota for the city (and platform) administrators, the own for counties."""
    counties = Region.objects.filter(parent=campaign.city, level=Region.Level.COUNTY)
    if not (is_platform_admin(user) or campaigns_for(user, write=True).filter(pk=campaign.pk).exists()):
        own = RoleAssignment.objects.filter(user=user, role=Role.COUNTY_ADMIN).values("region_id")
        counties = counties.filter(pk__in=own)
    rows = []
    for county in counties:
        usage = workflow.quota_usage(campaign, county)
        tiers = [{"tier": name, **t} for name, t in usage["tiers"].items()]
        rows.append({"county": county, "used": usage["used"], "cap": usage["cap"], "tiers": tiers})
    return rows


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
    filter_backends = [DjangoFilterBackend]
    filterset_class = CampaignFilter

    def get_queryset(self) -> Any:
        return campaigns_for(self.request.user)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        campaign = get_in_scope(self.get_queryset(), pk=kwargs["pk"])
        context = {"quota": _quota(request.user, campaign)}
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
        return assignments_for(self.request.user).select_related("application__campaign")

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        assignment = get_in_scope(self.get_queryset(), pk=kwargs["pk"])
        return Response(s.AssignmentDetailOut(assignment, context={"rows": expert_rows(assignment)}).data)


class ApplicationFilter(django_filters.FilterSet):
    campaign = django_filters.NumberFilter(field_name="campaign_id", help_text="年度创建编号")
    status = django_filters.ChoiceFilter(choices=Status.choices)
    county = django_filters.CharFilter(field_name="school__county__code", help_text="县（市、区）行政区划代码")
    school = django_filters.CharFilter(field_name="school__code", help_text="学校标识码")

    class Meta:
        model = Application
        fields = ["campaign", "status", "county", "school", "applied_tier"]


@extend_schema(tags=["申报"], summary="我能看到的申报")
class ApplicationListApi(generics.ListAPIView):
    permission_classes = PERMISSIONS
    serializer_class = s.ApplicationOut
    filter_backends = [DjangoFilterBackend]
    filterset_class = ApplicationFilter

    def get_queryset(self) -> Any:
        return applications_for(self.request.user)


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
            return Application.objects.none()
        campaign = get_object_or_404(Campaign, pk=self.kwargs["pk"], published_at__isnull=False)
        return published_applications(campaign)
