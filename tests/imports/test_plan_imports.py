"""Importing plans from .xlsx: the 建设任务分解表 (plan_tasks), the 建设任务明细表 (plan_schools)
and an action plan's 指标 (plan_kpis), the imports app's way (issue 9)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from campuseval.audit.models import AuditRecord
from campuseval.campaigns.models import Application
from campuseval.imports.kinds.base import RowError
from campuseval.imports.models import ImportJob
from campuseval.plans import rules
from campuseval.plans import services as ps
from campuseval.plans.decomposition import (
    read_groups_csv,
    read_plan_csv,
    read_stated_csv,
    task_table,
)
from campuseval.plans.models import ConstructionTask, Target
from campuseval.plans.rules import PlanError
from campuseval.plans.tables import task_tables
from campuseval.regions.models import Department, Region
from tests.campaigns.conftest import make_campaign
from tests.campaigns.conftest import rubrics as rubrics  # the fixture
from tests.plans.chuzhou_seed import GROUPS_CSV, PLAN_CSV, POINTS, RURAL, STATED_CSV

from .conftest import last_job, login, read, upload, xlsx

pytestmark = pytest.mark.django_db

TASK_HEADERS = ["规划名称", "类别", "县（市、区）", "分组", "合计数", "年度", "建设数", "原表完成率"]
SCHOOL_HEADERS = ["规划名称", "类别", "年度", "学校标识码", "状态", "建成日期", "验收日期", "佐证"]
KPI_HEADERS = ["规划名称", "重点工程", "指标", "目标值", "单位", "里程碑", "截止日期", "牵头处室", "配合处室", "各区市分别落实"]
TITLE = "滁州市智慧学校建设总体规划（2018—2022年）"
# Chuzhou's other counties (the cast has 琅琊区 and 南谯区).
MORE_COUNTIES = {
    "341122": "来安县", "341124": "全椒县", "341125": "定远县", "341126": "凤阳县", "341181": "天长市", "341182": "明光市",
}  # fmt: skip


@pytest.fixture
def counties(cast):
    for code, name in MORE_COUNTIES.items():
        Region.objects.create(code=code, name=name, level="county", parent=cast.city)


@pytest.fixture
def plan(cast):
    return ps.plan_create(by=cast.city_admin, region=cast.city, title=TITLE, start_year=2018, end_year=2022)


def messages(job: ImportJob) -> list[str]:
    return [RowError.from_dict(e).text for e in job.errors]


def seed_rows(category: str, *, with_stated: bool = True) -> list[list[object]]:
    """The seed's 任务分解表 of a category as rows of the import, in the CSV's order."""
    groups = read_groups_csv(GROUPS_CSV.read_bytes(), GROUPS_CSV.name).get(category, {})
    stated = read_stated_csv(STATED_CSV.read_bytes(), STATED_CSV.name).get(category, {})
    return [
        [TITLE, category, r.region, groups.get(r.region), r.total, r.year, r.planned,
         stated.get((r.region, r.year)) if with_stated else None]
        for r in read_plan_csv(PLAN_CSV.read_bytes(), PLAN_CSV.name)
        if r.category == category
    ]  # fmt: skip


def expected_table(category: str):
    """The seed's table straight from the CSV files, with the counties' printed rates only
    (the import has a row per county and year: a 小计's printed rate has no row)."""
    rows = read_plan_csv(PLAN_CSV.read_bytes(), PLAN_CSV.name)
    groups = read_groups_csv(GROUPS_CSV.read_bytes(), GROUPS_CSV.name).get(category)
    stated = read_stated_csv(STATED_CSV.read_bytes(), STATED_CSV.name).get(category, {})
    counties = {r.region for r in rows}
    return task_table(rows, category, groups, {k: v for k, v in stated.items() if k[0] in counties})


# --- 建设任务分解表 ------------------------------------------------------------------------------


def test_a_tasks_file_builds_the_plans_task_table(client, cast, counties, plan, django_capture_on_commit_callbacks):
    login(client, cast.city_admin)
    upload(client, "plan_tasks", xlsx(TASK_HEADERS, seed_rows(POINTS) + seed_rows(RURAL)), django_capture_on_commit_callbacks)

    job = last_job()
    assert job.status == ImportJob.Status.DONE, messages(job)
    assert job.summary == {"created": 64, "updated": 0, "unchanged": 0}
    for category in (POINTS, RURAL):
        planned, _built = task_tables(plan, category)
        assert planned == expected_table(category)
    points, _built = task_tables(plan, POINTS)
    assert [g.name for g in points.groups] == ["贫困地区", "其他地区"]
    # 天长市 2020 is printed 66% where 2/3 is 67%: kept as typed, shown beside the computed rate.
    tianchang = next(r for r in points.rows() if r.label == "天长市")
    cell = next(c for c in tianchang.cells if c.year == 2020)
    assert (cell.stated, cell.rate, cell.disagrees) == (66, 67, True)
    whole = Target.objects.get(plan=plan, category=POINTS, parent=None)
    assert (whole.value, whole.unit, whole.kind, whole.measure) == (Decimal(67), "个", "count", "tasks")
    assert Target.objects.get(plan=plan, category=RURAL, parent=None).value == Decimal(175)
    assert Target.objects.filter(plan=plan).count() == 2 * (1 + 8 + 32)
    assert AuditRecord.objects.filter(object_type="plans.target", action="create").count() == 82


def test_importing_again_updates_and_never_duplicates(client, cast, counties, plan, django_capture_on_commit_callbacks):
    rows = seed_rows(POINTS)
    login(client, cast.city_admin)
    upload(client, "plan_tasks", xlsx(TASK_HEADERS, rows), django_capture_on_commit_callbacks)
    upload(client, "plan_tasks", xlsx(TASK_HEADERS, rows), django_capture_on_commit_callbacks)
    assert last_job().summary == {"created": 0, "updated": 0, "unchanged": 32}

    # 琅琊区 builds one teaching point in 2021 after all: its 合计数 and that year change.
    for row in rows:
        if row[2] == "琅琊区":
            row[4] = 1
            row[6] = 1 if row[5] == 2021 else 0
    upload(client, "plan_tasks", xlsx(TASK_HEADERS, rows), django_capture_on_commit_callbacks)

    assert last_job().summary == {"created": 0, "updated": 4, "unchanged": 28}, messages(last_job())
    assert Target.objects.filter(plan=plan).count() == 1 + 8 + 32
    assert Target.objects.get(plan=plan, parent=None).value == Decimal(68)
    assert Target.objects.get(plan=plan, region=cast.county_a, cumulative=True).value == Decimal(1)
    update = AuditRecord.objects.filter(object_type="plans.target", action="update").order_by("seq").last()
    assert (update.before, update.after) == ({"value": "67"}, {"value": "68"})


def test_a_file_with_only_some_years_keeps_the_others(client, cast, plan, django_capture_on_commit_callbacks):
    rows = [[TITLE, POINTS, "琅琊区", "", 3, 2019, 1, None], [TITLE, POINTS, "琅琊区", "", 3, 2020, 2, None]]
    login(client, cast.city_admin)
    upload(client, "plan_tasks", xlsx(TASK_HEADERS, rows), django_capture_on_commit_callbacks)
    # 2021 alone: 1 + 2 stored and 1 more is 4, over the 合计数 of 3.
    upload(client, "plan_tasks", xlsx(TASK_HEADERS, [[TITLE, POINTS, "341102", "", 3, 2021, 1, None]]), django_capture_on_commit_callbacks)

    assert messages(last_job()) == ["第 2 行 G 列（建设数）：到 2021 年累计建设数 4 超过合计数 3"]
    upload(client, "plan_tasks", xlsx(TASK_HEADERS, [[TITLE, POINTS, "341102", "", 4, 2021, 1, None]]), django_capture_on_commit_callbacks)
    assert last_job().summary == {"created": 1, "updated": 0, "unchanged": 0}, messages(last_job())
    assert Target.objects.get(plan=plan, parent=None).value == Decimal(4)


def test_every_bad_cell_is_listed_and_nothing_is_saved(client, cast, plan, django_capture_on_commit_callbacks):
    rows = [
        [TITLE, POINTS, "琅琊区", "其他地区", 2, 2019, 1, 50],
        [TITLE, POINTS, "琅琊区", "其他地区", 3, 2020, 1, 100],  # 合计数 differs from row 2
        [TITLE, POINTS, "南谯区", "其他地区", "十一", 2019, -1, "五成"],  # not numbers, negative
        [TITLE, RURAL, "南谯区", "", 2, 2019, 3, None],  # 建设数 over 合计数
        [TITLE, RURAL, "琅琊区", "", 2, 2019, 1, None],
        [TITLE, RURAL, "琅琊区", "", 2, 2020, 2, None],  # the years add up to 3
        [TITLE, POINTS, "不存在县", "", 1, 2019, 1, None],
        [TITLE, POINTS, "瑶海区", "", 1, 2019, 1, None],  # a county of 合肥市
        [TITLE, POINTS, "340102", "", 1, 2019, 1, None],
        [TITLE, POINTS, "南谯区", "其他地区", 1, 2030, 1, None],  # after the plan
        ["没有这个规划", POINTS, "琅琊区", "", 1, 2019, 1, None],
        [TITLE, POINTS, "琅琊区", "其他地区", 2, 2019, 1, None],  # repeats row 2
    ]
    login(client, cast.city_admin)
    upload(client, "plan_tasks", xlsx(TASK_HEADERS, rows), django_capture_on_commit_callbacks)

    job = last_job()
    assert job.status == ImportJob.Status.INVALID
    assert messages(job) == [
        "第 3 行 E 列（合计数）：与第 2 行的 2 不同（同一县（市、区）同一类别的合计数应相同）",
        "第 4 行 E 列（合计数）：应为数字",
        "第 4 行 G 列（建设数）：应为不大于 2000000000 的非负整数",
        "第 4 行 H 列（原表完成率）：应为数字",
        "第 5 行 G 列（建设数）：建设数 3 超过合计数 2",
        "第 7 行 G 列（建设数）：到 2020 年累计建设数 3 超过合计数 2",
        "第 8 行 C 列（县（市、区））：找不到名为 不存在县 的县（市、区）",
        "第 9 行 C 列（县（市、区））：瑶海区（340102）（属合肥市）不在规划的制定区域滁州市内",
        "第 10 行 C 列（县（市、区））：瑶海区（340102）（属合肥市）不在规划的制定区域滁州市内",
        "第 11 行 F 列（年度）：2030 年不在规划年度（2018—2022 年）内",
        "第 12 行 A 列（规划名称）：没有名为“没有这个规划”的规划，或您无权修改",
        "第 13 行 F 列（年度）：与第 2 行重复（同一规划、类别、县（市、区）的每个年度只能有一行）",
    ]
    assert not Target.objects.exists()
    sheet = read(client.get(reverse("imports:job_errors", args=[job.pk])).content)
    assert sheet[0][-1] == "错误"
    assert sheet[3][-1].startswith("E 列（合计数）：应为数字")


def test_a_plan_outside_the_importers_scope_is_not_found(client, cast, plan, django_capture_on_commit_callbacks):
    ps.plan_create(by=cast.platform_admin, region=cast.other_city, title="合肥市规划", start_year=2020, end_year=2022)
    rows = [[TITLE, POINTS, "琅琊区", "", 1, 2019, 1, None]]
    login(client, cast.county_admin_a)  # runs county A's plans, not the city's
    upload(client, "plan_tasks", xlsx(TASK_HEADERS, rows), django_capture_on_commit_callbacks)
    assert messages(last_job()) == [f"第 2 行 A 列（规划名称）：没有名为“{TITLE}”的规划，或您无权修改"]

    login(client, cast.city_admin)
    upload(client, "plan_tasks", xlsx(TASK_HEADERS, [["合肥市规划", POINTS, "瑶海区", "", 1, 2020, 1, None]]), django_capture_on_commit_callbacks)
    assert messages(last_job()) == ["第 2 行 A 列（规划名称）：没有名为“合肥市规划”的规划，或您无权修改"]
    assert not Target.objects.exists()


def test_a_published_plan_refuses_in_the_rulebooks_words(client, cast, plan, django_capture_on_commit_callbacks):
    ps.plan_publish(by=cast.city_admin, plan=plan)
    with pytest.raises(PlanError) as refusal:
        rules.check(rules.EDIT, plan)

    login(client, cast.city_admin)
    upload(client, "plan_tasks", xlsx(TASK_HEADERS, [[TITLE, POINTS, "琅琊区", "", 1, 2019, 1, None]]), django_capture_on_commit_callbacks)

    assert messages(last_job()) == [f"第 2 行 A 列（规划名称）：{TITLE}：{refusal.value}"]
    assert not Target.objects.exists()


def test_a_county_imports_its_own_plan_for_its_own_county(client, cast, django_capture_on_commit_callbacks):
    mine = ps.plan_create(by=cast.county_admin_a, region=cast.county_a, title="琅琊区规划", start_year=2020, end_year=2022)
    rows = [["琅琊区规划", RURAL, "琅琊区", "", 2, 2020, 1, None], ["琅琊区规划", RURAL, "南谯区", "", 1, 2020, 1, None]]
    login(client, cast.county_admin_a)
    upload(client, "plan_tasks", xlsx(TASK_HEADERS, rows), django_capture_on_commit_callbacks)
    assert messages(last_job()) == ["第 3 行 C 列（县（市、区））：南谯区（341103）（属滁州市）不在规划的制定区域琅琊区内"]

    upload(client, "plan_tasks", xlsx(TASK_HEADERS, rows[:1]), django_capture_on_commit_callbacks)
    assert last_job().status == ImportJob.Status.DONE, messages(last_job())
    planned, _built = task_tables(mine, RURAL)
    assert [(r.label, r.total) for r in planned.rows()] == [("琅琊区", 2), ("全市合计", 2)]


def test_the_group_and_rate_columns_may_be_left_out(client, cast, plan, django_capture_on_commit_callbacks):
    login(client, cast.city_admin)
    upload(client, "plan_tasks", xlsx(TASK_HEADERS, [[TITLE, POINTS, "琅琊区", "贫困地区", 2, 2019, 1, 40]]), django_capture_on_commit_callbacks)
    headers = ["规划名称", "类别", "县（市、区）", "合计数", "年度", "建设数"]
    upload(client, "plan_tasks", xlsx(headers, [[TITLE, POINTS, "琅琊区", 2, 2019, 2]]), django_capture_on_commit_callbacks)

    assert last_job().summary == {"created": 0, "updated": 1, "unchanged": 0}, messages(last_job())
    yearly = Target.objects.get(plan=plan, cumulative=False)
    assert (yearly.value, yearly.stated_rate) == (Decimal(2), 40)
    assert Target.objects.get(plan=plan, parent__isnull=False, cumulative=True).group == "贫困地区"


# --- 建设任务明细表 ------------------------------------------------------------------------------


@pytest.fixture
def count_plan(client, cast, plan, django_capture_on_commit_callbacks):
    rows = [[TITLE, POINTS, "琅琊区", "", 1, 2019, 1, None], [TITLE, RURAL, "南谯区", "", 1, 2020, 1, None]]
    login(client, cast.city_admin)
    upload(client, "plan_tasks", xlsx(TASK_HEADERS, rows), django_capture_on_commit_callbacks)
    assert last_job().status == ImportJob.Status.DONE, messages(last_job())
    return plan


def test_the_schools_file_makes_tasks_of_existing_schools(client, cast, count_plan, django_capture_on_commit_callbacks):
    rows = [
        [TITLE, POINTS, 2019, "2134000003", "验收通过", dt.date(2019, 9, 1), "2019-11-30", "验收报告 2019-01"],
        [TITLE, RURAL, 2020, "2134000002", None, None, None, None],
    ]
    login(client, cast.city_admin)
    upload(client, "plan_schools", xlsx(SCHOOL_HEADERS, rows), django_capture_on_commit_callbacks)

    assert last_job().summary == {"created": 2, "updated": 0, "unchanged": 0}, messages(last_job())
    point = ConstructionTask.objects.get(school=cast.teaching_point_a)
    assert (point.category, point.year, point.status) == (POINTS, 2019, "accepted")
    assert (point.built_on, point.accepted_on, point.evidence) == (dt.date(2019, 9, 1), dt.date(2019, 11, 30), "验收报告 2019-01")
    assert ConstructionTask.objects.get(school=cast.school_b).status == "planned"
    _planned, built = task_tables(count_plan, POINTS)
    assert [(r.label, [c.planned for c in r.cells]) for r in built.rows()] == [("琅琊区", [1]), ("全市合计", [1])]

    # Again, with the rural school moved on to 在建 and to 2021: updated, not duplicated.
    rows[1][2], rows[1][4] = 2021, "在建"
    upload(client, "plan_schools", xlsx(SCHOOL_HEADERS, rows), django_capture_on_commit_callbacks)
    assert last_job().summary == {"created": 0, "updated": 1, "unchanged": 1}, messages(last_job())
    assert ConstructionTask.objects.count() == 2
    rural = ConstructionTask.objects.get(school=cast.school_b)
    assert (rural.year, rural.status) == (2021, "building")
    update = AuditRecord.objects.get(object_type="plans.constructiontask", action="update")
    assert update.after == {"year": 2021, "status": "building"}


def test_the_schools_file_refuses_unknown_schools_and_schools_of_another_region(
    client, cast, count_plan, rubrics, django_capture_on_commit_callbacks
):
    rows = [
        [TITLE, POINTS, 2019, "2134000999", None, None, None, None],  # no such school
        [TITLE, POINTS, 2019, "2134000004", None, None, None, None],  # 瑶海区, 合肥市
        [TITLE, "智慧图书馆", 2019, "2134000001", None, None, None, None],  # not a category of the plan
        [TITLE, POINTS, 2019, "2134000003", "建成", None, None, None],  # built without a date
        [TITLE, POINTS, 2019, "2134000003", None, None, None, None],  # the same school again
        [TITLE, RURAL, 2019, "2134000002", "验收通过", "2019-10-01", "2019-09-01", None],
    ]
    login(client, cast.city_admin)
    upload(client, "plan_schools", xlsx(SCHOOL_HEADERS, rows), django_capture_on_commit_callbacks)

    assert messages(last_job()) == [
        "第 2 行 D 列（学校标识码）：找不到学校标识码为 2134000999 的学校",
        "第 3 行 D 列（学校标识码）：瑶海区示例第一小学（2134000004）不在规划的制定区域滁州市内",
        f"第 4 行 B 列（类别）：规划中没有“智慧图书馆”类别的建设任务分解（已有：{RURAL}、{POINTS}）",
        "第 5 行 F 列（建成日期）：建成或验收通过的任务须填写建成日期",
        "第 6 行 D 列（学校标识码）：与第 5 行重复（同一规划同一类别每所学校只能有一行）",
        "第 7 行 G 列（验收日期）：验收日期 2019-09-01 早于建成日期 2019-10-01",
    ]
    assert not ConstructionTask.objects.exists()


def test_a_published_plans_tasks_may_still_move_on(client, cast, count_plan, django_capture_on_commit_callbacks):
    ps.task_add(by=cast.city_admin, plan=count_plan, school=cast.teaching_point_a, category=POINTS, year=2019)
    ps.plan_publish(by=cast.city_admin, plan=count_plan)
    login(client, cast.city_admin)
    upload(client, "plan_schools", xlsx(SCHOOL_HEADERS, [[TITLE, POINTS, 2019, "2134000003", "在建", None, None, None]]), django_capture_on_commit_callbacks)

    assert last_job().status == ImportJob.Status.DONE, messages(last_job())
    assert ConstructionTask.objects.get().status == "building"


def test_a_published_plan_takes_no_new_school_nor_a_new_year_and_a_certified_task_stays_closed(
    client, cast, count_plan, rubrics, django_capture_on_commit_callbacks
):
    task = ps.task_add(by=cast.city_admin, plan=count_plan, school=cast.teaching_point_a, category=POINTS, year=2019)
    ps.plan_publish(by=cast.city_admin, plan=count_plan)
    login(client, cast.city_admin)
    rows = [
        [TITLE, POINTS, 2020, "2134000003", "在建", None, None, None],  # the planned year moved
        [TITLE, POINTS, 2019, cast.school_a.code, None, None, None, None],  # a school the plan did not name
    ]
    upload(client, "plan_schools", xlsx(SCHOOL_HEADERS, rows), django_capture_on_commit_callbacks)

    said = messages(last_job())
    assert last_job().status == ImportJob.Status.INVALID
    assert any("第 2 行" in m and "不能更改建设任务的计划年度（2019年）" in m for m in said), said
    assert any("第 3 行" in m and "学校标识码" in m and "不能新增建设任务" in m for m in said), said
    task.refresh_from_db()
    assert (task.year, task.status, ConstructionTask.objects.count()) == (2019, "planned", 1)

    # Closed by its school's certification, the task is not reopened by a file or by hand.
    ConstructionTask.objects.filter(pk=task.pk).update(
        status="accepted", built_on=dt.date(2022, 7, 1), accepted_on=dt.date(2022, 7, 1), evidence="2022年认定为合格型",
        certified_by=Application.objects.create(campaign=make_campaign(cast, rubrics["taizhou-2022"]), school=cast.teaching_point_a),
    )
    upload(client, "plan_schools", xlsx(SCHOOL_HEADERS, [[TITLE, POINTS, 2019, "2134000003", "在建", None, None, None]]), django_capture_on_commit_callbacks)
    said = messages(last_job())
    assert any("状态" in m and "该任务已因学校获认定而验收通过（2022年认定为合格型），不能改回“在建”" in m for m in said), said
    response = client.post(f"/plans/tasks/{task.pk}/", {"status": "building"}, follow=True)
    assert "不能改回“在建”" in response.content.decode()
    task.refresh_from_db()
    assert task.status == "accepted"


# --- 行动计划指标 --------------------------------------------------------------------------------


def test_the_kpi_file_makes_reported_targets_with_their_departments(client, cast, plan, django_capture_on_commit_callbacks):
    Department.objects.create(region=cast.city, name="装备信息中心")
    rows = [
        [TITLE, "师生信息素养提升工程", "培养首席信息官", 100, "名", None, "2022-12-31", "装备信息中心", "教师工作处、教科院", "否"],
        [TITLE, "智慧校园建设工程", "出台智慧校园建设规范", None, None, "印发规范", None, "装备信息中心", None, "是"],
    ]
    login(client, cast.city_admin)
    upload(client, "plan_kpis", xlsx(KPI_HEADERS, rows), django_capture_on_commit_callbacks)

    assert last_job().summary == {"created": 2, "updated": 0, "unchanged": 0}, messages(last_job())
    officer, rule = Target.objects.filter(plan=plan).order_by("order")
    assert (officer.kind, officer.measure, officer.value, officer.unit) == ("kpi", "reported", Decimal(100), "名")
    assert (officer.project, officer.year, officer.due) == ("师生信息素养提升工程", 2022, dt.date(2022, 12, 31))
    assert officer.lead.name == "装备信息中心"
    assert sorted(d.name for d in officer.co.all()) == ["教师工作处", "教科院"]
    assert (rule.value, rule.milestone, rule.all_districts, rule.due, rule.unit) == (None, "印发规范", True, dt.date(2022, 12, 31), "")
    assert set(Department.objects.filter(region=cast.city).values_list("name", flat=True)) == {"装备信息中心", "教师工作处", "教科院"}
    assert AuditRecord.objects.filter(object_type="regions.department", action="create").count() == 2

    rows[0][3], rows[0][8] = 120, "教师工作处"
    upload(client, "plan_kpis", xlsx(KPI_HEADERS, rows), django_capture_on_commit_callbacks)
    assert last_job().summary == {"created": 0, "updated": 1, "unchanged": 1}, messages(last_job())
    assert Target.objects.filter(plan=plan).count() == 2
    officer.refresh_from_db()
    assert officer.value == Decimal(120)
    assert [d.name for d in officer.co.all()] == ["教师工作处"]


def test_the_kpi_file_lists_every_bad_cell(client, cast, plan, django_capture_on_commit_callbacks):
    rows = [
        [TITLE, "工程一", "指标一", None, "%", None, None, None, None, None],  # neither value nor milestone
        [TITLE, "工程一", "指标二", -5, "%", None, "2030-12-31", None, None, "也许"],
        [TITLE, "工程一", "指标三", 1, "%", None, "下个月", "教科院", "教科院", None],
        [TITLE, "工程一", "指标一", 1, "%", None, None, None, None, None],  # repeats row 2
    ]
    login(client, cast.city_admin)
    upload(client, "plan_kpis", xlsx(KPI_HEADERS, rows), django_capture_on_commit_callbacks)

    assert messages(last_job()) == [
        "第 2 行 D 列（目标值）：须填写目标值或里程碑",
        "第 3 行 D 列（目标值）：不能为负数",
        "第 3 行 G 列（截止日期）：截止日期 2030-12-31 不在规划年度（2018—2022 年）内",
        "第 3 行 J 列（各区市分别落实）：应为“是”或“否”",
        "第 4 行 G 列（截止日期）：应为日期，如 2024-06-30",
        "第 4 行 I 列（配合处室）：“教科院”已是牵头处室，不必再列为配合处室",
        "第 5 行 C 列（指标）：与第 2 行重复（同一规划同一重点工程的指标只能出现一次）",
    ]
    assert not Target.objects.exists() and not Department.objects.exists()


def test_a_published_plan_takes_no_kpis(client, cast, plan, django_capture_on_commit_callbacks):
    ps.plan_publish(by=cast.city_admin, plan=plan)
    login(client, cast.city_admin)
    upload(client, "plan_kpis", xlsx(KPI_HEADERS, [[TITLE, "工程", "指标", 1, "%", None, None, None, None, None]]), django_capture_on_commit_callbacks)

    assert last_job().status == ImportJob.Status.INVALID
    assert "不能修改" in messages(last_job())[0]
    assert not Target.objects.exists()


# --- templates and who may import ----------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "headers"), [("plan_tasks", TASK_HEADERS), ("plan_schools", SCHOOL_HEADERS), ("plan_kpis", KPI_HEADERS)]
)
def test_each_plan_kind_has_a_template_and_its_example_row_is_refused(
    client, cast, plan, kind, headers, django_capture_on_commit_callbacks
):
    login(client, cast.county_admin_a)
    response = client.get(reverse("imports:template", args=[kind]))

    assert response.status_code == 200
    wb = load_workbook(BytesIO(response.content))
    data, notes = wb.worksheets
    assert [c.value for c in data[1]] == headers
    assert "虚构" in data["A2"].value
    table = list(notes.iter_rows(values_only=True))
    start = next(i for i, row in enumerate(table) if row[0] == "列") + 1
    assert [row[1] for row in table[start:]] == headers
    assert all(row[2] in {"必填", "选填", "选填（列须保留）"} and row[3] for row in table[start:])

    upload(client, kind, response.content, django_capture_on_commit_callbacks)
    assert "第 2 行：这是模板中的示例行，请删除或改成真实数据后再导入" in messages(last_job())


def test_only_administrators_import_plans(client, cast):
    assert login(client, cast.observer).get(reverse("imports:template", args=["plan_tasks"])).status_code == 403
    page = login(client, cast.county_admin_a).get(reverse("imports:home")).content.decode()
    for kind in ("plan_tasks", "plan_schools", "plan_kpis"):
        assert reverse("imports:upload", args=[kind]) in page



# openpyxl reads an Excel date cell as a naive datetime.
EXCEL_DATE = dt.datetime(2024, 6, 30)  # noqa: DTZ001


@pytest.mark.parametrize("typed", ["2024-06-30", "2024/6/30", "2024.6.30", "2024年6月30日", EXCEL_DATE, dt.date(2024, 6, 30)])
def test_a_date_may_be_typed_as_people_do(typed):
    from campuseval.imports.columns import cell_text, date

    assert date(cell_text(typed)) == dt.date(2024, 6, 30)


@pytest.mark.parametrize(("typed", "reason"), [("2024-02-30", "不是有效的日期"), ("明年", "应为日期，如 2024-06-30")])
def test_a_bad_date_says_why(typed, reason):
    from campuseval.imports.columns import CellError, date

    with pytest.raises(CellError, match=reason):
        date(typed)
