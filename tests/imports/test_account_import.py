"""Importing accounts: initial passwords shown once, must be changed; roles by place."""

from __future__ import annotations

import base64
import re

import pytest
from django.contrib.auth import authenticate
from django.test import RequestFactory
from django.urls import reverse

from campuseval.accounts.models import RoleAssignment, User
from campuseval.audit.models import AuditRecord
from campuseval.imports.kinds.base import RowError
from campuseval.imports.models import ImportJob

from .conftest import last_job, login, read, upload, xlsx

pytestmark = pytest.mark.django_db
HEADERS = ["用户名", "姓名", "手机号", "角色", "区域代码", "学校标识码", "所在县（市、区）代码"]
GOOD = [
    ["lang_admin2", "陈一", "13900000001", "县级管理员", "341102", None, None],
    ["school_a_2", "陈二", None, "学校用户", None, "2134000001", None],
    ["expert_2", "陈三", "0550-1234567", "评估专家", "341100", None, "341103"],
]


def _passwords(page):
    return dict(re.findall(r"<td>([\w.@+-]+)</td>\s*<td>[^<]*</td>.*?user-select-all\">([^<]+)</td>", page, re.S))


def test_it_creates_accounts_and_shows_the_passwords_once(client, cast, django_capture_on_commit_callbacks):
    login(client, cast.platform_admin)
    response = upload(client, "accounts", xlsx(HEADERS, GOOD), django_capture_on_commit_callbacks)
    job = last_job()
    assert job.status == ImportJob.Status.DONE, job.errors

    page = client.get(response["Location"]).content.decode()

    assert "初始密码只显示这一次" in page
    users = User.objects.filter(username__in=["lang_admin2", "school_a_2", "expert_2"])
    assert users.count() == 3
    assert all(u.must_change_password for u in users)
    expert = User.objects.get(username="expert_2")
    assert (expert.full_name, expert.phone, expert.home_county) == ("陈三", "0550-1234567", cast.county_b)
    assert RoleAssignment.objects.get(user=expert).region == cast.city
    assert RoleAssignment.objects.get(user__username="school_a_2").school == cast.school_a
    shown = re.findall(r'user-select-all">([^<]+)</td>', page)
    assert len(shown) == 3
    request = RequestFactory().post("/accounts/login/")
    assert authenticate(request, username="lang_admin2", password=shown[0]) is not None

    # The download carries them too, in the page itself: nothing is kept for later.
    uri = re.search(r'href="data:[^;]+;base64,([^"]+)"', page).group(1)
    result = read(base64.b64decode(uri))
    assert result[0] == ["用户名", "姓名", "角色", "区域或学校", "结果", "初始密码"]
    assert result[1][:5] == ["lang_admin2", "陈一", "县级管理员", "琅琊区（341102）", "新建"]
    assert result[1][5] == shown[0]

    again = client.get(reverse("imports:job", args=[job.pk])).content.decode()
    assert shown[0] not in again
    assert "初始密码已经显示过一次" in again
    job.refresh_from_db()
    assert job.sealed_passwords == ""
    assert shown[0] not in str(job.summary)
    assert not any(shown[0] in str(r.after) for r in AuditRecord.objects.all())


def test_it_updates_existing_accounts_without_new_passwords(client, cast, django_capture_on_commit_callbacks):
    login(client, cast.platform_admin)
    upload(client, "accounts", xlsx(HEADERS, GOOD), django_capture_on_commit_callbacks)
    changed = [list(r) for r in GOOD]
    changed[0][1] = "陈一一"
    changed.append(["countya", "测试countya", None, "观察员", "341100", None, None])

    upload(client, "accounts", xlsx(HEADERS, changed), django_capture_on_commit_callbacks)

    job = last_job()
    assert job.summary["created"] == 0
    assert (job.summary["updated"], job.summary["unchanged"]) == (2, 2)
    assert job.sealed_passwords == ""
    assert User.objects.count() == 11
    assert User.objects.get(username="lang_admin2").full_name == "陈一一"
    assert set(RoleAssignment.objects.filter(user=cast.county_admin_a).values_list("role", flat=True)) == {
        "county_admin",
        "observer",
    }


def test_it_lists_every_bad_row_and_creates_nobody(client, cast, django_capture_on_commit_callbacks):
    rows = [
        ["new one", "", "123", "县级管理员", "341100", None, None],
        ["ok_user", "甲", None, "学校用户", "341102", None, None],
        ["ok_user", "乙", None, "市级管理员", "341102", None, "341100"],
        ["plat", "丙", None, "平台管理员", None, None, None],
        ["school_x", "丁", None, "学校用户", None, "2134009999", None],
    ]
    login(client, cast.platform_admin)
    upload(client, "accounts", xlsx(HEADERS, rows), django_capture_on_commit_callbacks)

    assert [RowError.from_dict(e).text for e in last_job().errors] == [
        "第 2 行 A 列（用户名）：只能包含字母、数字和 @ . + - _ 这几个符号，不能有空格",
        "第 2 行 B 列（姓名）：不能为空",
        "第 2 行 C 列（手机号）：格式不正确：应为 11 位手机号或带区号的固定电话（如 0550-1234567）",
        "第 2 行 E 列（区域代码）：县级管理员的区域应为县（市、区）级，滁州市（341100）是市级",
        "第 3 行 E 列（区域代码）：学校用户不填区域代码",
        "第 3 行 F 列（学校标识码）：学校用户须填写学校标识码",
        "第 4 行 A 列（用户名）：与第 3 行重复（用户名在文件中只能出现一次）",
        "第 4 行 E 列（区域代码）：市级管理员的区域应为市级，琅琊区（341102）是县（市、区）级",
        "第 4 行 G 列（所在县（市、区）代码）：找不到行政区划代码为 341100 的县（市、区）",
        "第 5 行 D 列（角色）：应为以下之一：市级管理员、县级管理员、学校用户、评估专家、观察员",
        "第 6 行 F 列（学校标识码）：找不到学校标识码为 2134009999 的学校",
    ]
    assert User.objects.count() == 8
    sheet = read(client.get(reverse("imports:job_errors", args=[last_job().pk])).content)
    assert [row[-1] is None for row in sheet[1:]] == [False] * 5


@pytest.mark.parametrize("who", ["city_admin", "county_admin_a", "school_user_a"])
def test_it_is_forbidden_to_anyone_but_platform_admins(client, cast, who, django_capture_on_commit_callbacks):
    response = upload(login(client, getattr(cast, who)), "accounts", xlsx(HEADERS, GOOD), django_capture_on_commit_callbacks)

    assert response.status_code == 403
    assert not User.objects.filter(username="lang_admin2").exists()
