"""The school report (/reports/applications/<id>/ and GET /api/applications/{id}/report/): each
area against the county's and the city's averages, strengths and weaknesses, the tier and the way
up, and the reviewers' comments, as far as the viewer may see them."""

from __future__ import annotations

import json
import re

import pytest
from django.urls import reverse

from campuseval.campaigns.models import ExpertScore, IndicatorScore

from .conftest import play

AREAS = ["1", "2", "3", "4", "5", "6"]
# School A after publication: the experts' combined scores (see conftest).
SCHOOL_A = {"1": 23, "2": 10, "3": 10, "4": 40.5, "5": 12, "6": 10}
COUNTY_A = {"1": 24.5, "2": 9.5, "3": 10, "4": 41.25, "5": 12, "6": 9}  # school A and A2
CITY = {"1": 24.67, "2": 9.67, "3": 8.67, "4": 41.5, "5": 12, "6": 9.33}  # A, A2 and B


def report(client, user, application):
    client.force_login(user)
    response = client.get(reverse("api:application_report", args=[application.pk]))
    assert response.status_code == 200, response.content
    return response.json()


def page(client, user, application):
    client.force_login(user)
    response = client.get(reverse("reports:application", args=[application.pk]))
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def radar(html):
    found = re.search(r'<script id="chart-areas-option" type="application/json">(.*?)</script>', html, re.S)
    assert found
    return json.loads(found[1])


def test_the_school_sees_each_area_against_its_county_and_city_averages(client, world):
    data = report(client, world.cast.school_user_a, world.apps["a"])

    areas = {a["code"]: a for a in data["areas"]}
    assert list(areas) == AREAS
    assert {c: a["score"] for c, a in areas.items()} == SCHOOL_A
    assert {c: a["county"] for c, a in areas.items()} == pytest.approx(COUNTY_A)
    assert {c: a["city"] for c, a in areas.items()} == pytest.approx(CITY)
    assert areas["1"]["vs_county"] == -1.5 and areas["1"]["vs_city"] == pytest.approx(-1.67)
    assert areas["3"]["vs_county"] == 0 and areas["3"]["vs_city"] == pytest.approx(1.33)
    assert (data["level"], data["total"], data["max_total"]) == ("expert", 105.5, 110)
    assert (data["county"]["name"], data["city"]["name"]) == ("琅琊区", "滁州市")


def test_strengths_and_weaknesses_are_the_areas_furthest_above_and_below_the_county(client, world):
    data = report(client, world.cast.school_user_a, world.apps["a"])

    assert data["strengths"] == ["6", "2"]  # +1, +0.5; areas level with the county are neither
    assert data["weaknesses"] == ["1", "4"]  # −1.5, −0.75

    html = page(client, world.cast.school_user_a, world.apps["a"])
    strengths = html[html.index('class="small mb-0 report-strengths"'):html.index("report-weaknesses")]
    assert strengths.index("应用成效") < strengths.index("数字资源")
    assert "基础环境" not in strengths


def test_the_report_draws_the_radar_of_the_school_against_county_and_city(client, world):
    html = page(client, world.cast.school_user_a, world.apps["a"])

    assert 'id="chart-areas-option"' in html and 'data-chart="chart-areas-option"' in html
    assert "echarts.min.js" in html and "js/dashboards.js" in html
    assert "琅琊区示例第一小学" in html and "琅琊区平均" in html and "滁州市平均" in html
    assert "+1" in html and "-1.5" in html
    [series] = radar(html)["series"]
    assert [d["name"] for d in series["data"]] == ["琅琊区", "滁州市", "琅琊区示例第一小学"]
    assert series["data"][2]["value"] == [SCHOOL_A[a] for a in AREAS]


def test_once_published_the_school_sees_its_tier_total_and_way_up(client, world):
    data = report(client, world.cast.school_user_a, world.apps["a"])

    assert data["decided_tier"] == data["scored_tier"] == "示范型"
    assert data["combined_total"] == 105.5
    assert data["next_tier"] is None  # the highest tier already
    assert data["basic_missed"] == [] and data["averages"] == "published"
    b = report(client, world.cast.school_user_b, world.apps["b"])
    assert b["decided_tier"] == "优秀型" and b["demo_missed"] == ["1.1.5"]
    assert b["next_tier"]["target"] == "示范型"
    assert [s["code"] for s in b["next_tier"]["steps"]] == ["1.1.5"]


