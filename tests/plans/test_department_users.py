"""处室用户 (issue 9): a department of a bureau is a place where a role is held. Its users see the
published plans of their bureau that have a KPI their department leads or co-owns, and report
the KPIs it leads; nothing else. Granted on the account page with a department."""

from __future__ import annotations

import datetime as dt

import pytest

from campuseval.accounts import scope
from campuseval.accounts.models import Role, RoleAssignment
from campuseval.audit.models import AuditRecord
from campuseval.plans import access
from campuseval.plans import services as ps
from campuseval.regions.models import Department
from tests.campaigns.conftest import clock as clock  # the fixture
from tests.conftest import _user
from tests.plans.plan_deadlines import deadlines as deadlines  # the fixture
from tests.plans.plan_deadlines import kpi


@pytest.fixture
def more(cast, deadlines):
    """Another published city plan, whose only KPI 教师工作处 leads; a draft city plan with a KPI
    of 装备信息中心; and 合肥市's published plan with a KPI led by its own 装备信息中心."""
    other = ps.plan_create(by=cast.city_admin, region=cast.city, title="滁州市教师队伍建设计划", start_year=2026, end_year=2027)
    kpi(cast, other, "骨干教师培训人次", deadlines.other_department)
    ps.plan_publish(by=cast.city_admin, plan=other)
    draft = ps.plan_create(by=cast.city_admin, region=cast.city, title="滁州市数字校园草案", start_year=2026, end_year=2027)
    kpi(cast, draft, "草案指标", deadlines.department)
    hefei_admin = _user("hefei", "city_admin", region=cast.other_city)
    hefei_department = Department.objects.create(region=cast.other_city, name="装备信息中心")
    hefei = ps.plan_create(by=hefei_admin, region=cast.other_city, title="合肥市智慧教育行动计划", start_year=2026, end_year=2027)
    ps.target_add(
        by=hefei_admin, plan=hefei, text="合肥指标", kind="kpi", measure="reported", year=2026,
        due=dt.date(2026, 12, 31), value=1, lead=hefei_department,
    )
    ps.plan_publish(by=hefei_admin, plan=hefei)
    return other, draft, hefei


def test_a_department_user_sees_only_its_departments_published_plans(client, cast, deadlines, more):
    other, draft, hefei = more
    user = deadlines.department_user
    client.force_login(user)

    html = client.get("/plans/").content.decode()

    assert set(access.plans_for(user)) == {deadlines.city_plan}
    assert "滁州市智慧校园建设行动计划" in html
    for title in ("滁州市教师队伍建设计划", "滁州市数字校园草案", "合肥市智慧教育行动计划", "琅琊区智慧校园建设行动计划"):
        assert title not in html
    assert client.get(f"/plans/{deadlines.city_plan.pk}/").status_code == 200
    for plan in (other, draft, hefei, deadlines.county_plan):
        assert client.get(f"/plans/{plan.pk}/").status_code == 404


def test_a_co_owning_department_sees_the_plan_but_reports_only_what_it_leads(client, cast, deadlines, more):
    other, _, _ = more
    helper = _user("peihe", "department_user", department=deadlines.other_department)
    deadlines.kpi.co.add(deadlines.other_department)

    assert set(access.plans_for(helper)) == {deadlines.city_plan, other}
    assert set(access.targets_reported_by(helper)) == {deadlines.unstaffed_kpi, *other.targets.all()}


def test_a_department_user_reports_the_kpis_its_department_leads(client, cast, deadlines):
    user = deadlines.department_user
    client.force_login(user)

    assert set(access.targets_reported_by(user)) == {deadlines.kpi}
    assert access.reportable_ids(user, deadlines.city_plan) == {deadlines.kpi.pk}
    assert client.get(f"/plans/targets/{deadlines.kpi.pk}/report/").status_code == 200
    assert client.get(f"/plans/targets/{deadlines.unstaffed_kpi.pk}/report/").status_code == 404
    # Reporting is not running: no publishing or accepting.
    assert not access.runs(user, deadlines.city_plan)


def test_my_kpis_lists_what_the_department_leads_and_co_owns_and_asks_for_the_report_due(client, cast, deadlines, more):
    other, _, _ = more
    helper = _user("peihe", "department_user", department=deadlines.other_department)
    deadlines.kpi.co.add(deadlines.other_department)
    client.force_login(helper)

    html = client.get("/plans/").content.decode()
    assert 'href="/plans/kpis/"' in html and "我的指标" in html  # the navigation leads there
    page = client.get("/plans/kpis/").content.decode()

    # 教师工作处 leads 名师网络课堂开课数 (due 15 May, not reported) and 骨干教师培训人次, and
    # co-owns 教师信息素养培训覆盖率, which it may not report.
    rows = page.split('<tr data-target="')[1:]
    by_target = {int(r.split('"')[0]): r for r in rows}
    assert set(by_target) == {deadlines.unstaffed_kpi.pk, deadlines.kpi.pk, *[t.pk for t in other.targets.all()]}
    unstaffed = by_target[deadlines.unstaffed_kpi.pk]
    assert "须在 2026-05-15 前填报" in unstaffed and f"/plans/targets/{deadlines.unstaffed_kpi.pk}/report/" in unstaffed
    assert "尚未填报" in unstaffed and "未填报" in unstaffed
    co_owned = by_target[deadlines.kpi.pk]
    assert "本处室配合" in co_owned and "/report/" not in co_owned and "牵头：装备信息中心" in co_owned
    assert "合肥" not in page and "草案指标" not in page


