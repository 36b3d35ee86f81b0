"""Creating and editing a campaign: city administrators only, validated, rubric frozen."""

from __future__ import annotations

import pytest
from django.urls import reverse

from campuseval.audit.models import AuditRecord
from campuseval.campaigns.models import Campaign

from .conftest import make_campaign
from .test_city_helpers import submitted

CREATE = reverse("campaigns:campaign_create")


def edit(campaign):
    return reverse("campaigns:campaign_edit", kwargs={"pk": campaign.pk})


def form_data(cast, rubric, **overrides):
    data = {
        "city": cast.city.pk,
        "year": 2023,
        "name": "2023年滁州市智慧校园创建",
        "rubric": rubric.pk,
        "opens_at": "2023-03-01T08:00",
        "application_deadline": "2023-05-31T18:00",
        "county_review_deadline": "2023-06-30T18:00",
        "city_review_deadline": "2023-09-30T18:00",
        "publication_deadline": "2023-10-31T18:00",
        "cap_at_applied_tier": "on",
        "experts_per_application": 3,
        "combine": "trimmed_mean",
        "gap_share": "0.40",
        "quota_total": 5,
        "quota_tier_0": 1,
        "quota_tier_1": "",
        "quota_tier_2": 3,
    }
    data.update(overrides)
    return data


def test_a_school_user_may_not_create_a_campaign(client, cast, rubrics):
    client.force_login(cast.school_user_a)
    response = client.get(CREATE)
    assert response.status_code == 403
    assert "仅限市级管理员" in response.content.decode()
    assert client.post(CREATE, form_data(cast, rubrics["taizhou-2022"])).status_code == 403
    assert not Campaign.objects.exists()


def test_the_form_offers_the_cities_of_the_admin_and_the_latest_rubric_versions(client, cast, rubrics):
    rubric = rubrics["taizhou-2022"]
    newer = type(rubric).objects.create(
        code=rubric.code, version=2, name=rubric.name, city=rubric.city, year=rubric.year,
        kind=rubric.kind, content=rubric.content, content_hash="v2",
    )
    client.force_login(cast.city_admin)
    page = client.get(CREATE).content.decode()
    assert f'value="{newer.pk}"' in page
    assert f'value="{rubric.pk}"' not in page
    assert "滁州市" in page and "合肥市" not in page
    assert "“示范型”每县推荐上限" in page


def test_a_city_admin_creates_a_campaign_with_its_settings(client, cast, rubrics):
    client.force_login(cast.city_admin)
    response = client.post(CREATE, form_data(cast, rubrics["taizhou-2022"]))
    campaign = Campaign.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("campaigns:campaign_detail", kwargs={"pk": campaign.pk})
    assert campaign.rubric == rubrics["taizhou-2022"]
    assert (campaign.experts_per_application, campaign.combine, str(campaign.gap_share)) == (3, "trimmed_mean", "0.40")
    assert campaign.quota_total == 5
    assert campaign.quota_per_tier == {"示范型": 1, "合格型": 3}
    # Times are read in the bureau's time zone (Asia/Shanghai).
    assert campaign.application_deadline.isoformat() == "2023-05-31T10:00:00+00:00"
    assert AuditRecord.objects.filter(object_type="campaigns.campaign", action="create").exists()


