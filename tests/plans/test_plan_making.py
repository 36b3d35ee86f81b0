"""Making plans in the pages (issue 9): a city administrator makes a plan and adds targets of
each kind; a county makes a plan answering its city's published plan, due by a date; bad
input is named field by field, and nothing is saved."""

from __future__ import annotations

from django.urls import reverse

from campuseval.plans import services as ps
from campuseval.plans.models import Plan, Target
from campuseval.regions.models import Department

NEW = reverse("plans:plan_new")


def plan_data(cast, **overrides):
    data = {"region": cast.city.pk, "title": "滁州市智慧校园三年行动计划", "start_year": "2026", "end_year": "2028"}
    data.update(overrides)
    return data


def test_a_city_administrator_makes_a_plan_and_adds_targets(client, cast):
    client.force_login(cast.city_admin)
    assert "新建规划" in client.get(reverse("plans:list")).content.decode()
    response = client.post(NEW, plan_data(cast, source="滁州市教育局《关于……的通知》"))
    plan = Plan.objects.get(title="滁州市智慧校园三年行动计划")
    assert response.status_code == 302 and plan.status == Plan.Status.DRAFT and plan.created_by == cast.city_admin
    url = reverse("plans:target_new", args=[plan.pk])
    assert "添加目标" in client.get(reverse("plans:detail", args=[plan.pk])).content.decode()
    client.post(url, {
        "text": "2027年建成率不低于30%", "kind": "coverage", "measure": "certified", "year": "2027",
        "due": "2027-12-31", "cumulative": "on", "value": "30", "scope": "all",
    })
    coverage = Target.objects.get(plan=plan, kind=Target.Kind.COVERAGE)
    assert (coverage.value, coverage.unit, coverage.region) == (30, "%", cast.city)
    department = Department.objects.create(region=cast.city, name="装备信息中心")
    client.post(url, {
        "text": "培养首席信息官", "kind": "kpi", "measure": "reported", "year": "2028", "due": "2028-12-31",
        "value": "100", "unit": "名", "scope": "all", "lead": department.pk, "report_by": "2027-06-30",
    })
    kpi = Target.objects.get(plan=plan, kind=Target.Kind.KPI)
    assert (kpi.lead, str(kpi.report_by)) == (department, "2027-06-30")


def test_bad_input_is_named_and_nothing_is_saved(client, cast):
    client.force_login(cast.city_admin)
    response = client.post(NEW, plan_data(cast, title="", start_year="2028", end_year="2026"))
    page = response.content.decode()
    assert response.status_code == 400 and "请填写规划名称" in page
    response = client.post(NEW, plan_data(cast, start_year="2028", end_year="2026"))
    assert response.status_code == 400 and "截止年度不能早于起始年度" in response.content.decode()
    assert not Plan.objects.exists()
    plan = ps.plan_create(by=cast.city_admin, region=cast.city, title="规划", start_year=2026, end_year=2027)
    response = client.post(reverse("plans:target_new", args=[plan.pk]), {
        "text": "覆盖率", "kind": "coverage", "measure": "certified", "year": "2027", "due": "2027-12-31",
        "value": "130", "scope": "all",
    })
    assert response.status_code == 400 and "覆盖率不能超过 100%" in response.content.decode()
    response = client.post(reverse("plans:target_new", args=[plan.pk]), {
        "text": "无目标值", "kind": "count", "measure": "certified", "year": "2027", "due": "2027-12-31", "scope": "all",
    })
    assert "须填写目标值或里程碑" in response.content.decode()
    assert not plan.targets.exists()


def test_a_published_plan_takes_no_new_target(client, cast):
    plan = ps.plan_create(by=cast.city_admin, region=cast.city, title="规划", start_year=2026, end_year=2027)
    ps.plan_publish(by=cast.city_admin, plan=plan)
    client.force_login(cast.city_admin)
    assert "添加目标" not in client.get(reverse("plans:detail", args=[plan.pk])).content.decode()
    response = client.post(reverse("plans:target_new", args=[plan.pk]), {
        "text": "x", "kind": "count", "measure": "certified", "year": "2027", "due": "2027-12-31", "value": "1",
        "scope": "all",
    })
    assert response.status_code == 400 and "规划状态为“已发布”，不能修改" in response.content.decode()


def test_a_county_plan_answers_its_citys_published_plan_by_a_date(client, cast):
    city_plan = ps.plan_create(by=cast.city_admin, region=cast.city, title="滁州市规划", start_year=2026, end_year=2028)
    client.force_login(cast.county_admin_a)
    form = client.get(NEW).content.decode()
    assert "滁州市规划" not in form  # a draft is not the county's to answer
    ps.plan_publish(by=cast.city_admin, plan=city_plan)
    form = client.get(NEW).content.decode()
    assert "滁州市规划" in form and cast.city.name not in form.split('name="region"')[1].split("</select>")[0]
    client.post(NEW, plan_data(cast, region=cast.county_a.pk, title="琅琊区计划", answers=city_plan.pk, submit_by="2026-05-15"))
    county_plan = Plan.objects.get(title="琅琊区计划")
    assert (county_plan.answers, str(county_plan.submit_by)) == (city_plan, "2026-05-15")
    refused = client.post(NEW, plan_data(cast, region=cast.county_a.pk, title="无上级", submit_by="2026-05-15"))
    assert "只有响应上级规划的县级规划有提交截止" in refused.content.decode()


def test_observers_and_schools_may_not_make_plans(client, cast):
    for user in (cast.observer, cast.school_user_a):
        client.force_login(user)
        response = client.get(NEW)
        assert response.status_code == 403 and "新建规划和目标仅限市、县（市、区）管理员" in response.content.decode()
