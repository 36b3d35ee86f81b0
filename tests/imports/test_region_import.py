"""Importing regions by code: parents in the database or the same file; platform admins only."""

from __future__ import annotations

import pytest
from django.urls import reverse

from campuseval.audit.models import AuditRecord
from campuseval.imports.kinds.base import RowError
from campuseval.imports.models import ImportJob
from campuseval.regions.models import Region

from .conftest import last_job, login, read, upload, xlsx

pytestmark = pytest.mark.django_db
HEADERS = ["行政区划代码", "名称", "级别", "上级区域代码"]
GOOD = [
    ["341122", "来安县", "县", "341100"],  # a county before its city would be fine too
    ["341200", "阜阳市", "市", "340000"],
    ["341202", "颍州区", "区", "341200"],
    ["320000", "江苏省", "省", None],
]


def test_it_imports_regions_and_updates_them_on_the_second_run(client, cast, django_capture_on_commit_callbacks):
    login(client, cast.platform_admin)
    upload(client, "regions", xlsx(HEADERS, GOOD), django_capture_on_commit_callbacks)
    assert last_job().summary == {"created": 4, "updated": 0, "unchanged": 0}, last_job().errors

    renamed = [list(r) for r in GOOD]
    renamed[0][1] = "来安县（新）"
    upload(client, "regions", xlsx(HEADERS, renamed), django_capture_on_commit_callbacks)

    assert last_job().summary == {"created": 0, "updated": 1, "unchanged": 3}
    assert Region.objects.count() == 10
    assert Region.objects.get(code="341202").parent.code == "341200"
    assert Region.objects.get(code="341122").name == "来安县（新）"
    record = AuditRecord.objects.get(object_type="regions.region", action="update")
    assert (record.before, record.after, record.region_code) == ({"name": "来安县"}, {"name": "来安县（新）"}, "341122")
    assert AuditRecord.objects.filter(object_type="regions.region", action="create").count() == 4


def test_it_lists_every_bad_row_and_saves_nothing(client, cast, django_capture_on_commit_callbacks):
    rows = [
        ["341122", "来安县", "县", "341100"],
        ["341122", "来安县", "县", "341100"],
        ["34112", "", "乡", "341100"],
        ["351123", "错省县", "县", "341100"],
        ["341124", "无上级县", "县", None],
        ["341125", "孤儿县", "县", "349900"],
        ["341102", "琅琊区", "市", "340000"],
        ["330000", "浙江省", "省", "340000"],
    ]
    login(client, cast.platform_admin)
    upload(client, "regions", xlsx(HEADERS, rows), django_capture_on_commit_callbacks)

    assert last_job().status == ImportJob.Status.INVALID
    assert [RowError.from_dict(e).text for e in last_job().errors] == [
        "第 3 行 A 列（行政区划代码）：与第 2 行重复（行政区划代码在文件中只能出现一次）",
        "第 4 行 A 列（行政区划代码）：应为 6 位数字（GB/T 2260 行政区划代码）",
        "第 4 行 B 列（名称）：不能为空",
        "第 4 行 C 列（级别）：应为以下之一：省、市、县（市、区）",
        "第 5 行 A 列（行政区划代码）：行政区划代码 351123 与上级 341100 不一致",
        "第 6 行 D 列（上级区域代码）：县（市、区）的上级应为市",
        "第 7 行 D 列（上级区域代码）：找不到行政区划代码为 349900 的上级区域（文件中和平台中都没有）",
        "第 8 行 C 列（级别）：该区域已有下级区域或学校，不能修改级别或上级区域",
        "第 9 行 D 列（上级区域代码）：省级区域没有上级区域",
    ]
    assert Region.objects.count() == 6
    sheet = read(client.get(reverse("imports:job_errors", args=[last_job().pk])).content)
    assert sheet[0] == [*HEADERS, "错误"]
    assert sheet[3][-1] == "A 列（行政区划代码）：应为 6 位数字（GB/T 2260 行政区划代码）；B 列（名称）：不能为空；C 列（级别）：应为以下之一：省、市、县（市、区）"


@pytest.mark.parametrize("who", ["city_admin", "county_admin_a"])
def test_it_is_forbidden_to_anyone_but_platform_admins(client, cast, who, django_capture_on_commit_callbacks):
    response = upload(login(client, getattr(cast, who)), "regions", xlsx(HEADERS, GOOD), django_capture_on_commit_callbacks)

    assert response.status_code == 403
    assert not ImportJob.objects.exists()
