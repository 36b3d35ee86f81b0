"""The county's writes: score, return with comments, recommend within the quota."""

from __future__ import annotations

from campuseval.campaigns import services as s
from campuseval.campaigns.models import Status
from campuseval.notifications.models import Notification

from .conftest import submit


def test_the_county_scores_an_indicator(api, cast, submitted):
    response = api(cast.county_admin_a).put(
        f"/api/applications/{submitted.pk}/county-scores/1.1.1/", {"version": 1, "score": 1.5, "comment": "拓扑图不全"}
    )

    assert response.status_code == 200
    row = response.json()
    assert (row["county_score"], row["self_score"], row["version"]) == (1.5, 2.0, 2)


def test_a_stale_county_score_gets_409_with_the_current_value(api, cast, submitted):
    client = api(cast.county_admin_a)
    url = f"/api/applications/{submitted.pk}/county-scores/1.1.1/"
    client.put(url, {"version": 1, "score": 1})

    response = client.put(url, {"version": 1, "score": 2})

    assert response.status_code == 409
    assert response.json()["current"]["county_score"] == 1.0
    assert response.json()["current"]["version"] == 2


def test_the_county_returns_with_comments_per_indicator(api, cast, submitted):
    response = api(cast.county_admin_a).post(
        f"/api/applications/{submitted.pk}/return/",
        {"comments": {"1.1.1": "请补充网络拓扑图", "1.2.1": ""}, "note": "请补充材料"},
    )

    assert response.status_code == 200
    assert response.json()["status"] == "returned" and response.json()["county_note"] == "请补充材料"
    rows = api(cast.school_user_a).get(f"/api/applications/{submitted.pk}/scores/").json()
    assert {r["code"]: r["county_comment"] for r in rows if r["county_comment"]} == {"1.1.1": "请补充网络拓扑图"}
    assert Notification.objects.filter(user=cast.school_user_a, kind="returned").exists()


def test_it_refuses_a_return_without_any_comment_or_with_an_unknown_indicator(api, cast, submitted):
    client = api(cast.county_admin_a)
    url = f"/api/applications/{submitted.pk}/return/"

    empty = client.post(url, {"comments": {"1.1.1": "  "}})
    unknown = client.post(url, {"comments": {"9.9.9": "？"}})

    assert empty.status_code == 400 and empty.json()["detail"] == "退回时请至少填写一条意见"
    assert unknown.status_code == 400 and unknown.json()["detail"] == "评估标准中没有指标 9.9.9"
    submitted.refresh_from_db()
    assert submitted.status == Status.SUBMITTED


def test_the_county_recommends_and_can_change_its_mind(api, cast, submitted):
    client = api(cast.county_admin_a)
    url = f"/api/applications/{submitted.pk}/recommend/"

    yes = client.post(url, {"recommend": True})
    no = client.post(url, {"recommend": False, "note": "名额有限"})

    assert yes.status_code == 200 and yes.json()["status"] == "recommended"
    assert no.status_code == 200 and no.json()["status"] == "not_recommended"


def test_a_recommendation_must_say_yes_or_no(api, cast, submitted):
    response = api(cast.county_admin_a).post(f"/api/applications/{submitted.pk}/recommend/", {})

    assert response.status_code == 400
    assert response.json()["errors"] == {"recommend": ["该字段是必填项。"]}


def test_the_quota_refuses_one_recommendation_too_many(api, cast, campaign, submitted):
    s.campaign_update(by=cast.city_admin, campaign=campaign, quota_total=1)
    point = s.application_create(by=cast.city_admin, campaign=campaign, school=cast.teaching_point_a)
    point = s.application_update(by=cast.city_admin, application=point, expected_version=point.version, applied_tier="合格型")
    point = submit(point, cast.city_admin)
    client = api(cast.county_admin_a)
    client.post(f"/api/applications/{submitted.pk}/recommend/", {"recommend": True})

    response = client.post(f"/api/applications/{point.pk}/recommend/", {"recommend": True})

    assert response.status_code == 400
    assert response.json() == {"detail": "本县推荐名额已用完（上限 1 所）", "code": "workflow"}
    quota = client.get(f"/api/campaigns/{campaign.pk}/").json()["quota"][0]
    assert (quota["used"], quota["cap"]) == (1, 1)


def test_the_county_cannot_act_after_its_deadline(api, cast, submitted, clock, campaign):
    clock.stage(campaign, "city_review")

    response = api(cast.county_admin_a).post(f"/api/applications/{submitted.pk}/recommend/", {"recommend": True})

    assert response.status_code == 400
    assert response.json()["code"] == "deadline_passed"
    assert "“县级初评”已于 2022-09-01 07:59 截止" in response.json()["detail"]
