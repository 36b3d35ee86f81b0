"""Forms of the plan pages, with Chinese messages."""

from __future__ import annotations

from typing import Any

from django import forms

from .models import ConstructionTask


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
        status = data.get("status")
        if status in (ConstructionTask.Status.BUILT, ConstructionTask.Status.ACCEPTED) and not data.get("built_on"):
            self.add_error("built_on", "建成或验收通过的任务须填写建成日期")
        if status == ConstructionTask.Status.ACCEPTED and not data.get("accepted_on"):
            self.add_error("accepted_on", "验收通过的任务须填写验收日期")
        return data
