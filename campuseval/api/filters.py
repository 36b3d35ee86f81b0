"""The API's list filters (django-filter) over querysets the doors have already scoped."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Q
from django_filters.rest_framework import DjangoFilterBackend

from campuseval.campaigns.models import Application, Campaign, Status
from campuseval.regions.models import School
from campuseval.rubrics.models import Rubric

FILTERS = [DjangoFilterBackend]


class RubricFilter(django_filters.FilterSet):
    class Meta:
        model = Rubric
        fields = ["city", "kind", "year"]


class SchoolFilter(django_filters.FilterSet):
    county = django_filters.CharFilter(field_name="county__code", help_text="县（市、区）行政区划代码")
    q = django_filters.CharFilter(method="search", help_text="学校名称或标识码中的文字")

    class Meta:
        model = School
        fields = ["county", "stage", "location", "q"]

    def search(self, queryset: Any, name: str, value: str) -> Any:
        return queryset.filter(Q(name__icontains=value) | Q(code__startswith=value))


class CampaignFilter(django_filters.FilterSet):
    city = django_filters.CharFilter(field_name="city__code", help_text="城市行政区划代码")

    class Meta:
        model = Campaign
        fields = ["year", "city"]


class ApplicationFilter(django_filters.FilterSet):
    campaign = django_filters.NumberFilter(field_name="campaign_id", help_text="年度创建编号")
    status = django_filters.ChoiceFilter(choices=Status.choices)
    county = django_filters.CharFilter(field_name="school__county__code", help_text="县（市、区）行政区划代码")
    school = django_filters.CharFilter(field_name="school__code", help_text="学校标识码")

    class Meta:
        model = Application
        fields = ["campaign", "status", "county", "school", "applied_tier"]
