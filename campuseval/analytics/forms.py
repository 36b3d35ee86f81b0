"""The dashboards' choices: the year of the campaigns and the day to look back to; the map upload."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.utils import timezone

from campuseval.evidence.checks import human_size

MAX_GEOJSON_BYTES = 5 * 1024 * 1024
NOT_GEOJSON = "不是有效的 GeoJSON"
# Python's JSON errors (``json.JSONDecodeError.msg``) said in Chinese, after "第 x 行第 y 列".
JSON_ERRORS = (
    ("Expecting value", "处应为一个值（对象、数组、字符串、数字、true/false 或 null）"),
    ("Expecting property name enclosed in double quotes", "处应为用双引号括起的属性名（可能多了逗号或用了单引号）"),
    ("Expecting ',' delimiter", "处缺少逗号"),
    ("Expecting ':' delimiter", "处缺少冒号"),
    ("Unterminated string", "开始的字符串缺少结束的双引号"),
    ("Invalid control character", "处的字符串中有换行符或控制字符"),
    ("Invalid \\uXXXX escape", "处的 \\u 转义格式不对"),
    ("Invalid \\escape", "处的反斜杠转义不对"),
    ("Extra data", "处 JSON 已经结束，后面还有多余的内容"),
)


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
            raise forms.ValidationError(f"GeoJSON 文件不能超过 {human_size(MAX_GEOJSON_BYTES)}")
        data = _parsed(upload.read())
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


def _json_error(exc: json.JSONDecodeError, text: str) -> str:
    if text.lstrip().startswith("<"):  # a web page, an SVG or another XML file
        return f"{NOT_GEOJSON}：文件以“<”开头，是网页或 XML（如 SVG）文件，不是 JSON"
    why = next((chinese for english, chinese in JSON_ERRORS if exc.msg.startswith(english)), "处有语法错误")
    return f"{NOT_GEOJSON}：不是合法的 JSON，第 {exc.lineno} 行第 {exc.colno} 列{why}；请用地图软件重新导出 GeoJSON"


def _kind_of(value: Any) -> str:
    names = {dict: "对象", list: "数组", str: "字符串", bool: "true/false", type(None): "null"}
    return names.get(type(value), "数字")


def _parsed(content: bytes) -> dict[str, Any]:
    """The GeoJSON FeatureCollection of ``content``; a Chinese sentence naming what is wrong
    otherwise (never Python's own error text)."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        zipped = "（它是一个 ZIP 压缩包，请先解压）" if content.startswith(b"PK\x03\x04") else ""
        raise forms.ValidationError(
            f"{NOT_GEOJSON}：文件不是 UTF-8 编码的文本（第 {exc.start + 1} 个字节起无法识别），"
            f"可能是图片、压缩包或其他二进制文件{zipped}；请上传 .geojson 或 .json 文本文件"
        ) from exc
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise forms.ValidationError(_json_error(exc, text)) from exc
    except RecursionError as exc:
        raise forms.ValidationError(f"{NOT_GEOJSON}：JSON 嵌套层数过多，不像是地图文件") from exc
    if not isinstance(data, dict):
        raise forms.ValidationError(
            f"{NOT_GEOJSON}：GeoJSON 须为 FeatureCollection，含 features 列表；此文件最外层是{_kind_of(data)}，不是对象"
        )
    if data.get("type") != "FeatureCollection":
        kind = data.get("type")
        if "type" not in data:
            what = "缺少 type"
        elif isinstance(kind, str):
            shown = " ".join(kind.split())[:40]
            what = f"的 type 是“{shown}”"
        else:
            what = f"的 type 是{_kind_of(kind)}，不是文字"
        raise forms.ValidationError(
            f"{NOT_GEOJSON}：GeoJSON 须为 FeatureCollection，含 features 列表；此文件{what}"
            "（单个 Feature 或几何图形请在地图软件中导出为 FeatureCollection）"
        )
    if not isinstance(data.get("features"), list):
        what = "缺少 features" if "features" not in data else f"的 features 是{_kind_of(data['features'])}，不是数组"
        raise forms.ValidationError(f"{NOT_GEOJSON}：GeoJSON 须为 FeatureCollection，含 features 列表；此文件{what}")
    return data
