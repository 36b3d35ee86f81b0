"""Accounts with one role each, by username; new accounts get a random initial password.

The password is returned to the job once, shown once to the importer and never sent anywhere;
the account must change it at first log-in.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from campuseval.accounts.models import ROLE_PLACE, Role, RoleAssignment, User
from campuseval.accounts.passwords import generate_password
from campuseval.accounts.scope import is_platform_admin
from campuseval.accounts.services import role_grant, user_create, user_update
from campuseval.imports.columns import (
    Column,
    choice_column,
    phone,
    region_code,
    school_code,
    text,
    username,
)
from campuseval.regions.models import Region, School

from .base import Kind, Layout, Row, RowError, WriteResult

# Platform administrators are created one by one, never from a file; department users (held in a
# 处室, not a region or school) are granted on the account page.
ROLES = {r.label: r.value for r in Role if r not in (Role.PLATFORM_ADMIN, Role.DEPARTMENT_USER)}
LEVEL_LABEL = {level.value: level.label for level in Region.Level}

COLUMNS = (
    Column(
        "username",
        "用户名",
        username,
        required=True,
        rule="登录用的名字：字母、数字和 @ . + - _，最多 150 个字符；按用户名识别已有账号",
    ),
    Column("full_name", "姓名", text(50), required=True, rule="最多 50 个字"),
    Column("phone", "手机号", phone, rule="11 位手机号，或带区号的固定电话", text_format=True),
    choice_column(
        "role",
        "角色",
        ROLES,
        required=True,
        rule=f"可选值：{'、'.join(ROLES)}（平台管理员不能从文件导入）",
    ),
    Column(
        "region_code",
        "区域代码",
        region_code,
        must_be_present=True,
        rule="市级管理员、评估专家填市的代码；县级管理员填县（市、区）的代码；观察员填任一区域的代码；学校用户留空",
        text_format=True,
    ),
    Column(
        "school_code",
        "学校标识码",
        school_code,
        must_be_present=True,
        rule="仅学校用户填写：所在学校的学校标识码",
        text_format=True,
    ),
    Column(
        "home_county_code",
        "所在县（市、区）代码",
        region_code,
        rule="评估专家填写后，不会被分配评审本县（市、区）的学校",
        text_format=True,
    ),
)

class AccountsKind(Kind):
    key = "accounts"
    title = "账号"
    sheet = "账号"
    columns = COLUMNS
    example = {
        "username": "demo_county_admin",
        "full_name": "张三",
        "phone": "13800000000",
        "role": Role.COUNTY_ADMIN,
        "region_code": "341102",
        "school_code": "",
        "home_county_code": "",
    }
    notes = (
        "账号按“用户名”识别：已有的账号更新姓名、手机号和所在县（市、区），并补上文件中的角色；没有的新建。",
        "新账号的初始密码由平台随机生成，只在导入结果页面显示一次（可同时下载一次结果文件），不会通过邮件或短信发送；"
        "请当面或通过安全的渠道交给本人。首次登录时必须修改密码。已有账号的密码不变。",
        "每个用户名在文件中只能出现一次；一个人需要多个角色时，请分多个文件导入。",
    )
    batch_size = 200

    def may_import(self, user: User) -> bool:
        return is_platform_admin(user)

    def check(self, rows: list[Row], layout: Layout, user: User) -> list[RowError]:
        errors = self.duplicates(rows, layout, "username", ["username"], "用户名")
        regions = Region.objects.in_bulk(
            {r.values[k] for r in rows for k in ("region_code", "home_county_code") if r.ok(k)} - {""},
            field_name="code",
        )
        schools = School.objects.in_bulk(
            {r.values["school_code"] for r in rows if r.ok("school_code")} - {""}, field_name="code"
        )
        for row in rows:
            if row.ok("role"):
                errors += self._place_errors(row, layout, regions, schools)
            home = row.values.get("home_county_code", "")
            if row.ok("home_county_code") and home:
                county = regions.get(home)
                if county is None or county.level != Region.Level.COUNTY:
                    errors.append(
                        layout.error(row, "home_county_code", f"找不到行政区划代码为 {home} 的县（市、区）")
                    )
        return errors

    @staticmethod
    def _place_errors(
        row: Row, layout: Layout, regions: dict[str, Region], schools: dict[str, School]
    ) -> list[RowError]:
        role = Role(row.values["role"])
        place = ROLE_PLACE[role]
        region, school = row.values.get("region_code", ""), row.values.get("school_code", "")
        errors = []
        if place == "school":
            if region:
                errors.append(layout.error(row, "region_code", "学校用户不填区域代码"))
            if not school and row.ok("school_code"):
                errors.append(layout.error(row, "school_code", "学校用户须填写学校标识码"))
            elif school and school not in schools:
                errors.append(layout.error(row, "school_code", f"找不到学校标识码为 {school} 的学校"))
            return errors
        if school:
            errors.append(layout.error(row, "school_code", f"{role.label}不填学校标识码"))
        if not region:
            if row.ok("region_code"):
                errors.append(layout.error(row, "region_code", f"{role.label}须填写区域代码"))
        elif region not in regions:
            errors.append(layout.error(row, "region_code", f"找不到行政区划代码为 {region} 的区域"))
        elif place != "region" and regions[region].level != place:
            found = regions[region]
            errors.append(
                layout.error(
                    row,
                    "region_code",
                    f"{role.label}的区域应为{LEVEL_LABEL[str(place)]}级，{found.name}（{region}）是{found.get_level_display()}级",
                )
            )
        return errors

    @transaction.atomic
    def write(self, rows: list[Row], user: User) -> WriteResult:
        result = WriteResult()
        names = [r.values["username"] for r in rows]
        users = User.objects.in_bulk(names, field_name="username")
        codes = {r.values.get(k, "") for r in rows for k in ("region_code", "home_county_code")}
        regions = Region.objects.in_bulk(codes - {""}, field_name="code")
        schools = School.objects.in_bulk(
            {r.values.get("school_code", "") for r in rows} - {""}, field_name="code"
        )
        for row in rows:
            v = row.values
            fields: dict[str, Any] = {"full_name": v["full_name"]}
            if "phone" in v:
                fields["phone"] = v["phone"]
            home = None
            if "home_county_code" in v:
                home = regions[v["home_county_code"]].pk if v["home_county_code"] else None
            account = users.get(v["username"])
            if account is None:
                password = generate_password()
                account = user_create(
                    username=v["username"],
                    password=password,
                    must_change_password=True,
                    home_county_id=home,
                    **fields,
                )
                result.passwords[account.username] = password
                result.counts.created += 1
                outcome = "新建"
            else:
                if "home_county_code" in v:
                    fields["home_county_id"] = home
                changes = {k: val for k, val in fields.items() if getattr(account, k) != val}
                if changes:
                    user_update(user=account, **changes)
                outcome = "已更新" if changes else "未变化"
            region_id = regions[v["region_code"]].pk if v.get("region_code") else None
            school_id = schools[v["school_code"]].pk if v.get("school_code") else None
            ids: dict[str, int | None] = {"region_id": region_id, "school_id": school_id}
            held = RoleAssignment.objects.filter(user=account, role=v["role"], **ids).exists()
            if not held:
                role_grant(user=account, role=v["role"], region_id=region_id, school_id=school_id)
                if outcome == "未变化":
                    outcome = "已更新（新增角色）"
            if outcome == "未变化":
                result.counts.unchanged += 1
            elif outcome != "新建":
                result.counts.updated += 1
            place = v.get("school_code") or v.get("region_code") or ""
            place_name = (schools.get(place) or regions.get(place)) if place else None
            result.lines.append(
                {
                    "username": account.username,
                    "full_name": account.full_name,
                    "role": Role(v["role"]).label,
                    "place": f"{place_name}（{place}）" if place_name else "",
                    "outcome": outcome,
                }
            )
        return result
