"""Filters of the audit trail: who, what, when, where."""

from __future__ import annotations

import datetime as dt
from typing import Any

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone

from campuseval.accounts import scope
from campuseval.accounts.filters import style_filter_form
from campuseval.accounts.models import User
from campuseval.regions.models import Region

from .models import AuditRecord
from .presenters import object_type_choices


def _day_start(day: dt.date) -> dt.datetime:
    # Days are the user's days (Asia/Shanghai), and a range on `at` keeps its index usable.
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


class AuditFilter(django_filters.FilterSet):
    who = django_filters.CharFilter(label="操作人", method="by_actor")
    action = django_filters.ChoiceFilter(
        label="操作", choices=AuditRecord.Action.choices, empty_label="全部操作"
    )
    object_type = django_filters.ChoiceFilter(label="对象类型", empty_label="全部类型")
    what = django_filters.CharFilter(label="对象", method="by_object")
    since = django_filters.DateFilter(
        label="起始日期", method="from_day", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    until = django_filters.DateFilter(
        label="截止日期", method="to_day", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    region = django_filters.ChoiceFilter(label="区域", method="in_region", empty_label="全部区域")

    class Meta:
        model = AuditRecord
        fields: list[str] = []

    def __init__(self, *args: Any, regions: QuerySet[Region], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.regions = {r.code: r for r in regions}
        self.filters["region"].extra["choices"] = [
            (r.code, f"{r.code} {r.name}") for r in self.regions.values()
        ]
        self.filters["object_type"].extra["choices"] = object_type_choices()
        self.form.fields["who"].widget.attrs["placeholder"] = "用户名或姓名"
        self.form.fields["what"].widget.attrs["placeholder"] = "对象名称或编号"
        style_filter_form(self.form)

    def by_actor(self, qs: QuerySet[AuditRecord], name: str, value: str) -> QuerySet[AuditRecord]:
        value = value.strip()
        named = User.objects.filter(full_name__icontains=value).values("pk")
        return qs.filter(Q(actor_name__icontains=value) | Q(actor_id__in=named))

    def by_object(self, qs: QuerySet[AuditRecord], name: str, value: str) -> QuerySet[AuditRecord]:
        value = value.strip()
        return qs.filter(Q(object_repr__icontains=value) | Q(object_id=value))

    def from_day(self, qs: QuerySet[AuditRecord], name: str, value: dt.date) -> QuerySet[AuditRecord]:
        return qs.filter(at__gte=_day_start(value))

    def to_day(self, qs: QuerySet[AuditRecord], name: str, value: dt.date) -> QuerySet[AuditRecord]:
        return qs.filter(at__lt=_day_start(value + dt.timedelta(days=1)))

    def in_region(self, qs: QuerySet[AuditRecord], name: str, value: str) -> QuerySet[AuditRecord]:
        return qs.filter(region_code__startswith=scope.region_prefix(self.regions[value]))

    def applied(self) -> dict[str, str]:
        """The filters in use, as text, for the export's own audit record."""
        if not self.is_bound:
            return {}
        self.form.is_valid()  # an invalid field is left out of cleaned_data, as from the query
        return {k: str(v) for k, v in self.form.cleaned_data.items() if v not in (None, "")}
