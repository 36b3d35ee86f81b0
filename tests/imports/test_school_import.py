"""Importing schools: the whole file is checked first; the same file again updates."""

from __future__ import annotations

import pytest
from django.urls import reverse

from campuseval.audit.models import AuditRecord
from campuseval.imports.models import ImportJob
from campuseval.regions.models import School

from .conftest import SCHOOL_HEADERS, last_job, login, read, upload, xlsx

pytestmark = pytest.mark.django_db

GOOD = [
    ["2134000101", "琅琊区新建第一小学", "小学", "城镇", "341102", "", "示例路 8 号", "王五", "赵六", "0550-1234567"],
    ["2134000102", "琅琊区新建教学点", "教学点", "乡村", "341102", "2134000101", "", "", "", ""],
    ["3134000103", "琅琊区新建初中", "初中", "乡村", 341102, None, None, None, None, 13900000000],
]


def test_it_imports_a_good_file(client, cast, django_capture_on_commit_callbacks):
    login(client, cast.county_admin_a)

    response = upload(client, "schools", xlsx(SCHOOL_HEADERS, GOOD), django_capture_on_commit_callbacks)

    job = last_job()
    assert response.status_code == 302
    assert response["Location"] == reverse("imports:job", args=[job.pk])
    assert job.status == ImportJob.Status.DONE, job.errors
    assert job.summary == {"created": 3, "updated": 0, "unchanged": 0}
    point = School.objects.get(code="2134000102")
    assert point.central_school.code == "2134000101"
    assert School.objects.get(code="3134000103").contact_phone == "13900000000"
    page = client.get(reverse("imports:job", args=[job.pk])).content.decode()
    assert "导入完成" in page
    assert "新建 3" in page


def _import(client, cast, rows, capture, who="county_admin_a", headers=SCHOOL_HEADERS):
    login(client, getattr(cast, who))
    upload(client, "schools", xlsx(headers, rows), capture)
    return last_job()


def test_it_updates_when_the_same_file_comes_again(client, cast, django_capture_on_commit_callbacks):
    content = xlsx(SCHOOL_HEADERS, GOOD)
    login(client, cast.county_admin_a)
    upload(client, "schools", content, django_capture_on_commit_callbacks)
    changed = [list(r) for r in GOOD]
    changed[0][1] = "琅琊区新建第一小学（更名）"

    upload(client, "schools", content, django_capture_on_commit_callbacks)
    assert last_job().summary == {"created": 0, "updated": 0, "unchanged": 3}
    upload(client, "schools", xlsx(SCHOOL_HEADERS, changed), django_capture_on_commit_callbacks)

    assert last_job().summary == {"created": 0, "updated": 1, "unchanged": 2}
    assert School.objects.filter(code__in=["2134000101", "2134000102", "3134000103"]).count() == 3
    assert School.objects.get(code="2134000101").name == "琅琊区新建第一小学（更名）"


def test_it_writes_one_audit_record_per_school_with_before_and_after(
    client, cast, django_capture_on_commit_callbacks
):
    _import(client, cast, GOOD, django_capture_on_commit_callbacks)
    changed = [list(r) for r in GOOD]
    changed[0][3] = "乡村"
    _import(client, cast, changed, django_capture_on_commit_callbacks)

    creates = AuditRecord.objects.filter(object_type="regions.school", action="create")
    assert creates.count() == 3
    assert {r.region_code for r in creates} == {"341102"}
    assert all(r.actor_name == "countya" for r in creates)
    update = AuditRecord.objects.get(object_type="regions.school", action="update")
    assert (update.before, update.after) == ({"location": "urban"}, {"location": "rural"})
    assert AuditRecord.objects.filter(action="import").count() == 2


def test_it_updates_an_existing_school_and_keeps_columns_left_out(
    client, cast, django_capture_on_commit_callbacks
):
    School.objects.filter(pk=cast.school_a.pk).update(contact_phone="0550-7654321")
    headers = SCHOOL_HEADERS[:6]
    rows = [["2134000001", "琅琊区示例第一小学", "小学", "乡村", "341102", ""]]

    job = _import(client, cast, rows, django_capture_on_commit_callbacks, headers=headers)

    assert job.summary == {"created": 0, "updated": 1, "unchanged": 0}
    cast.school_a.refresh_from_db()
    assert (cast.school_a.location, cast.school_a.contact_phone) == ("rural", "0550-7654321")


