"""The plain reads: rubrics, schools, campaigns, applications with their results, scores."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from campuseval.campaigns import services as s

from .conftest import fill_full_marks, submit


def test_it_lists_the_latest_version_of_each_rubric(api, cast, rubrics):
    body = api(cast.school_user_a).get("/api/rubrics/").json()

    assert {r["code"] for r in body["results"]} == set(rubrics)
    taizhou = next(r for r in body["results"] if r["code"] == "taizhou-2022")
    assert taizhou["tiers"] == ["示范型", "优秀型", "合格型"]
    assert taizhou["indicator_count"] == 82


def test_it_filters_rubrics_by_kind(api, cast, rubrics):
    body = api(cast.school_user_a).get("/api/rubrics/", {"kind": "criteria"}).json()

    assert [r["code"] for r in body["results"]] == ["weifang-2022"]


def test_a_rubric_gives_its_tree_with_clauses_and_checks(api, cast, rubrics):
    body = api(cast.school_user_a).get("/api/rubrics/taizhou-2022/").json()

    indicators = {i["code"]: i for a in body["areas"] for sub in a["subareas"] for i in sub["indicators"]}
    assert len(indicators) == 82
    assert indicators["1.3.3"]["clause"]["requirement"] == "demo"
    assert indicators["1.3.3"]["requirement"] == "basic"
    check = indicators["1.2.2"]["checks"][0]
    assert "≤" in check["condition"] and "小学 10" in check["condition"]
    assert body["versions"] == [1]
    tier = body["tiers"][0]
    assert (tier["name"], tier["min_total"], tier["basic"], tier["demo"]) == ("示范型", 90.0, "all", "all")


def test_an_unknown_rubric_or_version_is_404_and_a_bad_version_400(api, cast, rubrics):
    client = api(cast.school_user_a)

    assert client.get("/api/rubrics/no-such/").status_code == 404
    assert client.get("/api/rubrics/taizhou-2022/", {"version": 9}).status_code == 404
    response = client.get("/api/rubrics/taizhou-2022/", {"version": "最新"})
    assert response.status_code == 400
    assert response.json()["errors"] == {"version": ["版本号须为正整数"]}


def test_it_filters_schools_by_county_and_name(api, cast):
    client = api(cast.city_admin)

    by_county = client.get("/api/schools/", {"county": cast.county_a.code}).json()["results"]
    by_name = client.get("/api/schools/", {"q": "南谯"}).json()["results"]

    assert {r["code"] for r in by_county} == {cast.school_a.code, cast.teaching_point_a.code}
    assert [r["code"] for r in by_name] == [cast.school_b.code]
    point = next(r for r in by_county if r["code"] == cast.teaching_point_a.code)
    assert point["central_school"] == cast.school_a.code


def test_a_campaign_shows_its_stage_settings_and_the_quota_the_role_may_see(api, cast, campaign):
    s.campaign_update(by=cast.city_admin, campaign=campaign, quota_total=3, quota_per_tier={"示范型": 1})

    city = api(cast.city_admin).get(f"/api/campaigns/{campaign.pk}/").json()
    county = api(cast.county_admin_a).get(f"/api/campaigns/{campaign.pk}/").json()
    school = api(cast.school_user_a).get(f"/api/campaigns/{campaign.pk}/").json()

    assert city["stage"] == "application" and city["stage_label"] == "申报与自评"
    assert city["tier_names"] == ["示范型", "优秀型", "合格型"]
    assert city["experts_per_application"] == 2 and city["gap_share"] == 0.5
    assert [q["county"]["name"] for q in city["quota"]] == ["琅琊区", "南谯区"]
    assert [q["county"]["name"] for q in county["quota"]] == ["琅琊区"]
    assert county["quota"][0]["cap"] == 3
    assert county["quota"][0]["tiers"][0] == {"tier": "示范型", "used": 0, "cap": 1}
    assert school["quota"] == []


def test_it_filters_applications_by_campaign_status_and_county(api, cast, application, application_b):
    submit(application_b, cast.school_user_b)
    client = api(cast.city_admin)

    def ids(**params):
        return [r["id"] for r in client.get("/api/applications/", params).json()["results"]]

    assert ids(status="submitted") == [application_b.pk]
    assert ids(county=cast.county_a.code) == [application.pk]
    assert ids(campaign=application.campaign_id) == [application.pk, application_b.pk]
    assert ids(campaign=application.campaign_id + 100) == []
    bad = client.get("/api/applications/", {"status": "accepted"})
    assert bad.status_code == 400 and "status" in bad.json()["errors"]


def test_the_application_list_does_not_query_per_row(api, cast, campaign, application):
    client = api(cast.city_admin)
    with CaptureQueriesContext(connection) as one:
        client.get("/api/applications/")
    for school in (cast.school_b, cast.teaching_point_a):
        s.application_create(by=cast.city_admin, campaign=campaign, school=school)
    with CaptureQueriesContext(connection) as three:
        body = client.get("/api/applications/").json()

    assert body["count"] == 3
    assert len(three) == len(one)


def test_an_application_gives_the_engines_result_as_the_school_types(api, cast, application):
    fill_full_marks(application, cast.school_user_a, clause=False)

    body = api(cast.school_user_a).get(f"/api/applications/{application.pk}/").json()

    result = body["self_result"]
    assert result["total"] == 110
    assert result["tier"] == "优秀型"
    assert result["basic_missed"] == []
    assert result["demo_missed"]
    assert result["next_tier"]["target"] == "示范型"
    assert result["next_tier"]["steps"][0]["set_clause"] is True
    assert body["progress"] == {"scored": 82, "total": 82}
    assert body["decision"] is None and body["city_review"] is None


def test_a_missed_basic_requirement_shows_in_the_result(api, cast, application):
    fill_full_marks(application, cast.school_user_a, skip={"1.3.3"})

    result = api(cast.school_user_a).get(f"/api/applications/{application.pk}/").json()["self_result"]

    assert "1.3.3" in result["basic_missed"]
    assert result["tier"] is None and result["tier_name"] == "未达标"


def test_scores_have_one_row_per_indicator_with_version_zero_before_a_save(api, cast, application):
    s.self_score_save(by=cast.school_user_a, application=application, code="1.1.1", score=2, expected_version=0)

    rows = api(cast.school_user_a).get(f"/api/applications/{application.pk}/scores/").json()

    assert len(rows) == 82
    assert rows[0]["code"] == "1.1.1" and rows[0]["self_score"] == 2.0 and rows[0]["version"] == 1
    assert rows[1]["self_score"] is None and rows[1]["version"] == 0


def test_county_scores_are_for_county_and_city_but_the_school_sees_the_comments(
    api, cast, submitted, clock, campaign
):
    clock.stage(campaign, "county_review")
    s.county_score_save(by=cast.county_admin_a, application=submitted, code="1.1.1", score=1, expected_version=1)
    s.application_return(by=cast.county_admin_a, application=submitted, comments={"1.1.1": "请补充网络拓扑图"})
    url = f"/api/applications/{submitted.pk}/scores/"

    school = api(cast.school_user_a).get(url).json()[0]
    county = api(cast.county_admin_a).get(url).json()[0]
    city = api(cast.city_admin).get(url).json()[0]

    assert school["county_score"] is None
    assert school["county_comment"] == "请补充网络拓扑图"
    assert county["county_score"] == 1.0
    assert city["county_score"] == 1.0


def test_the_expert_reads_the_self_scores_but_not_the_countys(api, cast, clock, campaign, submitted):
    clock.stage(campaign, "county_review")
    s.county_score_save(by=cast.county_admin_a, application=submitted, code="1.1.1", score=1, expected_version=1)
    app = s.application_recommend(by=cast.county_admin_a, application=submitted, recommend=True)
    clock.stage(campaign, "city_review")
    s.expert_assign(by=cast.city_admin, application=app, expert=cast.expert)

    row = api(cast.expert).get(f"/api/applications/{app.pk}/scores/").json()[0]

    assert row["self_score"] == 2.0
    assert row["county_score"] is None


def test_results_are_404_before_publication(api, cast, campaign):
    response = api(cast.city_admin).get(f"/api/results/{campaign.pk}/")

    assert response.status_code == 404


def test_a_number_past_the_columns_range_is_refused_naming_the_filter(api, cast, application):
    client = api(cast.city_admin)
    for path, name in (("/api/applications/", "campaign"), ("/api/campaigns/", "year"), ("/api/rubrics/", "year")):
        for value in ("99999999999999999999", "-99999999999999999999"):
            answer = client.get(path, {name: value})
            assert answer.status_code == 400, (path, value, answer.content[:300])
            assert name in answer.json()["errors"], answer.json()
    assert client.get("/api/applications/", {"campaign": application.campaign_id}).json()["count"] == 1