def test_it_refuses_deadlines_out_of_order_naming_the_field(client, cast, rubrics):
    client.force_login(cast.city_admin)
    response = client.post(
        CREATE, form_data(cast, rubrics["taizhou-2022"], county_review_deadline="2023-05-01T18:00")
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-error-for="county_review_deadline">须晚于“申报与自评截止”' in page
    assert not Campaign.objects.exists()


def test_it_refuses_a_missing_date_and_a_bad_share_with_clear_messages(client, cast, rubrics):
    client.force_login(cast.city_admin)
    page = client.post(
        CREATE, form_data(cast, rubrics["taizhou-2022"], opens_at="", gap_share="2", experts_per_application=0)
    ).content.decode()
    assert "请填写开始时间" in page
    assert "分差提示阈值须在 0.01 到 1 之间" in page
    assert "每份申报的专家数至少为 1" in page
    assert not Campaign.objects.exists()


def test_it_refuses_a_city_the_admin_does_not_run(client, cast, rubrics):
    client.force_login(cast.city_admin)
    page = client.post(CREATE, form_data(cast, rubrics["taizhou-2022"], city=cast.other_city.pk)).content.decode()
    assert "请选择您管理的城市" in page
    assert not Campaign.objects.exists()


def test_the_quota_inputs_follow_the_chosen_rubric(client, cast, rubrics):
    client.force_login(cast.city_admin)
    page = client.get(
        reverse("campaigns:quota_fields"), {"rubric": rubrics["weifang-2022"].pk}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "“智慧校园示范校”每县推荐上限" in page
    assert "示范型" not in page


def test_the_city_admin_edits_the_settings(client, cast, campaign):
    client.force_login(cast.city_admin)
    data = form_data(
        cast, campaign.rubric, year=2022, name=campaign.name, experts_per_application=4,
        opens_at="2022-06-19T17:00", application_deadline="2022-08-02T07:59",
        county_review_deadline="2022-09-01T07:59", city_review_deadline="2022-10-01T07:59",
        publication_deadline="2022-10-16T07:59",
    )
    assert client.post(edit(campaign), data).status_code == 302
    campaign.refresh_from_db()
    assert campaign.experts_per_application == 4
    assert AuditRecord.objects.filter(object_type="campaigns.campaign", action="update").exists()


def test_the_rubric_is_frozen_once_a_school_has_applied(client, cast, campaign, rubrics):
    submitted(cast, campaign, cast.school_a)
    client.force_login(cast.city_admin)
    page = client.get(edit(campaign)).content.decode()
    assert "评估标准版本已冻结" in page
    data = form_data(cast, rubrics["zibo"], year=2022, name=campaign.name,
                     opens_at="2022-06-19T17:00", application_deadline="2022-08-02T07:59",
                     county_review_deadline="2022-09-01T07:59", city_review_deadline="2022-10-01T07:59",
                     publication_deadline="2022-10-16T07:59")
    client.post(edit(campaign), data)
    campaign.refresh_from_db()
    assert campaign.rubric == rubrics["taizhou-2022"]


def test_an_edit_with_bad_dates_saves_nothing(client, cast, campaign):
    client.force_login(cast.city_admin)
    data = form_data(cast, campaign.rubric, year=2022, name=campaign.name, experts_per_application=9,
                     opens_at="2022-06-19T17:00", application_deadline="2022-08-02T07:59",
                     county_review_deadline="2022-09-01T07:59", city_review_deadline="2022-08-01T07:59",
                     publication_deadline="2022-10-16T07:59")
    page = client.post(edit(campaign), data).content.decode()
    assert "须晚于“县级初评截止”" in page
    campaign.refresh_from_db()
    assert campaign.experts_per_application == 2


def test_another_citys_campaign_cannot_be_edited(client, cast, rubrics):
    other = make_campaign(cast, rubrics["zibo"], city=cast.other_city, name="合肥")
    client.force_login(cast.city_admin)
    assert client.get(edit(other)).status_code == 404


@pytest.mark.parametrize("user", ["county_admin_a", "expert", "observer"])
def test_other_roles_may_not_edit(client, cast, campaign, user):
    client.force_login(getattr(cast, user))
    assert client.get(edit(campaign)).status_code == 403


def test_the_rubric_choice_names_the_rubric_by_its_title_not_its_code(client, cast, rubrics):
    """Issue 8, 9: rubric codes (taizhou-2022) are for files and the API, not for forms."""
    client.force_login(cast.city_admin)
    html = client.get("/campaigns/new/").content.decode()
    options = html.split('name="rubric"')[1].split("</select>")[0]
    assert f"{rubrics['taizhou-2022'].name}（第 {rubrics['taizhou-2022'].version} 版）" in options
    assert "taizhou-2022，" not in options
