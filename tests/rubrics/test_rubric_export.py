"""GET /rubrics/<code>/export.xlsx: the rubric as a workbook, named after the rubric."""

from __future__ import annotations

from io import BytesIO
from urllib.parse import quote

from openpyxl import load_workbook

from .conftest import load_rubrics

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def cells(workbook):
    return {c.value for ws in workbook.worksheets for row in ws.iter_rows() for c in row}


def test_it_downloads_the_rubric_as_a_workbook(client, loaded):
    response = client.get("/rubrics/taizhou-2022/export.xlsx")

    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    name = quote("泰州市中小学智慧校园建设评估细则（2022版）.xlsx")
    assert response["Content-Disposition"] == (
        f"attachment; filename=\"taizhou-2022-v1.xlsx\"; filename*=UTF-8''{name}"
    )
    workbook = load_workbook(BytesIO(response.content))
    assert "评估标准" in workbook.sheetnames
    values = cells(workbook)
    assert "1.3.3" in values
    assert any(isinstance(v, str) and "建有自动录播教室" in v for v in values)


def test_it_downloads_an_older_version_under_its_own_name(client, rubrics_dir):
    load_rubrics()
    path = rubrics_dir / "zibo.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("实现优质资源班班通", "班班通"))
    load_rubrics()

    old = client.get("/rubrics/zibo/v1/export.xlsx")
    latest = client.get("/rubrics/zibo/export.xlsx")

    assert quote("淄博市中小学智慧校园建设标准及评价指标体系.xlsx") in old["Content-Disposition"]
    assert quote("（第2版）.xlsx") in latest["Content-Disposition"]
    old_values = cells(load_workbook(BytesIO(old.content)))
    assert any(isinstance(v, str) and "实现优质资源班班通" in v for v in old_values)


def test_it_answers_404_for_an_unknown_rubric(client, loaded):
    assert client.get("/rubrics/nowhere/export.xlsx").status_code == 404
    assert client.get("/rubrics/zibo/v7/export.xlsx").status_code == 404
