"""The API's list filters (django-filter) over querysets the doors have already scoped."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db import connection, models
from django.db.models import Q
from django_filters.rest_framework import DjangoFilterBackend

from campuseval.campaigns.models import Application, Campaign, Status
from campuseval.regions.models import School
from campuseval.rubrics.models import Rubric

FILTERS = [DjangoFilterBackend]


def column_range(field: models.Field[Any, Any]) -> dict[str, int]:
    """The values an integer column holds (``min_value``/``max_value`` of a number filter): a
    number past them is refused with a 400 naming the filter, never sent to the database,
    where it overflows (a 500, issue 13)."""
    low, high = connection.ops.integer_field_range(field.get_internal_type())
    return {k: v for k, v in (("min_value", low), ("max_value", high)) if v is not None}


def id_filter(model: type[models.Model], field_name: str, help_text: str) -> django_filters.NumberFilter:
    """A filter by the numbers of ``model``'s rows (their primary key's range)."""
    return django_filters.NumberFilter(field_name=field_name, help_text=help_text, **column_range(model._meta.pk))


class BoundedFilterSet(django_filters.FilterSet):
    """A filter set whose number filters made from integer columns keep to their range."""

    @classmethod
    def filter_for_field(cls, field: Any, field_name: str, lookup_expr: str | None = None) -> Any:
        made = super().filter_for_field(field, field_name, lookup_expr)
        if isinstance(made, django_filters.NumberFilter) and isinstance(field, models.IntegerField):
            for key, value in column_range(field).items():
                made.extra.setdefault(key, value)
        return made


class RubricFilter(BoundedFilterSet):
    class Meta:
        model = Rubric
        fields = ["city", "kind", "year"]


class SchoolFilter(BoundedFilterSet):
    county = django_filters.CharFilter(field_name="county__code", help_text="县（市、区）行政区划代码")
    q = django_filters.CharFilter(method="search", help_text="学校名称或标识码中的文字")

    class Meta:
        model = School
        fields = ["county", "stage", "location", "q"]

    def search(self, queryset: Any, name: str, value: str) -> Any:
        return queryset.filter(Q(name__icontains=value) | Q(code__startswith=value))


class CampaignFilter(BoundedFilterSet):
    city = django_filters.CharFilter(field_name="city__code", help_text="城市行政区划代码")

    class Meta:
        model = Campaign
        fields = ["year", "city"]


class ApplicationFilter(BoundedFilterSet):
    campaign = id_filter(Campaign, "campaign_id", "年度创建编号")
    status = django_filters.ChoiceFilter(choices=Status.choices)
    county = django_filters.CharFilter(field_name="school__county__code", help_text="县（市、区）行政区划代码")
    school = django_filters.CharFilter(field_name="school__code", help_text="学校标识码")

    class Meta:
        model = Application
        fields = ["campaign", "status", "county", "school", "applied_tier"]
