"""Exporting the school list: exactly the filtered rows in the user's scope, as .xlsx."""

from __future__ import annotations

from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from campuseval.audit.models import AuditRecord

from .conftest import login

pytestmark = pytest.mark.django_db
URL = reverse("regions:school_export")


def _rows(response):
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    ws = load_workbook(BytesIO(response.content)).active
    return [[c.value for c in row] for row in ws.iter_rows()]


def test_it_exports_only_the_county_admins_schools(client, cast):
    rows = _rows(login(client, cast.county_admin_a).get(URL))

    assert rows[0][:6] == ["学校标识码", "学校名称", "学段", "城乡类别", "所属县（市、区）代码", "所属县（市、区）名称"]
    assert [r[0] for r in rows[1:]] == ["2134000001", "2134000003"]
    assert rows[2][6:8] == ["2134000001", "琅琊区示例第一小学"]


def test_it_exports_exactly_the_filtered_rows(client, cast):
    rows = _rows(login(client, cast.city_admin).get(URL, {"location": "rural", "q": "南谯"}))

    assert [r[0] for r in rows[1:]] == ["2134000002"]


def test_it_exports_all_pages_not_only_the_first(client, cast):
    from campuseval.regions.models import School

    School.objects.bulk_create(
        School(code=f"21340010{i:02d}", name=f"小学{i:02d}", stage="小学", location="urban", county=cast.county_a)
        for i in range(40)
    )

    rows = _rows(login(client, cast.county_admin_a).get(URL))

    assert len(rows) == 1 + 42


def test_it_keeps_a_name_that_looks_like_a_formula_as_text(client, cast):
    from campuseval.regions.models import School

    School.objects.filter(pk=cast.school_a.pk).update(name="=HYPERLINK(\"http://x\")")

    response = login(client, cast.county_admin_a).get(URL)

    cell = load_workbook(BytesIO(response.content)).active["B2"]
    assert (cell.value, cell.data_type) == ('=HYPERLINK("http://x")', "s")


def test_it_records_the_export(client, cast):
    login(client, cast.city_admin).get(URL, {"county": "341102"})

    record = AuditRecord.objects.get(action="export")
    assert record.after == {"format": "xlsx", "count": 2, "filters": {"county": "341102"}}
    assert record.region_code == "341102"


def test_it_exports_nothing_for_an_outsider(client, cast):
    rows = _rows(login(client, cast.outsider).get(URL))

    assert len(rows) == 1


def test_it_sends_anonymous_users_to_log_in(client, cast):
    assert client.get(URL).status_code == 302