BAD = [
    ["2134000101", "好学校", "小学", "城镇", "341102", "", "", "", "", ""],  # row 2: fine
    ["21340001", "短码学校", "小学", "城镇", "341102", "", "", "", "", ""],  # 3: code
    ["2134000101", "重复学校", "小学", "城镇", "341102", "", "", "", "", ""],  # 4: duplicate
    ["2134000105", "", "大学", "郊区", "341199", "", "", "", "", "12345"],  # 5: four cells
    ["2134000106", "无中心校教学点", "教学点", "乡村", "341102", "", "", "", "", ""],  # 6
    ["2134000107", "挂错教学点", "教学点", "乡村", "341102", "2134999999", "", "", "", ""],  # 7
    ["2137000108", "外省码学校", "小学", "城镇", "341102", "", "", "", "", ""],  # 8
    ["2134000109", "南谯区学校", "小学", "城镇", "341103", "", "", "", "", ""],  # 9: scope
    ["2134000004", "瑶海区示例第一小学", "小学", "城镇", "341102", "", "", "", "", ""],  # 10: scope
    ["2134000110", "挂在教学点下", "教学点", "乡村", "341102", "2134000003", "", "", "", ""],  # 11
]


def test_it_lists_every_bad_row_and_column_and_saves_nothing(
    client, cast, django_capture_on_commit_callbacks
):
    job = _import(client, cast, BAD, django_capture_on_commit_callbacks)

    assert job.status == ImportJob.Status.INVALID
    texts = [e["message"] and _text(e) for e in job.errors]
    assert texts == [
        "第 3 行 A 列（学校标识码）：应为 10 位数字",
        "第 4 行 A 列（学校标识码）：与第 2 行重复（学校标识码在文件中只能出现一次）",
        "第 5 行 B 列（学校名称）：不能为空",
        "第 5 行 C 列（学段）：应为以下之一：小学、初中、高中、九年一贯制、十二年一贯制、完全中学、教学点、特殊教育、中等职业学校",
        "第 5 行 D 列（城乡类别）：应为以下之一：城镇、乡村",
        "第 5 行 E 列（所属县（市、区）代码）：找不到行政区划代码为 341199 的县（市、区）",
        "第 5 行 J 列（联系电话）：格式不正确：应为 11 位手机号或带区号的固定电话（如 0550-1234567）",
        "第 6 行 F 列（所属中心校标识码）：教学点必须隶属于一所中心校",
        "第 7 行 F 列（所属中心校标识码）：找不到学校标识码为 2134999999 的中心校（文件中和您的管理范围内都没有）",
        "第 8 行 A 列（学校标识码）：学校标识码第 3-4 位“37”应为所在省的代码“34”",
        "第 9 行 E 列（所属县（市、区）代码）：南谯区（341103）不在您的管理范围内",
        "第 10 行 A 列（学校标识码）：该学校不在您的管理范围内，不能修改",
        "第 11 行 F 列（所属中心校标识码）：中心校不能是教学点",
    ]
    assert School.objects.count() == 4
    assert not AuditRecord.objects.filter(object_type="regions.school").exists()
    page = client.get(reverse("imports:job", args=[job.pk])).content.decode()
    assert "文件中有 13 处错误，没有导入任何数据" in page
    assert "第 3 行 A 列（学校标识码）：应为 10 位数字" in page


def _text(error):
    from campuseval.imports.kinds.base import RowError

    return RowError.from_dict(error).text


def test_it_gives_back_the_file_with_the_errors_marked(client, cast, django_capture_on_commit_callbacks):
    job = _import(client, cast, BAD, django_capture_on_commit_callbacks)

    response = client.get(reverse("imports:job_errors", args=[job.pk]))

    assert response.status_code == 200
    from io import BytesIO

    from openpyxl import load_workbook

    ws = load_workbook(BytesIO(response.content)).active
    assert ws["K1"].value == "错误"
    assert ws["K2"].value is None
    assert ws["K3"].value == "A 列（学校标识码）：应为 10 位数字"
    assert ws["K5"].value.count("；") == 4
    assert ws["A3"].fill.fgColor.rgb.endswith("FFC7CE")
    assert not ws["B3"].fill.fgColor.rgb.endswith("FFC7CE")
    assert read(response.content)[2][:2] == ["21340001", "短码学校"]


