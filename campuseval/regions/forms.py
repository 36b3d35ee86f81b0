"""Forms for regions, schools and facts: they check the input; services check the rules."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db.models import QuerySet
from django.utils import timezone

from .models import REGION_CODE, Region, School, SchoolFacts, validate_school_code

# Mobile (13800000000), landline with area code (0550-1234567), optional extension (转 801).
PHONE_RE = re.compile(r"^(\+?86[- ]?)?(1\d{10}|0\d{2,3}-?\d{7,8}(-\d{1,6}|转\d{1,6})?)$")
validate_phone = RegexValidator(
    PHONE_RE, "联系电话格式不正确：应为 11 位手机号或带区号的固定电话（如 0550-1234567）"
)
YEAR_MIN, YEAR_MAX = 2000, 2100


def current_year() -> int:
    return timezone.localdate().year


class RegionForm(forms.Form):
    code = forms.CharField(label="行政区划代码", max_length=6, validators=[REGION_CODE])
    name = forms.CharField(label="名称", max_length=50)
    level = forms.ChoiceField(label="级别", choices=Region.Level.choices)
    parent = forms.ModelChoiceField(
        label="上级区域",
        queryset=Region.objects.exclude(level=Region.Level.COUNTY),
        required=False,
        empty_label="（无，省级区域）",
        help_text="市的上级为省，县（市、区）的上级为市。",
    )


class SchoolForm(forms.Form):
    """The whole profile, for administrators of the school's county."""

    code = forms.CharField(
        label="学校标识码",
        max_length=10,
        validators=[validate_school_code],
        help_text="10 位数字：2 位学校类别 + 2 位省代码 + 6 位序号。",
    )
    name = forms.CharField(label="学校名称", max_length=100)
    stage = forms.ChoiceField(label="学段", choices=School.Stage.choices)
    location = forms.ChoiceField(label="城乡类别", choices=School.Location.choices)
    county = forms.ModelChoiceField(label="所属县（市、区）", queryset=Region.objects.none())
    central_school_code = forms.CharField(
        label="所属中心校（学校标识码）",
        max_length=10,
        required=False,
        help_text="仅教学点填写：所隶属中心校的 10 位学校标识码。",
    )
    address = forms.CharField(label="地址", max_length=200, required=False)
    head_name = forms.CharField(label="校长（负责人）", max_length=50, required=False)
    contact_name = forms.CharField(label="联系人", max_length=50, required=False)
    contact_phone = forms.CharField(
        label="联系电话", max_length=30, required=False, validators=[validate_phone]
    )

    def __init__(
        self,
        *args: Any,
        counties: QuerySet[Region],
        visible_schools: QuerySet[School],
        editing: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        county_field = self.fields["county"]
        assert isinstance(county_field, forms.ModelChoiceField)
        county_field.queryset = counties
        self.visible_schools = visible_schools
        if editing:
            # The 学校标识码 identifies the school (and its imports); it is not edited here.
            del self.fields["code"]

    def clean_central_school_code(self) -> School | None:
        code = self.cleaned_data["central_school_code"].strip()
        if not code:
            return None
        central = self.visible_schools.filter(code=code).first()
        if central is None:
            raise ValidationError(f"找不到学校标识码为 {code} 的学校，或该校不在您的管理范围内")
        return central

    def service_fields(self) -> dict[str, Any]:
        """The cleaned data under the names the school services take."""
        data = dict(self.cleaned_data)
        data["central_school"] = data.pop("central_school_code")
        return data


class SchoolContactForm(forms.Form):
    """What a school user may change on the own school."""

    address = forms.CharField(label="地址", max_length=200, required=False)
    head_name = forms.CharField(label="校长（负责人）", max_length=50, required=False)
    contact_name = forms.CharField(label="联系人", max_length=50, required=False)
    contact_phone = forms.CharField(
        label="联系电话", max_length=30, required=False, validators=[validate_phone]
    )

    def service_fields(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


class FactsForm(forms.ModelForm):
    """One year's facts. Never saved by the form: ``facts_save`` writes them."""

    year = forms.IntegerField(label="年度", min_value=YEAR_MIN, max_value=YEAR_MAX)

    class Meta:
        model = SchoolFacts
        fields = ["year", *SchoolFacts.NUMBER_FIELDS]

    def __init__(self, *args: Any, school: School, year: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.school = school
        self.fixed_year = year
        if year is not None:
            del self.fields["year"]
        else:
            self.fields["year"].initial = current_year()
        for field in self.fields.values():
            field.widget.attrs.setdefault("inputmode", "decimal")

    def clean_year(self) -> int:
        year: int = self.cleaned_data["year"]
        if SchoolFacts.objects.filter(school=self.school, year=year).exists():
            raise ValidationError(f"{year} 年的数据已经存在，请在历史表中点“编辑”修改")
        return year

    def facts_year(self) -> int:
        return self.fixed_year if self.fixed_year is not None else self.cleaned_data["year"]

    def values(self) -> dict[str, Any]:
        return {name: self.cleaned_data.get(name) for name in SchoolFacts.NUMBER_FIELDS}


def initial_facts(facts: SchoolFacts) -> dict[str, Any]:
    return {name: getattr(facts, name) for name in SchoolFacts.NUMBER_FIELDS}

