"""The county and city summary reports (/reports/regions/<code>/ and GET /api/regions/{code}/report/):
tier distribution, the most missed indicators, the experts' agreement and the plans' progress,
for whoever may open the region's dashboards."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.urls import reverse

from campuseval.plans import services as ps
from campuseval.plans.models import Target

from .conftest import YEAR


def data(client, user, code, **query):
    client.force_login(user)
    response = client.get(reverse("api:region_report", args=[code]), query)
    assert response.status_code == 200, response.content
    return response.json()


def page(client, user, code, **query):
    client.force_login(user)
    response = client.get(reverse("reports:region", args=[code]), query)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def test_the_city_report_counts_each_countys_schools_by_tier(client, world):
    found = data(client, world.cast.city_admin, world.cast.city.code, year=YEAR)

    units = {u["name"]: u for u in found["units"]}
    # 琅琊区: school A, A2 and a teaching point; 南谯区: school B.
    assert (units["琅琊区"]["schools"], units["琅琊区"]["by_tier"]) == (3, {"示范型": 2})
    assert (units["南谯区"]["schools"], units["南谯区"]["by_tier"]) == (1, {"优秀型": 1})
    assert found["tiers"] == ["示范型", "优秀型", "合格型"]
    assert (found["totals"]["schools"], found["totals"]["certified"], found["totals"]["coverage"]) == (4, 3, "75%")
    assert (found["year"], found["region"]["code"]) == (YEAR, world.cast.city.code)


def test_the_report_lists_the_most_missed_indicators_and_where_experts_disagree(client, world):
    found = data(client, world.cast.city_admin, world.cast.city.code, year=YEAR)

    assert found["most_missed"] == [{"code": "1.1.5", "kind": "demo", "schools": 1}]
    assert found["agreement"] == [{"code": "4.5.1", "mean": 1.0, "n": 1}]
    assert len(found["experts"]) == 6  # two per school


def test_each_expert_against_the_panel_is_for_the_city_only(client, world):
    county = data(client, world.cast.county_admin_a, world.cast.county_a.code, year=YEAR)

    assert county["experts"] is None
    assert county["agreement"] == [{"code": "4.5.1", "mean": 1.0, "n": 1}]
    expert_names = [e["name"] for e in data(client, world.cast.city_admin, world.cast.county_a.code, year=YEAR)["experts"]]
    html = page(client, world.cast.county_admin_a, world.cast.county_a.code, year=YEAR)
    assert expert_names and not any(name in html for name in expert_names)
    assert all(name in page(client, world.cast.city_admin, world.cast.county_a.code, year=YEAR) for name in expert_names)


def test_the_city_report_page_shows_every_section(client, world):
    html = page(client, world.cast.city_admin, world.cast.city.code, year=YEAR)

    assert f"滁州市 {YEAR} 年度评估报告" in html
    for key in ("tiers", "missed", "agreement"):
        assert f'id="chart-{key}-option"' in html
    assert "各等级学校分布" in html and "未达到最多的指标" in html and "专家评分一致性" in html
    assert 'id="chart-board"' in html and "目标与指标进度" in html  # no plan yet: 暂无数据
    assert "75%" in html  # the city's coverage in the headline


def test_the_report_shows_progress_against_the_citys_published_plans(client, world):
    plan = ps.plan_create(by=world.cast.city_admin, region=world.cast.city, title="滁州市智慧校园建设规划", start_year=2022, end_year=2023)
    ps.target_add(
        by=world.cast.city_admin, plan=plan, text="2022年建成率不低于50%", kind=Target.Kind.COVERAGE,
        measure=Target.Measure.CERTIFIED, year=YEAR, due=dt.date(YEAR, 12, 31), value=Decimal(50), unit="%",
    )
    ps.plan_publish(by=world.cast.city_admin, plan=plan)

    [row] = data(client, world.cast.city_admin, world.cast.city.code, year=YEAR)["plans"]
    assert (row["unit"], row["target"], row["status"], row["plan"]) == ("滁州市", "2022年建成率不低于50%", "已完成", plan.pk)
    html = page(client, world.cast.city_admin, world.cast.city.code, year=YEAR)
    assert 'id="chart-board-option"' in html and "2022年建成率不低于50%" in html


def test_a_county_cannot_open_another_countys_report_nor_its_citys(client, world):
    client.force_login(world.cast.county_admin_a)

    for code in (world.cast.county_b.code, world.cast.city.code, world.cast.other_county.code):
        assert client.get(reverse("reports:region", args=[code])).status_code == 404
        assert client.get(reverse("api:region_report", args=[code])).status_code == 404
    assert client.get(reverse("reports:region", args=[world.cast.county_a.code])).status_code == 200


def test_a_school_may_not_open_region_reports(client, world):
    client.force_login(world.cast.school_user_a)

    assert client.get(reverse("reports:region", args=[world.cast.county_a.code])).status_code == 403
    assert client.get(reverse("api:region_report", args=[world.cast.county_a.code])).status_code == 403


def test_a_year_without_campaigns_is_refused_in_the_api_and_named_on_the_page(client, world):
    client.force_login(world.cast.city_admin)

    response = client.get(reverse("api:region_report", args=[world.cast.city.code]), {"year": 1999})
    assert response.status_code == 400 and "year" in response.json()["errors"]
    assert "没有该年度的年度创建" in page(client, world.cast.city_admin, world.cast.city.code, year=1999)


def test_the_dashboards_link_to_the_reports(client, world):
    client.force_login(world.cast.city_admin)

    region = client.get(reverse("analytics:region", args=[world.cast.city.code])).content.decode()
    assert f'{reverse("reports:region", args=[world.cast.city.code])}?year={YEAR}' in region
    school = client.get(reverse("analytics:school", args=[world.cast.school_a.code])).content.decode()
    assert reverse("reports:application", args=[world.apps["a"].pk]) in school
