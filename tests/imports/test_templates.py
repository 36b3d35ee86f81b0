"""Import templates: Chinese headers, one fictitious example row, a 说明 sheet for every column."""

from __future__ import annotations

from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from .conftest import SCHOOL_HEADERS, login

pytestmark = pytest.mark.django_db

WHO = {"regions": "platform_admin", "schools": "county_admin_a", "facts": "city_admin", "accounts": "platform_admin"}


@pytest.mark.parametrize("kind", list(WHO))
def test_it_downloads_a_template_with_a_notes_sheet(client, cast, kind):
    response = login(client, getattr(cast, WHO[kind])).get(reverse("imports:template", args=[kind]))

    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    wb = load_workbook(BytesIO(response.content))
    data, notes = wb.worksheets
    assert notes.title == "说明"
    headers = [c.value for c in data[1] if c.value]
    example = [c.value for c in data[2]]
    assert any(example)
    table = list(notes.iter_rows(values_only=True))
    start = next(i for i, row in enumerate(table) if row[0] == "列") + 1
    described = [row[1] for row in table[start:]]
    assert described == headers
    assert all(row[2] in {"必填", "选填", "选填（列须保留）", "不导入"} and row[3] for row in table[start:])


def test_it_uses_the_school_headers_and_keeps_codes_as_text(client, cast):
    response = login(client, cast.county_admin_a).get(reverse("imports:template", args=["schools"]))

    ws = load_workbook(BytesIO(response.content)).worksheets[0]
    assert [c.value for c in ws[1]][:10] == SCHOOL_HEADERS
    assert ws["A2"].value == "2134999901"
    assert ws["A3"].number_format == "@"
    assert "虚构" in ws["B2"].value
    assert ws.data_validations.dataValidation  # drop-down lists for 学段 and 城乡类别


def test_it_explains_each_column_of_the_account_template(client, cast):
    response = login(client, cast.platform_admin).get(reverse("imports:template", args=["accounts"]))

    notes = load_workbook(BytesIO(response.content))["说明"]
    rows = {row[1]: row for row in notes.iter_rows(values_only=True) if row[1]}
    assert rows["用户名"][2] == "必填"
    assert rows["所在县（市、区）代码"][2] == "选填"
    assert "学校用户" in rows["角色"][3]
    assert "平台管理员不能从文件导入" in rows["角色"][3]


def test_it_answers_404_for_an_unknown_kind(client, cast):
    assert login(client, cast.platform_admin).get("/imports/nonsense/template.xlsx").status_code == 404


@pytest.mark.parametrize(
    ("who", "kind"),
    [("city_admin", "regions"), ("county_admin_a", "accounts"), ("school_user_a", "facts"), ("observer", "schools")],
)
def test_it_is_forbidden_to_roles_that_never_import_the_kind(client, cast, who, kind):
    assert login(client, getattr(cast, who)).get(reverse("imports:template", args=[kind])).status_code == 403


def test_it_lists_the_kinds_a_user_may_import(client, cast):
    page = login(client, cast.county_admin_a).get(reverse("imports:home")).content.decode()

    assert reverse("imports:upload", args=["schools"]) in page
    assert reverse("imports:upload", args=["facts"]) in page
    assert reverse("imports:upload", args=["accounts"]) not in page
    assert login(client, cast.school_user_a).get(reverse("imports:home")).status_code == 403
