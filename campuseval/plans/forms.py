"""Forms of the plan pages, with Chinese messages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from campuseval.regions.models import Department, Region

from .models import ConstructionTask, Plan, Target


def _date(label: str, required: bool = True) -> forms.DateField:
    return forms.DateField(
        label=label, required=required, widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}),
        error_messages={"required": f"请填写{label}", "invalid": f"{label}不是有效的日期（例如 2026-06-30）"},
    )


class AsOfForm(forms.Form):
    """The status board as of a date (进度截至)."""

    as_of = _date("进度截至", required=False)


class ReportForm(forms.Form):
    as_of = _date("截至日期")
    value = forms.DecimalField(
        label="进度值", required=False, min_value=0, max_digits=12, decimal_places=2,
        widget=forms.NumberInput(attrs={"class": "form-control", "step": "any"}),
        error_messages={"invalid": "进度值须为数字", "min_value": "进度值不能为负数"},
    )
    achieved = forms.BooleanField(label="里程碑已完成", required=False)
    note = forms.CharField(
        label="进展说明", required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control", "data-maxlength": 2000}),
        error_messages={"max_length": "进展说明最多 2000 字"},
    )
    evidence = forms.CharField(
        label="佐证（文件名或链接）", required=False, max_length=300,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label="理由", max_length=2000, widget=forms.Textarea(attrs={"rows": 2, "class": "form-control", "data-maxlength": 2000}),
        error_messages={"required": "请填写理由", "max_length": "理由最多 2000 字"},
    )


class TaskForm(forms.Form):
    status = forms.ChoiceField(label="状态", choices=ConstructionTask.Status.choices, widget=forms.Select(attrs={"class": "form-select form-select-sm"}))
    built_on = _date("建成日期", required=False)
    accepted_on = _date("验收日期", required=False)
    evidence = forms.CharField(label="佐证", required=False, max_length=300, widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        problems = ConstructionTask.date_problems(data.get("status", ""), data.get("built_on"), data.get("accepted_on"))
        for name, message in problems.items():
            self.add_error(name, message)
        return data


class PlanForm(forms.Form):
    """A new plan: the bureau (a region the user runs), years, source; a county plan may answer
    a published city plan and be due by a date."""

    region = forms.ModelChoiceField(
        label="制定单位", queryset=Region.objects.none(), empty_label=None,
        widget=forms.Select(attrs={"class": "form-select"}), error_messages={"required": "请选择制定单位"},
    )
    title = forms.CharField(
        label="名称", max_length=200, widget=forms.TextInput(attrs={"class": "form-control"}),
        error_messages={"required": "请填写规划名称", "max_length": "名称最多 200 字"},
    )
    start_year = forms.IntegerField(
        label="起始年度", min_value=2000, max_value=2100, widget=forms.NumberInput(attrs={"class": "form-control"}),
        error_messages={"required": "请填写起始年度", "invalid": "起始年度须为年份", "min_value": "年度不早于 2000", "max_value": "年度不晚于 2100"},
    )
    end_year = forms.IntegerField(
        label="截止年度", min_value=2000, max_value=2100, widget=forms.NumberInput(attrs={"class": "form-control"}),
        error_messages={"required": "请填写截止年度", "invalid": "截止年度须为年份", "min_value": "年度不早于 2000", "max_value": "年度不晚于 2100"},
    )
    source = forms.CharField(
        label="依据文件", required=False, max_length=300, widget=forms.TextInput(attrs={"class": "form-control"}),
        help_text="文件名称和文号，如 某教育局《关于……的通知》（某教发〔2026〕1号）附件2",
    )
    answers = forms.ModelChoiceField(
        label="响应的上级规划", required=False, queryset=Plan.objects.none(),
        widget=forms.Select(attrs={"class": "form-select"}), help_text="县级规划响应市级规划时选择；提交后由市级采纳或退回",
    )
    submit_by = _date("提交截止", required=False)

    def __init__(self, data: Any = None, *, regions: QuerySet[Region], answerable: QuerySet[Plan]) -> None:
        super().__init__(data)
        self.fields["region"].queryset = regions  # type: ignore[attr-defined]
        self.fields["answers"].queryset = answerable  # type: ignore[attr-defined]



class TargetForm(forms.Form):
    """A target of a plan: what, by when, and how its progress is measured."""

    text = forms.CharField(
        label="目标", max_length=300, widget=forms.TextInput(attrs={"class": "form-control"}),
        error_messages={"required": "请填写目标", "max_length": "目标最多 300 字"},
    )
    project = forms.CharField(label="所属工程或类别", required=False, max_length=100, widget=forms.TextInput(attrs={"class": "form-control"}))
    kind = forms.ChoiceField(label="类型", choices=Target.Kind.choices, widget=forms.Select(attrs={"class": "form-select"}))
    measure = forms.ChoiceField(label="进度来源", choices=Target.Measure.choices, widget=forms.Select(attrs={"class": "form-select"}))
    year = forms.IntegerField(
        label="目标年度", min_value=2000, max_value=2100, widget=forms.NumberInput(attrs={"class": "form-control"}),
        error_messages={"required": "请填写目标年度", "invalid": "目标年度须为年份"},
    )
    due = _date("截止日期")
    cumulative = forms.BooleanField(label="累计（自规划起始累计；不勾选为仅本年度）", required=False, initial=True)
    value = forms.DecimalField(
        label="目标值", required=False, min_value=0, max_digits=12, decimal_places=2,
        widget=forms.NumberInput(attrs={"class": "form-control", "step": "any"}),
        error_messages={"invalid": "目标值须为数字", "min_value": "目标值不能为负数"},
    )
    unit = forms.CharField(label="单位", required=False, max_length=20, initial="所", widget=forms.TextInput(attrs={"class": "form-control"}))
    milestone = forms.CharField(label="里程碑", required=False, max_length=300, widget=forms.TextInput(attrs={"class": "form-control"}))
    tier = forms.ChoiceField(label="等级（及以上）", required=False, widget=forms.Select(attrs={"class": "form-select"}))
    scope = forms.ChoiceField(label="学校范围", choices=Target.Scope.choices, widget=forms.Select(attrs={"class": "form-select"}))
    category = forms.CharField(label="建设任务类别", required=False, max_length=100, widget=forms.TextInput(attrs={"class": "form-control"}))
    fact_expr = forms.CharField(
        label="基础数据条件", required=False, max_length=200, widget=forms.TextInput(attrs={"class": "form-control"}),
        help_text="进度来源为学校基础数据时填写：数据名或算式（与评估标准的核查相同），如 internet_bandwidth_mbps",
    )
    fact_min = forms.DecimalField(
        label="条件下限", required=False, max_digits=12, decimal_places=2,
        widget=forms.NumberInput(attrs={"class": "form-control", "step": "any"}), error_messages={"invalid": "条件下限须为数字"},
    )
    lead = forms.ModelChoiceField(
        label="牵头处室", required=False, queryset=Department.objects.none(), widget=forms.Select(attrs={"class": "form-select"})
    )
    report_by = _date("填报截止", required=False)

    def __init__(self, data: Any = None, *, tiers: list[str], departments: QuerySet[Department]) -> None:
        super().__init__(data, initial={"cumulative": True, "unit": "所"})
        self.fields["tier"].choices = [("", "任一等级"), *[(t, t) for t in tiers]]  # type: ignore[attr-defined]
        self.fields["lead"].queryset = departments  # type: ignore[attr-defined]
