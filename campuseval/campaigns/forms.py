"""Forms of the city's campaign pages: they validate input; the services do the writes."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any, cast

from django import forms
from django.db.models import F, QuerySet
from django.urls import reverse

from campuseval.regions.models import Region, School
from campuseval.rubrics.models import Rubric
from campuseval.rubrics.selectors import rubric_list

from .models import Campaign, Stage, Status
from .rules import TEXT_LIMITS

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"
DEADLINES = [
    "opens_at",
    "application_deadline",
    "county_review_deadline",
    "city_review_deadline",
    "publication_deadline",
]
SETTINGS = [
    "cap_at_applied_tier",
    "experts_per_application",
    "combine",
    "gap_share",
    "quota_total",
    "notice_days",
    "notice_contact",
]
QUOTA_PREFIX = "quota_tier_"


def _datetime_field(label: str, help_text: str = "") -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        help_text=help_text,
        input_formats=[DATETIME_FORMAT, "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
        widget=forms.DateTimeInput(
            attrs={"type": "datetime-local", "class": "form-control"}, format=DATETIME_FORMAT
        ),
        error_messages={"required": f"请填写{label}", "invalid": f"{label}不是有效的日期时间"},
    )


class RubricChoiceField(forms.ModelChoiceField[Rubric]):
    def label_from_instance(self, obj: Rubric) -> str:
        # Users know a rubric by its title and version; its code is for files and the API.
        return f"{obj.name}（第 {obj.version} 版）"


class CampaignForm(forms.Form):
    """A campaign's city, year, name, rubric version, five dates and settings.

    The per-tier quota inputs depend on the chosen rubric: one number per tier, built in
    ``__init__`` from the submitted (or initial) rubric.
    """

    city = forms.ModelChoiceField(
        label="城市",
        queryset=Region.objects.none(),
        empty_label=None,
        widget=forms.Select(attrs={"class": "form-select"}),
        error_messages={"required": "请选择城市", "invalid_choice": "请选择您管理的城市"},
    )
    year = forms.IntegerField(
        label="年度",
        min_value=2000,
        max_value=2100,
        widget=forms.NumberInput(attrs={"class": "form-control"}),
        error_messages={"required": "请填写年度", "invalid": "年度须为 4 位数字"},
    )
    name = forms.CharField(
        label="名称",
        max_length=100,
        widget=forms.TextInput(attrs={"class": "form-control"}),
        error_messages={"required": "请填写名称"},
    )
    rubric = RubricChoiceField(
        label="评估标准（版本）",
        queryset=Rubric.objects.none(),
        empty_label=None,
        help_text="只能选择各评估标准的最新版本；年度创建使用所选版本，有学校申报后不能更换。",
        widget=forms.Select(attrs={"class": "form-select"}),
        error_messages={"required": "请选择评估标准", "invalid_choice": "请选择评估标准的最新版本"},
    )
    opens_at = _datetime_field("开始时间")
    application_deadline = _datetime_field("申报与自评截止")
    county_review_deadline = _datetime_field("县级初评截止")
    city_review_deadline = _datetime_field("市级终评截止")
    publication_deadline = _datetime_field("认定与公布截止")
    cap_at_applied_tier = forms.BooleanField(
        label="认定等级不超过申报类型",
        required=False,
        initial=True,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )
    experts_per_application = forms.IntegerField(
        label="每份申报的专家数",
        min_value=1,
        max_value=15,
        initial=2,
        widget=forms.NumberInput(attrs={"class": "form-control"}),
        error_messages={
            "required": "请填写每份申报的专家数",
            "min_value": "每份申报的专家数至少为 1",
            "max_value": "每份申报的专家数最多为 15",
        },
    )
    combine = forms.ChoiceField(
        label="专家评分合成方式",
        choices=Campaign.Combine.choices,
        initial=Campaign.Combine.MEAN,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    gap_share = forms.DecimalField(
        label="分差提示阈值（占该指标分值的比例）",
        min_value=Decimal("0.01"),
        max_value=Decimal("1"),
        max_digits=3,
        decimal_places=2,
        initial=Decimal("0.50"),
        help_text="两位专家对同一指标的评分相差达到该指标分值的这个比例时，列入讨论；0.5 即一半。",
        widget=forms.NumberInput(attrs={"class": "form-control", "step": "0.01"}),
        error_messages={
            "required": "请填写分差提示阈值",
            "min_value": "分差提示阈值须在 0.01 到 1 之间",
            "max_value": "分差提示阈值须在 0.01 到 1 之间",
        },
    )
    quota_total = forms.IntegerField(
        label="每县推荐总数上限",
        required=False,
        min_value=0,
        help_text="留空表示不限。",
        widget=forms.NumberInput(attrs={"class": "form-control"}),
        error_messages={"min_value": "推荐总数上限不能为负数"},
    )
    notice_days = forms.IntegerField(
        label="公示期（工作日）",
        required=False,
        min_value=0,
        max_value=30,
        initial=0,
        help_text="认定后先公示名单（通常 5 个工作日），期满且异议均已处理后才能公布；留空或 0 表示不公示，认定后直接公布。",
        widget=forms.NumberInput(attrs={"class": "form-control"}),
        error_messages={
            "required": "请填写公示期（不公示填 0）",
            "min_value": "公示期须在 0 到 30 个工作日之间",
            "max_value": "公示期须在 0 到 30 个工作日之间",
        },
    )
    notice_contact = forms.CharField(
        label="异议受理方式",
        required=False,
        max_length=200,
        help_text="公示页面上告诉公众如何提出异议，例如：市教育局电教馆，电话 0523-XXXXXXX。",
        widget=forms.TextInput(attrs={"class": "form-control"}),
        error_messages={"max_length": "异议受理方式最多 200 个字"},
    )

    def __init__(
        self,
        data: Any = None,
        *,
        cities: QuerySet[Region],
        rubrics: QuerySet[Rubric] | None = None,
        rubric_locked: bool = False,
        city_locked: bool = False,
        initial: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(data, initial=initial)
        self.fields["city"].queryset = cities  # type: ignore[attr-defined]
        self.fields["rubric"].queryset = rubrics if rubrics is not None else rubric_list()  # type: ignore[attr-defined]
        self.fields["rubric"].widget.attrs.update(
            {
                "hx-get": reverse("campaigns:quota_fields"),
                "hx-target": "#quota-fields",
                "hx-trigger": "change",
                "hx-swap": "innerHTML",
            }
        )
        if rubric_locked:
            self.fields["rubric"].disabled = True
            self.fields["rubric"].help_text = "已有学校申报，评估标准版本已冻结。"
        if city_locked:
            self.fields["city"].disabled = True
        self.chosen_rubric = self._chosen_rubric()
        self.tier_names: list[str] = []
        if self.chosen_rubric is not None:
            self.tier_names = [t.name for t in self.chosen_rubric.engine_rubric().tiers]
        quotas = (initial or {}).get("quota_per_tier") or {}
        for n, tier in enumerate(self.tier_names):
            self.fields[f"{QUOTA_PREFIX}{n}"] = forms.IntegerField(
                label=f"“{tier}”每县推荐上限",
                required=False,
                min_value=0,
                initial=quotas.get(tier),
                widget=forms.NumberInput(attrs={"class": "form-control"}),
                error_messages={"min_value": f"“{tier}”推荐上限不能为负数", "invalid": f"“{tier}”推荐上限须为整数"},
            )

    def _chosen_rubric(self) -> Rubric | None:
        field = self.fields["rubric"]
        queryset: QuerySet[Rubric] = field.queryset  # type: ignore[attr-defined]
        raw = None if field.disabled or not self.is_bound else self.data.get("rubric")
        if raw is None:
            raw = self.initial.get("rubric")
        if isinstance(raw, Rubric):
            return raw
        if raw not in (None, ""):
            try:
                found = queryset.filter(pk=raw).first()
            except (TypeError, ValueError):
                found = None
            if found is not None:
                return found
        return queryset.first()

    def quota_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name.startswith(QUOTA_PREFIX)]

    def date_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in DEADLINES]

    def settings_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in SETTINGS]

    def service_fields(self) -> dict[str, Any]:
        """The cleaned values as the campaign services take them."""
        data = self.cleaned_data
        fields: dict[str, Any] = {name: data[name] for name in ["year", "name", *DEADLINES, *SETTINGS]}
        fields["notice_days"] = data.get("notice_days") or 0  # blank: no 公示
        fields["notice_contact"] = data.get("notice_contact") or ""
        fields["city_id"] = data["city"].pk
        fields["rubric_id"] = data["rubric"].pk
        fields["quota_per_tier"] = {
            tier: data[f"{QUOTA_PREFIX}{n}"]
            for n, tier in enumerate(self.tier_names)
            if data.get(f"{QUOTA_PREFIX}{n}") is not None
        }
        return fields


def campaign_initial(campaign: Campaign) -> dict[str, Any]:
    initial: dict[str, Any] = {
        name: getattr(campaign, name) for name in ["year", "name", *DEADLINES, *SETTINGS]
    }
    initial.update(city=campaign.city, rubric=campaign.rubric, quota_per_tier=campaign.quota_per_tier)
    return initial


REOPEN_STAGES = [
    (Stage.APPLICATION.value, Stage.APPLICATION.label),
    (Stage.COUNTY_REVIEW.value, Stage.COUNTY_REVIEW.label),
]


class SchoolChoiceField(forms.ModelChoiceField[School]):
    def label_from_instance(self, obj: School) -> str:
        return f"{obj.county.name} · {obj.name}（{obj.code}）"


class ReopenForm(forms.Form):
    """Reopen one stage for one school past its deadline; the reason is required."""

    school = SchoolChoiceField(
        label="学校",
        queryset=School.objects.none(),
        widget=forms.Select(attrs={"class": "form-select"}),
        error_messages={"required": "请选择学校", "invalid_choice": "请选择本市的学校"},
    )
    stage = forms.ChoiceField(
        label="阶段",
        choices=REOPEN_STAGES,
        widget=forms.Select(attrs={"class": "form-select"}),
        help_text="申报与自评：学校可再次填写和提交；县级初评：县级可再次评审、退回和推荐这所学校。",
    )
    until = _datetime_field("延长至")
    reason = forms.CharField(
        label="理由",
        max_length=2000,
        widget=forms.Textarea(attrs={"class": "form-control", "rows": 3}),
        error_messages={"required": "请填写重新开放的理由"},
    )

    def __init__(self, data: Any = None, *, schools: QuerySet[School]) -> None:
        super().__init__(data)
        self.fields["school"].queryset = schools  # type: ignore[attr-defined]


class DecideForm(forms.Form):
    """The city's decision on one application: a tier (blank: 未达标) and a reason if overridden."""

    tier = forms.ChoiceField(label="认定等级", required=False)
    reason = forms.CharField(label="理由", required=False, max_length=TEXT_LIMITS["note"])

    def __init__(self, data: Any = None, *, tier_names: list[str], no_tier: str = "未达标") -> None:
        super().__init__(data)
        self.fields["tier"].choices = [(t, t) for t in tier_names] + [("", no_tier)]  # type: ignore[attr-defined]
        self.fields["tier"].error_messages["invalid_choice"] = (
            f"认定等级须为：{'、'.join(tier_names)} 或 {no_tier}"
        )


