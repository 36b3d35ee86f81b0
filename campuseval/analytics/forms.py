"""The dashboards' choices: the year of the campaigns and the day to look back to; the map upload."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.utils import timezone

MAX_GEOJSON_BYTES = 5 * 1024 * 1024


class DashboardForm(forms.Form):
    year = forms.TypedChoiceField(label="年度", coerce=int, required=False, empty_value=None,
                                  widget=forms.Select(attrs={"class": "form-select form-select-sm"}))
    as_of = forms.DateField(
        label="截至日期", required=False,
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control form-control-sm"}),
        error_messages={"invalid": "截至日期须为日期，如 2026-06-30"},
    )

    def __init__(self, *args: Any, years: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(y, f"{y} 年度") for y in years]  # type: ignore[attr-defined]
        self.fields["year"].error_messages["invalid_choice"] = "没有该年度的年度创建：请从列表中选择"

    def clean_as_of(self) -> Any:
        day = self.cleaned_data.get("as_of")
        if day is not None and day > timezone.localdate():
            raise forms.ValidationError("截至日期不能晚于今天：看板只能回看过去")
        return day


class SchoolListForm(DashboardForm):
    what = forms.ChoiceField(
        label="名单", choices=[(w, w) for w in ("schools", "certified", "status", "missed")], required=False,
        error_messages={"invalid_choice": "没有这种学校名单：请从看板上的数字进入"},
    )
    key = forms.CharField(label="条件", max_length=50, required=False)
    unit = forms.RegexField(r"^\d{6}$", label="区域", required=False, error_messages={"invalid": "区域代码须为 6 位数字"})


class RegionMapForm(forms.Form):
    geojson = forms.FileField(label="GeoJSON 文件", help_text="区域内各县（市、区）的边界，FeatureCollection；properties.name 为县名")
    source = forms.CharField(label="来源（含审图号）", max_length=200,
                             widget=forms.TextInput(attrs={"class": "form-control"}))
    licence = forms.CharField(label="许可", max_length=200, widget=forms.TextInput(attrs={"class": "form-control"}))

    def __init__(self, *args: Any, units: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.units = units  # the names the map's features must carry: the region's units

    def clean_geojson(self) -> dict[str, Any]:
        upload = self.cleaned_data["geojson"]
        if upload.size > MAX_GEOJSON_BYTES:
            raise forms.ValidationError("GeoJSON 文件不能超过 5 MB")
        try:
            data = json.loads(upload.read().decode("utf-8-sig"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise forms.ValidationError(f"不是有效的 GeoJSON（JSON 解析失败：{exc}）") from exc
        if not isinstance(data, dict) or data.get("type") != "FeatureCollection" or not isinstance(data.get("features"), list):
            raise forms.ValidationError("GeoJSON 须为 FeatureCollection，含 features 列表")
        for n, feature in enumerate(data["features"], start=1):
            props = feature.get("properties") if isinstance(feature, dict) else None
            if not isinstance(props, dict) or not str(props.get("name", "")).strip():
                raise forms.ValidationError(f"第 {n} 个 feature 缺少 properties.name（县名）")
            geometry = feature.get("geometry")
            if not isinstance(geometry, dict) or geometry.get("type") not in ("Polygon", "MultiPolygon"):
                raise forms.ValidationError(f"第 {n} 个 feature（{props['name']}）的 geometry 须为 Polygon 或 MultiPolygon")
            if str(props["name"]).strip() not in self.units:
                raise forms.ValidationError(
                    f"第 {n} 个 feature 的名称“{props['name']}”不是本区域的下级区域：应为 {'、'.join(self.units)} 之一"
                )
        drawn = {str(f["properties"]["name"]).strip() for f in data["features"]}
        missing = [u for u in self.units if u not in drawn]
        if missing:
            raise forms.ValidationError(f"地图缺少这些区域：{'、'.join(missing)}（每个下级区域须有一个 feature）")
        return data