def test_before_publication_the_school_sees_its_own_scores_and_no_averages(client, cast, campaign, clock):
    world = play(cast, campaign, clock, "decided")

    school = report(client, cast.school_user_a, world.apps["a"])
    assert (school["level"], school["decided_tier"], school["combined_total"]) == ("self", None, None)
    assert {a["code"]: a["score"] for a in school["areas"]}["1"] == 26  # its own full marks
    assert all(a["county"] is None and a["city"] is None for a in school["areas"])
    html = page(client, cast.school_user_a, world.apps["a"])
    assert "本年度结果公布后显示县、市平均" in html
    # The radar draws the school alone, not the county and city at 0.
    [series] = radar(html)["series"]
    assert [d["name"] for d in series["data"]] == ["琅琊区示例第一小学"]
    # The city sees the experts' scores and today's averages.
    city = report(client, cast.city_admin, world.apps["a"])
    assert (city["level"], city["decided_tier"], city["averages"]) == ("expert", "示范型", "live")
    assert {a["code"]: a["county"] for a in city["areas"]}["1"] == 24.5


def test_the_county_sees_its_own_scores_once_it_has_scored_every_indicator(client, cast, campaign, clock):
    world = play(cast, campaign, clock, "submitted")
    a = world.apps["a"]
    IndicatorScore.objects.filter(application=a, code="1.5.2").update(county_score=0)
    assert report(client, cast.county_admin_a, a)["level"] == "self"  # one indicator is no total

    IndicatorScore.objects.filter(application=a).exclude(code="1.5.2").update(county_score=1)
    county = report(client, cast.county_admin_a, a)
    assert county["level"] == "county" and county["level_label"] == "县级评分"
    assert report(client, cast.school_user_a, a)["level"] == "self"


def test_an_overridden_tier_shows_the_school_the_decision_and_not_the_scores_tier(client, cast, campaign, clock):
    world = play(cast, campaign, clock, "published", override={"a": ("优秀型", "专家组复核后按优秀型认定")})

    school = report(client, cast.school_user_a, world.apps["a"])
    assert school["decided_tier"] == "优秀型"
    assert school["scored_tier"] is None and school["next_tier"] is None and school["basic_met"] is None
    html = page(client, cast.school_user_a, world.apps["a"])
    assert "认定等级以市级认定为准" in html and "升级路径" not in html
    city = report(client, cast.city_admin, world.apps["a"])
    assert city["scored_tier"] == "示范型" and city["decided_tier"] == "优秀型"


def test_the_school_reads_the_countys_comments_while_its_application_is_returned(client, cast, campaign, clock):
    world = play(cast, campaign, clock, "returned")

    comments = report(client, cast.school_user_a, world.apps["a"])["comments"]
    assert [(c["source"], c["code"], c["text"]) for c in comments] == [
        ("county", "", "请按指标意见修改后重新提交。"), ("county", "1.5.2", "佐证材料不足，请补充照片"),
    ]
    assert "佐证材料不足，请补充照片" in page(client, cast.school_user_a, world.apps["a"])


def test_the_experts_comments_are_the_citys(client, world):
    ExpertScore.objects.filter(assignment__application=world.apps["a"], code="1.5.2").update(comment="未见平台建设合同")

    city = report(client, world.cast.city_admin, world.apps["a"])["comments"]
    assert [(c["source"], c["code"], c["text"]) for c in city] == [("expert", "1.5.2", "未见平台建设合同")] * 2
    assert report(client, world.cast.school_user_a, world.apps["a"])["comments"] == []
    assert report(client, world.cast.county_admin_a, world.apps["a"])["comments"] == []
    assert "未见平台建设合同" not in page(client, world.cast.school_user_a, world.apps["a"])


def test_a_school_cannot_open_another_schools_report(client, world):
    client.force_login(world.cast.school_user_b)

    assert client.get(reverse("reports:application", args=[world.apps["a"].pk])).status_code == 404
    assert client.get(reverse("api:application_report", args=[world.apps["a"].pk])).status_code == 404
    assert client.get(reverse("reports:application", args=[world.apps["b"].pk])).status_code == 200


def test_a_county_cannot_open_a_report_of_another_countys_school(client, world):
    client.force_login(world.cast.county_admin_a)

    assert client.get(reverse("reports:application", args=[world.apps["b"].pk])).status_code == 404
    assert client.get(reverse("api:application_report", args=[world.apps["b"].pk])).status_code == 404


def test_the_application_page_links_to_its_report(client, world):
    client.force_login(world.cast.school_user_a)
    html = client.get(reverse("campaigns:school_application", args=[world.apps["a"].pk])).content.decode()

    assert reverse("reports:application", args=[world.apps["a"].pk]) in html
