"""The school list's search and filters (django-filter), on an already scoped queryset."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import Q, QuerySet

from campuseval.accounts.scope import AnyUser

from .models import Region, School
from .selectors import regions_for


class SchoolFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="搜索",
        method="search",
        widget=forms.TextInput(
            attrs={"placeholder": "学校名称或标识码", "class": "form-control", "type": "search"}
        ),
    )
    county = django_filters.ModelChoiceFilter(
        label="县（市、区）",
        field_name="county",
        to_field_name="code",
        queryset=Region.objects.none(),
        empty_label="全部县（市、区）",
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    stage = django_filters.ChoiceFilter(
        label="学段",
        choices=School.Stage.choices,
        empty_label="全部学段",
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    location = django_filters.ChoiceFilter(
        label="城乡类别",
        choices=School.Location.choices,
        empty_label="城镇和乡村",
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    points = django_filters.ChoiceFilter(
        label="教学点",
        choices=[("only", "只看教学点"), ("none", "不含教学点")],
        empty_label="含教学点",
        method="teaching_points",
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    class Meta:
        model = School
        fields = ["q", "county", "stage", "location", "points"]

    def __init__(self, data: Any, queryset: QuerySet[School], *, user: AnyUser) -> None:
        super().__init__(data, queryset=queryset)
        county = self.filters["county"]
        county.queryset = regions_for(user).filter(level=Region.Level.COUNTY)

    def search(self, qs: QuerySet[School], name: str, value: str) -> QuerySet[School]:
        value = value.strip()
        return qs.filter(Q(name__icontains=value) | Q(code__startswith=value)) if value else qs

    def teaching_points(self, qs: QuerySet[School], name: str, value: str) -> QuerySet[School]:
        if value == "only":
            return qs.filter(stage=School.Stage.TEACHING_POINT)
        if value == "none":
            return qs.exclude(stage=School.Stage.TEACHING_POINT)
        return qs