# The county's queue: sorts by key -> (label, the ORM order; empty: by the engine's total).
QUEUE_SORTS: dict[str, tuple[str, list[Any]]] = {
    "submitted": ("提交时间（早→晚）", [F("submitted_at").asc(nulls_last=True), "school__code"]),
    "-submitted": ("提交时间（晚→早）", [F("submitted_at").desc(nulls_last=True), "school__code"]),
    "school": ("学校标识码", ["school__code"]),
    "name": ("学校名称", ["school__name", "school__code"]),
    "status": ("状态", ["status", "school__code"]),
    "tier": ("申报类型", ["tier_rank", "school__code"]),
    "-score": ("自评分（高→低）", []),
    "score": ("自评分（低→高）", []),
}


class QueueFilter(forms.Form):
    q = forms.CharField(label="学校", required=False, max_length=100)
    status = forms.ChoiceField(label="状态", required=False)
    tier = forms.ChoiceField(label="申报类型", required=False)
    stage = forms.ChoiceField(label="学段", required=False)
    sort = forms.ChoiceField(label="排序", required=False, choices=[(k, v[0]) for k, v in QUEUE_SORTS.items()])

    def __init__(self, *args: Any, tiers: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["q"].widget = forms.TextInput(attrs={"placeholder": "名称或标识码", "type": "search"})
        choices = {
            "status": [("", "全部（不含草稿）"), *Status.choices],
            "tier": [("", "全部类型"), *((t, t) for t in tiers)],
            "stage": [("", "全部学段"), *School.Stage.choices],
        }
        for name, options in choices.items():
            cast(forms.ChoiceField, self.fields[name]).choices = options
        for f in self.fields.values():
            select = isinstance(f.widget, forms.Select)
            f.widget.attrs["class"] = "form-select form-select-sm" if select else "form-control form-control-sm"

    def filters(self) -> dict[str, Any]:
        """The valid filters; a bad value is left out (its filter is not applied)."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return self.cleaned_data


PHONE = re.compile(r"^[0-9+\-() 转]{7,30}$")


class ApplicationForm(forms.Form):
    """The seed's 申报表: the school's own entries (its name and county come from its profile)."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    applied_tier = forms.ChoiceField(label="申报类型", required=False)
    head_name = forms.CharField(label="负责人（校长）", max_length=50, required=False)
    contact_name = forms.CharField(label="联系人", max_length=50, required=False)
    contact_phone = forms.CharField(label="联系电话", max_length=30, required=False)
    classes = forms.IntegerField(label="班级数", min_value=0, max_value=10000, required=False)
    students = forms.IntegerField(label="学生人数", min_value=0, max_value=100000, required=False)
    teachers = forms.IntegerField(label="教师数", min_value=0, max_value=10000, required=False)
    highlights = forms.CharField(label="亮点特色", max_length=TEXT_LIMITS["highlights"], required=False, widget=forms.Textarea)

    FIELDS = ("applied_tier", "head_name", "contact_name", "contact_phone", "classes", "students", "teachers", "highlights")

    def __init__(self, *args: Any, tiers: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["applied_tier"].choices = [("", "请选择"), *((t, t) for t in tiers)]  # type: ignore[attr-defined]

    def clean_contact_phone(self) -> str:
        phone = self.cleaned_data["contact_phone"].strip()
        if phone and not PHONE.match(phone):
            raise forms.ValidationError("联系电话只能包含数字、空格、+、-、括号（如 0550-1234567 或 13800000000）")
        return phone
