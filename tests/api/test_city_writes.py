"""The city's writes: assign experts (automatically or by hand), decide, publish."""

from __future__ import annotations

import pytest

from campuseval.accounts.models import RoleAssignment, User
from campuseval.audit.models import AuditRecord
from campuseval.campaigns import services as s
from campuseval.campaigns.models import ExpertAssignment

from .conftest import expert_fills


@pytest.fixture
def recommended(submitted, cast, clock, campaign):
    clock.stage(campaign, "county_review")
    app = s.application_recommend(by=cast.county_admin_a, application=submitted, recommend=True)
    clock.stage(campaign, "city_review")
    return app


def test_it_assigns_experts_automatically(api, cast, campaign, recommended, second_expert):
    response = api(cast.city_admin).post(f"/api/campaigns/{campaign.pk}/assign-experts/")

    assert response.status_code == 200
    assert response.json() == {"created": 2, "understaffed": []}
    assert set(ExpertAssignment.objects.values_list("expert__username", flat=True)) == {"expert", "expert2"}


def test_it_reports_applications_short_of_experts(api, cast, campaign, recommended):
    response = api(cast.city_admin).post(f"/api/campaigns/{campaign.pk}/assign-experts/")

    assert response.json() == {"created": 1, "understaffed": [cast.school_a.name]}


def test_it_refuses_to_assign_before_the_city_review(api, cast, campaign, submitted):
    response = api(cast.city_admin).post(f"/api/campaigns/{campaign.pk}/assign-experts/")

    assert response.status_code == 400
    assert response.json()["code"] == "deadline_passed"


def test_the_city_assigns_an_expert_by_hand(api, cast, recommended):
    response = api(cast.city_admin).post(f"/api/applications/{recommended.pk}/experts/", {"expert": "expert"})

    assert response.status_code == 201
    assert response.json()["expert"] == "expert" and response.json()["automatic"] is False
    assert AuditRecord.objects.filter(object_type="campaigns.expertassignment", actor_id=cast.city_admin.pk).exists()


def test_it_refuses_an_expert_from_the_schools_own_county(api, cast, recommended):
    local = User.objects.create_user(username="local", full_name="本县专家")
    local.home_county = cast.county_a
    local.save()
    RoleAssignment.objects.create(user=local, role="expert", region=cast.city)

    response = api(cast.city_admin).post(f"/api/applications/{recommended.pk}/experts/", {"expert": "local"})

    assert response.status_code == 400
    assert response.json()["detail"] == "本县专家 来自琅琊区，不能评审本县学校"
    assert not ExpertAssignment.objects.exists()


def test_it_refuses_an_unknown_or_non_expert_account(api, cast, recommended):
    client = api(cast.city_admin)

    unknown = client.post(f"/api/applications/{recommended.pk}/experts/", {"expert": "nobody"})
    not_expert = client.post(f"/api/applications/{recommended.pk}/experts/", {"expert": "outsider"})

    assert unknown.status_code == 400 and unknown.json()["errors"] == {"expert": ["没有用户名为 nobody 的账号"]}
    assert not_expert.status_code == 400 and "不是本市的评估专家" in not_expert.json()["detail"]


@pytest.fixture
def reviewed(recommended, cast):
    assignment = s.expert_assign(by=cast.city_admin, application=recommended, expert=cast.expert)
    expert_fills(assignment, cast.expert)
    s.expert_submit(by=cast.expert, assignment=assignment)
    recommended.refresh_from_db()
    return recommended


def test_the_city_sees_the_combined_scores_and_decides_the_engines_tier(api, cast, reviewed):
    client = api(cast.city_admin)
    review = client.get(f"/api/applications/{reviewed.pk}/").json()["city_review"]

    response = client.post(f"/api/applications/{reviewed.pk}/decide/", {})

    assert review["combined"]["experts"] == 1 and review["combined"]["result"]["tier"] == "示范型"
    assert review["assignments"][0]["expert"] == "expert"
    assert response.status_code == 200
    decision = response.json()["decision"]
    assert decision["tier"] == "示范型" and decision["scored_tier"] == "示范型"
    assert decision["combined_total"] == 110


def test_an_override_needs_a_reason_which_is_kept(api, cast, reviewed):
    client = api(cast.city_admin)
    url = f"/api/applications/{reviewed.pk}/decide/"

    bare = client.post(url, {"tier": "优秀型"})
    reasoned = client.post(url, {"tier": "优秀型", "reason": "现场核查：录播教室未投入使用"})

    assert bare.status_code == 400
    assert bare.json()["detail"] == "认定等级与评分得出的等级（示范型）不同，须填写理由"
    assert reasoned.status_code == 200
    assert reasoned.json()["decision"]["override_reason"] == "现场核查：录播教室未投入使用"


def test_a_decision_can_be_no_tier(api, cast, reviewed):
    response = api(cast.city_admin).post(
        f"/api/applications/{reviewed.pk}/decide/", {"tier": "", "reason": "材料造假"}
    )

    assert response.json()["decision"]["tier"] is None
    assert response.json()["decision"]["tier_name"] == "未达标"


def test_the_school_does_not_see_the_decision_before_publication(api, cast, reviewed):
    s.application_decide(by=cast.city_admin, application=reviewed)

    body = api(cast.school_user_a).get(f"/api/applications/{reviewed.pk}/").json()

    assert body["status"] == "decided"
    assert body["decision"] is None and body["city_review"] is None


def test_it_refuses_to_publish_while_a_recommended_application_is_undecided(api, cast, campaign, reviewed):
    response = api(cast.city_admin).post(f"/api/campaigns/{campaign.pk}/publish/")

    assert response.status_code == 400
    assert response.json()["detail"] == f"还有 1 份推荐申报未认定：{cast.school_a.name}"


def test_publishing_opens_the_results_to_every_signed_in_user(api, cast, campaign, reviewed, clock):
    s.application_decide(by=cast.city_admin, application=reviewed)
    clock.stage(campaign, "decision")

    response = api(cast.city_admin).post(f"/api/campaigns/{campaign.pk}/publish/")
    results = api(cast.outsider).get(f"/api/results/{campaign.pk}/").json()
    school = api(cast.school_user_a).get(f"/api/applications/{reviewed.pk}/").json()

    assert response.status_code == 200 and response.json()["stage"] == "published"
    assert results["results"] == [
        {"school": {"code": cast.school_a.code, "name": cast.school_a.name,
                    "county": {"code": cast.county_a.code, "name": "琅琊区"}},
         "tier": "示范型"},
    ]
    assert school["decision"]["tier"] == "示范型"
    assert school["decision"]["scored_tier"] is None  # the city's working data stays with the city


def test_the_results_leave_out_schools_without_a_tier(api, cast, campaign, reviewed, clock):
    s.application_decide(by=cast.city_admin, application=reviewed, tier="", reason="材料造假")
    clock.stage(campaign, "decision")
    s.campaign_publish(by=cast.city_admin, campaign=campaign)

    response = api(cast.school_user_a).get(f"/api/results/{campaign.pk}/")

    assert response.status_code == 200
    assert response.json()["results"] == []
