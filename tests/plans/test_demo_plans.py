"""The demo city's plans (issue 9): the Chuzhou plan's pages reproduce the seed's two 任务分解表
from the plan's own rows, with the printed 66% shown beside the computed 67%; the 2019 tasks
carry the 明细表's names; the coverage plan and the action plan show statuses and gaps."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from campuseval.accounts.models import User
from campuseval.plans.models import ConstructionTask, Plan
from campuseval.plans.tables import task_tables
from campuseval.regions.models import Region
from tests.conftest import PASSWORD

from .chuzhou_seed import (
    OTHER,
    OTHER_SUBTOTAL,
    POINTS,
    POOR,
    POOR_SUBTOTAL,
    RURAL,
    RURAL_ROWS,
    RURAL_TOTAL,
    SCHOOLS_2019,
)


@pytest.fixture(scope="module")
def demo_plans(django_db_setup, django_db_blocker):
    """The demo city without campaigns, and its plans (built once for the module)."""
    from django.db import transaction

    from campuseval.demodata.generate import generate_demo
    from campuseval.demodata.plans import demo_plans_create
    from campuseval.demodata.services import demo_create

    with django_db_blocker.unblock(), transaction.atomic():
        demo_create(spec=generate_demo(), password=PASSWORD, campaigns=False)
        city = Region.objects.get(code="341100")
        demo_plans_create(city=city, by=User.objects.get(username="city"), seed=1)
        yield
        transaction.set_rollback(True)


def chuzhou() -> Plan:
    return Plan.objects.get(title__startswith="滁州市智慧学校建设总体规划")


@pytest.mark.usefixtures("demo_plans")
@pytest.mark.django_db
def test_the_teaching_point_table_is_the_seeds_with_its_printed_66_percent_beside_67():
    planned, _done = task_tables(chuzhou(), POINTS)
    by_group = {g.name: g for g in planned.groups}
    poor, other = by_group["贫困地区"], by_group["其他地区"]
    assert [(r.label, r.total) for r in poor.rows] == [(label, total) for label, total, _ in POOR]
    assert [(r.label, r.total) for r in other.rows] == [(label, total) for label, total, _ in OTHER]
    expected = {label: printed for label, _total, printed in OTHER}
    for row in other.rows:
        printed = expected[row.label]
        for cell, (n, rate) in zip(row.cells, printed, strict=True):
            if n is None:
                assert cell.dash or cell.planned == 0
                continue
            assert cell.planned == n
            if row.label == "天长市" and cell.year == 2020:
                assert (cell.rate, cell.stated, cell.disagrees) == (67, 66, True)
            else:
                assert cell.rate == rate
    assert (poor.subtotal.total, other.subtotal.total) == (POOR_SUBTOTAL[1], OTHER_SUBTOTAL[1])
    assert [c.planned for c in other.subtotal.cells] == [n for n, _ in OTHER_SUBTOTAL[2]]


@pytest.mark.usefixtures("demo_plans")
@pytest.mark.django_db
def test_the_rural_school_table_is_the_seeds():
    planned, _done = task_tables(chuzhou(), RURAL)
    rows = [r for g in planned.groups for r in g.rows]
    assert [(r.label, r.total) for r in rows] == [(label, total) for label, total, _ in RURAL_ROWS]
    for row, (_label, _total, printed) in zip(rows, RURAL_ROWS, strict=True):
        assert [(c.planned, c.rate) for c in row.cells if not c.dash] == [p for p in printed if p[0] is not None]
    assert planned.total.total == RURAL_TOTAL[1]
    assert [(c.planned, c.rate) for c in planned.total.cells] == list(RURAL_TOTAL[2])


@pytest.mark.usefixtures("demo_plans")
@pytest.mark.django_db
def test_the_2019_tasks_carry_the_names_of_the_seeds_list():
    for category, counts in SCHOOLS_2019.items():
        tasks = ConstructionTask.objects.filter(plan=chuzhou(), category=category, year=2019)
        per_county: dict[str, int] = {}
        for task in tasks.select_related("school__county"):
            per_county[task.school.county.name] = per_county.get(task.school.county.name, 0) + 1
        assert per_county == counts
    assert ConstructionTask.objects.filter(plan=chuzhou(), school__name="年家岗湖里教学点").exists()


@pytest.mark.usefixtures("demo_plans")
@pytest.mark.django_db
def test_the_city_reads_the_demo_plans_with_statuses_gaps_and_the_disagreement(client):
    client.force_login(User.objects.get(username="city"))
    listing = client.get(reverse("plans:list")).content.decode()
    # The city's three plans and the county plan that answers the coverage plan (a draft, due soon).
    assert listing.count('class="list-group-item list-group-item-action" href="/plans/') == 4
    assert "琅琊区智慧校园建设年度计划" in listing
    table = client.get(reverse("plans:task_table", args=[chuzhou().pk, POINTS])).content.decode()
    assert "原表：66%" in table and "与规划原表所列不同" in table
    coverage = Plan.objects.get(title__startswith="滁州市智慧校园建设三年行动")
    board = client.get(reverse("plans:detail", args=[coverage.pk])).content.decode()
    assert "各县目标合计 11所，比全市目标 12所少 1所" in board
    assert re.search(r"滁州市还需 \d+ 所学校在", board)
    action = Plan.objects.get(title__startswith="滁州市智慧教育示范区创建行动计划")
    board = client.get(reverse("plans:detail", args=[action.pk])).content.decode()
    for kpi in ("培养首席信息官", "网络安全等级保护", "人工智能"):
        assert kpi in board
    assert "待采纳的进度填报" in board