def test_it_accepts_its_own_error_sheet_once_corrected(client, cast, django_capture_on_commit_callbacks):
    job = _import(client, cast, BAD[:2], django_capture_on_commit_callbacks)
    sheet = read(client.get(reverse("imports:job_errors", args=[job.pk])).content)
    sheet[2][0] = "2134000102"

    login(client, cast.county_admin_a)
    upload(client, "schools", xlsx(sheet[0], sheet[1:]), django_capture_on_commit_callbacks)

    assert last_job().status == ImportJob.Status.DONE, last_job().errors


def test_it_imports_a_central_school_and_its_points_in_any_order(
    client, cast, django_capture_on_commit_callbacks
):
    rows = [GOOD[1], GOOD[0]]

    job = _import(client, cast, rows, django_capture_on_commit_callbacks)

    assert job.status == ImportJob.Status.DONE, job.errors
    assert School.objects.get(code="2134000102").central_school.code == "2134000101"


def test_it_refuses_a_wrong_header(client, cast, django_capture_on_commit_callbacks):
    headers = ["学校代码", *SCHOOL_HEADERS[1:], "学校名称"]

    job = _import(client, cast, [GOOD[0] + ["x"]], django_capture_on_commit_callbacks, headers=headers)

    assert [_text(e) for e in job.errors] == [
        "第 1 行 A 列（学校代码）：未知的列标题“学校代码”；请使用模板中的列标题",
        "第 1 行 K 列（学校名称）：列标题“学校名称”重复（B 列已有）",
        "第 1 行：缺少列“学校标识码”",
    ]
    assert School.objects.count() == 4


def test_it_refuses_the_template_example_row(client, cast, django_capture_on_commit_callbacks):
    login(client, cast.platform_admin)
    template = client.get(reverse("imports:template", args=["schools"])).content

    upload(client, "schools", template, django_capture_on_commit_callbacks)

    assert [_text(e) for e in last_job().errors] == ["第 2 行：这是模板中的示例行，请删除或改成真实数据后再导入"]


def test_it_refuses_a_file_that_is_not_xlsx(client, cast, django_capture_on_commit_callbacks):
    login(client, cast.county_admin_a)

    response = upload(client, "schools", "学校标识码,学校名称\n".encode(), django_capture_on_commit_callbacks, name="学校.xlsx")

    assert response.status_code == 200
    assert "不是 Excel 工作簿（.xlsx）" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_it_refuses_a_zip_that_is_not_a_workbook(client, cast, django_capture_on_commit_callbacks):
    import zipfile
    from io import BytesIO

    out = BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w/>")

    login(client, cast.county_admin_a)

    response = upload(client, "schools", out.getvalue(), django_capture_on_commit_callbacks)

    assert response.status_code == 200
    assert "不是 Excel 工作簿（.xlsx）" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_it_refuses_a_file_over_the_size_limit(client, cast, django_capture_on_commit_callbacks, monkeypatch):
    from campuseval.imports import xlsx as xlsx_module

    monkeypatch.setattr(xlsx_module, "MAX_BYTES", 1000)
    login(client, cast.county_admin_a)

    response = upload(client, "schools", xlsx(SCHOOL_HEADERS, GOOD), django_capture_on_commit_callbacks)

    assert "文件太大" in response.content.decode()
    assert not ImportJob.objects.exists()


@pytest.mark.parametrize("who", ["school_user_a", "observer", "expert", "outsider"])
def test_it_is_forbidden_to_roles_that_never_import_schools(client, cast, who):
    client = login(client, getattr(cast, who))

    assert client.get(reverse("imports:upload", args=["schools"])).status_code == 403
    assert client.get(reverse("imports:template", args=["schools"])).status_code == 403


def test_it_sends_anonymous_users_to_log_in(client):
    assert client.get(reverse("imports:upload", args=["schools"])).status_code == 302


def test_it_refuses_a_workbook_that_unpacks_to_hundreds_of_megabytes(client, cast, django_capture_on_commit_callbacks):
    from tests.zipbomb import zip_bomb

    login(client, cast.county_admin_a)

    response = upload(client, "schools", zip_bomb("xlsx"), django_capture_on_commit_callbacks)

    assert response.status_code == 200
    assert "文件解压后过大，不能导入" in response.content.decode()
    assert not ImportJob.objects.exists()
