"""Search and filters of the account list."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import Q, QuerySet

from campuseval.regions.models import Region

from . import scope
from .models import Role, RoleAssignment, User


def style_filter_form(form: forms.Form) -> None:
    """Bootstrap classes on a filter bar's widgets (rendered with {{ field }})."""
    for field in form.fields.values():
        select = isinstance(field.widget, forms.Select)
        field.widget.attrs["class"] = "form-select form-select-sm" if select else "form-control form-control-sm"


class UserFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="搜索", method="search")
    role = django_filters.ChoiceFilter(
        label="角色", choices=Role.choices, method="with_role", empty_label="全部角色"
    )
    region = django_filters.ChoiceFilter(label="区域", method="in_region", empty_label="全部区域")
    active = django_filters.ChoiceFilter(
        label="状态",
        choices=[("1", "启用"), ("0", "停用")],
        method="with_status",
        empty_label="全部状态",
    )

    class Meta:
        model = User
        fields: list[str] = []

    def __init__(self, *args: Any, regions: QuerySet[Region], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.regions = {r.code: r for r in regions}
        self.filters["region"].extra["choices"] = [
            (r.code, f"{r.code} {r.name}") for r in self.regions.values()
        ]
        self.form.fields["q"].widget = forms.TextInput(
            attrs={"placeholder": "用户名、姓名、电话或邮箱", "type": "search"}
        )
        style_filter_form(self.form)

    def search(self, qs: QuerySet[User], name: str, value: str) -> QuerySet[User]:
        value = value.strip()
        return qs.filter(
            Q(username__icontains=value)
            | Q(full_name__icontains=value)
            | Q(phone__icontains=value)
            | Q(email__icontains=value)
        )

    def with_role(self, qs: QuerySet[User], name: str, value: str) -> QuerySet[User]:
        return qs.filter(pk__in=RoleAssignment.objects.filter(role=value).values("user"))

    def in_region(self, qs: QuerySet[User], name: str, value: str) -> QuerySet[User]:
        prefix = scope.region_prefix(self.regions[value])
        held_there = RoleAssignment.objects.filter(
            Q(region__code__startswith=prefix) | Q(school__county__code__startswith=prefix)
        )
        return qs.filter(
            Q(pk__in=held_there.values("user")) | Q(home_county__code__startswith=prefix)
        )

    def with_status(self, qs: QuerySet[User], name: str, value: str) -> QuerySet[User]:
        return qs.filter(is_active=value == "1")
