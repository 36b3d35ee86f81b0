"""The school list as a django-tables2 table: sortable, paginated, narrow on a phone."""

from __future__ import annotations

import django_tables2 as tables
from django_tables2.utils import A

from .models import School

# Columns that a phone does without (the detail page has them).
WIDE = {"th": {"class": "d-none d-md-table-cell"}, "td": {"class": "d-none d-md-table-cell"}}


class SchoolTable(tables.Table):
    code = tables.Column(
        verbose_name="学校标识码",
        linkify=("regions:school_detail", {"code": A("code")}),
        attrs={"th": WIDE["th"], "td": {"class": "d-none d-md-table-cell font-monospace"}},
    )
    name = tables.Column(
        verbose_name="学校名称", linkify=("regions:school_detail", {"code": A("code")})
    )
    county = tables.Column(
        verbose_name="县（市、区）", accessor="county__name", order_by=("county__code", "code")
    )
    stage = tables.Column(verbose_name="学段")
    location = tables.Column(verbose_name="城乡", attrs=WIDE)
    central_school = tables.Column(
        verbose_name="所属中心校",
        accessor="central_school__name",
        order_by=("central_school__code",),
        attrs=WIDE,
        default="",
    )

    class Meta:
        model = School
        fields = ("code", "name", "county", "stage", "location", "central_school")
        attrs = {"class": "table table-sm table-hover align-middle"}
        empty_text = "没有符合条件的学校"
        order_by = ("county", "code")
