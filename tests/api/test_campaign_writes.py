"""Opening and changing a campaign through the API: the city administrator's, as on the pages."""

from __future__ import annotations

from campuseval.audit.models import AuditRecord
from campuseval.campaigns.models import Campaign

from .conftest import client_for

OPEN = {
    "city": "341100",
    "year": 2023,
    "name": "2023年滁州市智慧校园创建",
    "rubric": "weifang-2022",
    "opens_at": "2023-03-01T08:00:00+08:00",
    "application_deadline": "2023-04-30T23:59:00+08:00",
    "county_review_deadline": "2023-05-31T23:59:00+08:00",
    "city_review_deadline": "2023-06-30T23:59:00+08:00",
    "publication_deadline": "2023-07-15T23:59:00+08:00",
    "quota_total": 10,
}


def test_the_city_administrator_opens_a_campaign_with_the_latest_rubric_version(cast, rubrics):
    answer = client_for(cast.city_admin).post("/api/campaigns/open/", OPEN, format="json")
    assert answer.status_code == 201, answer.content
    campaign = Campaign.objects.get(pk=answer.json()["id"])
    assert (campaign.city, campaign.rubric.code, campaign.quota_total) == (cast.city, "weifang-2022", 10)
    assert answer.json()["stage"] in {"not_open", "published", "decision"}
    assert AuditRecord.objects.filter(object_type="campaigns.campaign", action="create").exists()


def test_it_refuses_a_city_that_is_not_the_administrators(cast, rubrics):
    answer = client_for(cast.city_admin).post("/api/campaigns/open/", {**OPEN, "city": "340100"}, format="json")
    assert answer.status_code == 400
    assert "不是您管理的城市" in answer.content.decode()


def test_it_refuses_deadlines_out_of_order_naming_the_field(cast, rubrics):
    bad = {**OPEN, "county_review_deadline": "2023-04-01T00:00:00+08:00"}
    answer = client_for(cast.city_admin).post("/api/campaigns/open/", bad, format="json")
    assert answer.status_code == 400
    assert "county_review_deadline" in answer.json()["errors"]
    assert not Campaign.objects.exists()


def test_only_a_city_administrator_opens_a_campaign(cast, rubrics):
    answer = client_for(cast.county_admin_a).post("/api/campaigns/open/", OPEN, format="json")
    assert answer.status_code == 403


def test_the_settings_change_and_the_rubric_freezes_once_schools_apply(cast, campaign, clock):
    city = client_for(cast.city_admin)
    answer = city.patch(f"/api/campaigns/{campaign.pk}/settings/", {"experts_per_application": 3}, format="json")
    assert answer.status_code == 200, answer.content
    assert answer.json()["experts_per_application"] == 3
    client_for(cast.school_user_a).post(f"/api/campaigns/{campaign.pk}/applications/")
    answer = city.patch(f"/api/campaigns/{campaign.pk}/settings/", {"rubric": "zibo"}, format="json")
    assert answer.status_code == 400
    assert "评估标准版本已冻结" in answer.json()["detail"]
