"""待办 of plans (issue 9): a county's plan to submit by its deadline, a department's KPI report,
and for the city the county plans to review and the reports to accept; the API answers the same."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext

from campuseval.plans import services as ps
from tests.api.conftest import client_for
from tests.plans.plan_deadlines import DEADLINE, kpi, local
from tests.plans.plan_deadlines import deadlines as deadlines  # the fixture

TODO = "/todo/"


def page(client, user):
    client.force_login(user)
    response = client.get(TODO)
    assert response.status_code == 200
    return response.content.decode()


def items(user):
    response = client_for(user).get("/api/todo/")
    assert response.status_code == 200
    return [item for section in response.json()["sections"] for item in section["items"]]


def test_a_county_sees_its_plan_to_submit_with_the_deadline(client, cast, deadlines, clock):
    clock.at(local(DEADLINE - dt.timedelta(days=2)))

    html = page(client, cast.county_admin_a)

    assert "提交规划：报市级审核" in html and "琅琊区智慧校园建设行动计划" in html
    assert "截止 2026-05-15" in html and "还剩 " in html
    assert f'href="/plans/{deadlines.county_plan.pk}/"' in html

    ps.plan_submit(by=cast.county_admin_a, plan=deadlines.county_plan)
    assert "提交规划" not in page(client, cast.county_admin_a)


def test_a_late_plan_is_overdue(client, cast, deadlines, clock):
    clock.at(local(DEADLINE + dt.timedelta(days=1)))

    [item] = [i for i in items(cast.county_admin_a) if i["kind"] == "plan_submit"]

    assert item["overdue"] is True and item["remaining"] == "已逾期"
    assert item["deadline_text"] == "截止 2026-05-15" and item["campaign"] is None
    assert (item["plan"], item["plan_name"]) == (deadlines.county_plan.pk, "琅琊区智慧校园建设行动计划")


def test_a_department_sees_its_kpi_to_report(client, cast, deadlines, clock):
    html = page(client, deadlines.department_user)

    assert 'data-role="department_user"' in html and "处室用户" in html
    assert "填报指标进度" in html and "教师信息素养培训覆盖率" in html
    assert f'href="/plans/targets/{deadlines.kpi.pk}/report/"' in html
    assert "名师网络课堂开课数" not in html  # another department's KPI

    clock.at(local(DEADLINE - dt.timedelta(days=5)))
    ps.report_submit(by=deadlines.department_user, target=deadlines.kpi, as_of=clock.now.date(), value=Decimal(70))
    assert "填报指标进度" not in page(client, deadlines.department_user)


def test_the_city_sees_county_plans_to_review_reports_to_accept_and_kpis_nobody_reports(client, cast, deadlines, clock):
    clock.at(local(DEADLINE - dt.timedelta(days=5)))
    ps.plan_submit(by=cast.county_admin_a, plan=deadlines.county_plan)
    ps.report_submit(by=deadlines.department_user, target=deadlines.kpi, as_of=clock.now.date(), value=Decimal(70))

    kinds = {(i["kind"], i["place"], i["count"]) for i in items(cast.city_admin)}
    html = page(client, cast.city_admin)

    assert ("plan_review", "琅琊区", None) in kinds
    assert ("report_accept", "滁州市", 1) in kinds
    assert ("report_due", "滁州市", None) in kinds  # 教师工作处 has no department user
    assert "县级规划已提交，待审核（采纳或退回）" in html and "1 份进度填报待采纳或退回" in html
    assert "名师网络课堂开课数" in html and "教师信息素养培训覆盖率" not in html
    # The county's section does not offer to review its own plan.
    assert "plan_review" not in {i["kind"] for i in items(cast.county_admin_a)}


def test_the_plans_work_asks_the_same_number_of_queries_however_many_kpis(
    client, cast, deadlines, clock, django_assert_max_num_queries
):
    def queries(user):
        client.force_login(user)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(TODO).status_code == 200
        return len(ctx.captured_queries)

    clock.at(local(DEADLINE - dt.timedelta(days=5)))
    ps.report_submit(by=deadlines.department_user, target=deadlines.kpi, as_of=clock.now.date(), value=Decimal(1))
    few = {who: queries(who) for who in (deadlines.department_user, cast.city_admin)}
    plan = ps.plan_create(by=cast.city_admin, region=cast.city, title="第二个计划", start_year=2026, end_year=2027)
    made = [kpi(cast, plan, f"指标{n}", lead, report_by=DEADLINE) for n in range(4) for lead in (deadlines.department, deadlines.other_department)]
    ps.plan_publish(by=cast.city_admin, plan=plan)
    for target in made[:3]:
        ps.report_submit(by=cast.city_admin, target=target, as_of=clock.now.date(), value=Decimal(1))

    for who, n in few.items():
        client.force_login(who)
        with django_assert_max_num_queries(n):
            html = client.get(TODO).content.decode()
        assert "指标3" in html