def test_a_returned_report_shows_its_reason_on_my_kpis_and_reporting_comes_back_there(client, cast, deadlines):
    user = deadlines.department_user
    report = ps.report_submit(by=user, target=deadlines.kpi, as_of=dt.date(2026, 2, 28), value=30, note="一季度")
    ps.report_decide(by=cast.city_admin, report=report, accept=False, reason="请附培训签到表")
    client.force_login(user)

    row = client.get("/plans/kpis/").content.decode().split(f'<tr data-target="{deadlines.kpi.pk}"')[1]
    assert "2026-02-28 · 退回" in row and "退回理由：请附培训签到表" in row and "须在 2026-05-15 前填报" in row

    response = client.post(f"/plans/targets/{deadlines.kpi.pk}/report/", {"as_of": "2026-03-01", "value": "35", "note": "附签到表"})
    assert response.status_code == 302 and response.url == "/plans/kpis/"
    row = client.get("/plans/kpis/").content.decode().split(f'<tr data-target="{deadlines.kpi.pk}"')[1]
    assert "2026-03-01 · 已提交" in row and "须在" not in row and "填报截止 2026-05-15" in row


def test_my_kpis_says_so_to_a_user_of_no_department(client, cast, deadlines):
    client.force_login(cast.city_admin)
    page = client.get("/plans/kpis/").content.decode()
    assert "您的账号不属于任何处室" in page and 'href="/plans/kpis/"' not in page.split("<main")[0]


def test_plans_are_refused_without_a_role_that_may_see_them(client, cast, deadlines):
    client.force_login(cast.outsider)
    response = client.get("/plans/")
    assert response.status_code == 403 and "处室用户" in response.content.decode()
    client.force_login(cast.school_user_a)
    assert client.get(f"/plans/{deadlines.city_plan.pk}/").status_code == 403


def test_scope_knows_a_department_users_place(cast, deadlines):
    user = deadlines.department_user
    assert scope.department_ids(user) == [deadlines.department.pk]
    assert scope.department_region_ids(user) == {cast.city.pk}
    assert scope.city_ids(user) == {cast.city.pk}
    assert scope.department_ids(cast.city_admin) == []
    assert list(scope.holders(Role.DEPARTMENT_USER, department=deadlines.department)) == [user]
    assert str(RoleAssignment.objects.get(user=user)) == "处室用户 · 滁州市装备信息中心"


# --- granting the role ---------------------------------------------------------------------------


def grant(client, user, **data):
    return client.post(f"/accounts/users/{user.pk}/roles/", data)


def test_the_platform_admin_grants_a_department_user_its_department(client, cast, deadlines):
    client.force_login(cast.platform_admin)
    page = client.get(f"/accounts/users/{cast.outsider.pk}/").content.decode()
    assert 'data-place="department"' in page and "滁州市 · 装备信息中心" in page

    # The region left in the form is ignored: a department user is held in a department.
    response = grant(client, cast.outsider, role="department_user", department=deadlines.department.pk, region=cast.city.pk)

    assert response.status_code == 302
    a = RoleAssignment.objects.get(user=cast.outsider)
    assert (a.role, a.department, a.region, a.school) == ("department_user", deadlines.department, None, None)
    record = AuditRecord.objects.filter(object_type="accounts.roleassignment").latest("seq")
    assert record.region_code == cast.city.code and record.object_repr == "测试outsider · 处室用户 · 滁州市装备信息中心"
    assert grant(client, cast.outsider, role="department_user", department=deadlines.department.pk).status_code == 200


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"role": "department_user", "region": "city"}, "处室用户须指定一个处室"),
        ({"role": "county_admin", "region": "county_a", "department": "mine"}, None),
    ],
)
def test_a_department_is_asked_for_that_role_only(client, cast, deadlines, data, message):
    client.force_login(cast.platform_admin)
    data = {k: getattr(cast, v).pk if v in ("city", "county_a") else deadlines.department.pk if v == "mine" else v for k, v in data.items()}

    response = grant(client, cast.outsider, **data)

    if message:
        assert response.status_code == 200 and message in response.content.decode()
        assert not RoleAssignment.objects.filter(user=cast.outsider).exists()
    else:  # another role ignores a department left in the form
        a = RoleAssignment.objects.get(user=cast.outsider)
        assert (a.role, a.region, a.department) == ("county_admin", cast.county_a, None)
