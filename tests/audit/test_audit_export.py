"""GET /audit/export.xlsx and .csv: the filtered rows; the export is itself recorded."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from campuseval.audit.context import Actor
from campuseval.audit.exports import HEADERS
from campuseval.audit.models import AuditRecord

from .conftest import record


@pytest.fixture
def spread(cast):
    record("341102", object_repr="甲校", after={"score": 1})
    record("341103", object_repr="乙校")
    record("340102", object_repr="丙校")


def sheet(response) -> list[tuple]:
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    wb = load_workbook(io.BytesIO(response.content))
    return list(wb["审计记录"].iter_rows(values_only=True))


def test_it_exports_the_filtered_rows_as_xlsx(client, cast, spread):
    client.force_login(cast.platform_admin)

    response = client.get("/audit/export.xlsx?region=341100")

    rows = sheet(response)
    assert list(rows[0]) == HEADERS
    assert [r[7] for r in rows[1:]] == ["乙校", "甲校"]
    assert rows[2][10] == '{"score": 1}'
    assert "filename*=UTF-8''%E5%AE%A1%E8%AE%A1%E8%AE%B0%E5%BD%95-" in response["Content-Disposition"]


def test_it_exports_csv_that_excel_reads_as_utf8(client, cast, spread):
    client.force_login(cast.platform_admin)

    response = client.get("/audit/export.csv?what=甲")

    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == HEADERS
    assert len(rows) == 2 and rows[1][7] == "甲校"


def test_it_exports_only_the_users_region(client, cast, spread):
    client.force_login(cast.county_admin_a)

    rows = sheet(client.get("/audit/export.xlsx"))

    assert [r[7] for r in rows[1:]] == ["甲校"]


def test_it_records_the_export_itself(client, cast, spread):
    client.force_login(cast.county_admin_a)

    client.get("/audit/export.csv?action=update")

    r = AuditRecord.objects.latest("seq")
    assert r.action == "export"
    assert r.actor_id == cast.county_admin_a.pk
    assert r.after == {"format": "csv", "count": 1, "filters": {"action": "update"}}
    assert r.region_code == "341102"  # so that the county's administrators see it


def test_it_neutralises_formulas_in_user_text(client, cast):
    record("341102", object_repr="=HYPERLINK(\"http://x\")", actor=Actor(None, "+cmd", None))
    client.force_login(cast.platform_admin)

    rows = sheet(client.get("/audit/export.xlsx"))
    csv_rows = list(csv.reader(io.StringIO(client.get("/audit/export.csv").content.decode("utf-8-sig"))))

    assert rows[1][7] == "'=HYPERLINK(\"http://x\")" and rows[1][2] == "'+cmd"
    assert csv_rows[-1][7].startswith("'=")


def test_it_is_403_for_a_school_user(client, cast):
    client.force_login(cast.school_user_a)

    assert client.get("/audit/export.xlsx").status_code == 403
    assert not AuditRecord.objects.filter(action="export").exists()


def test_it_is_404_for_an_unknown_format(client, cast):
    client.force_login(cast.platform_admin)

    assert client.get("/audit/export.pdf").status_code == 404
