"""The region map's upload says in Chinese what is wrong with a file that is not a GeoJSON
FeatureCollection: not UTF-8 text, not JSON (where), not a FeatureCollection (what it is)."""

from __future__ import annotations

import html
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from campuseval.analytics.models import RegionMap

pytestmark = pytest.mark.django_db

CASES = {
    "gbk text": ("名称".encode("gb18030"), "不是 UTF-8 编码的文本"),
    "a zip": (b"PK\x03\x04" + b"\xff" * 20, "ZIP 压缩包"),
    "a trailing comma": (b'{"type": "FeatureCollection",\n "features": [],\n}', "第 3 行第 1 列处应为用双引号括起的属性名"),
    "a missing comma": (b'{"type": "FeatureCollection" "features": []}', "第 1 行第 30 列处缺少逗号"),
    "an unclosed string": (b'{"type": "FeatureColl', "开始的字符串缺少结束的双引号"),
    "a web page": (b"<!DOCTYPE html><html></html>", "是网页或 XML（如 SVG）文件，不是 JSON"),
    "an array": (b"[]", "此文件最外层是数组，不是对象"),
    "a single feature": (b'{"type": "Feature"}', "此文件的 type 是“Feature”"),
    "no type": (b'{"features": []}', "此文件缺少 type"),
    "features not a list": (b'{"type": "FeatureCollection", "features": {}}', "此文件的 features 是对象，不是数组"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_it_names_what_is_wrong_in_chinese(client, cast, case):
    data, message = CASES[case]
    client.force_login(cast.platform_admin)
    url = reverse("analytics:map_upload", args=[cast.city.code])

    response = client.post(url, {"source": "测试", "licence": "CC0", "geojson": SimpleUploadedFile("m.json", data)})

    page = html.unescape(response.content.decode())
    assert response.status_code == 200 and "不是有效的 GeoJSON" in page and message in page
    assert not re.search(r"codec|Expecting|delimiter|Unterminated|line \d+ column", page)
    assert not RegionMap.objects.exists()
