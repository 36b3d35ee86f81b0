"""/campaigns/ and /campaigns/<id>/: every logged-in user's campaigns, scoped to their city."""

from __future__ import annotations

import pytest
from django.urls import reverse

from .conftest import make_campaign
from .test_city_helpers import submitted

LIST = reverse("campaigns:campaign_list")


def detail(campaign):
    return reverse("campaigns:campaign_detail", kwargs={"pk": campaign.pk})


@pytest.fixture
def other_campaign(cast, rubrics):
    return make_campaign(cast, rubrics["zibo"], city=cast.other_city, name="2022年合肥市智慧校园创建")


def test_it_needs_a_log_in(client, campaign):
    assert client.get(LIST).status_code == 302


def test_it_lists_the_campaigns_of_the_users_city_only(client, cast, campaign, other_campaign):
    client.force_login(cast.school_user_a)
    page = client.get(LIST).content.decode()
    assert campaign.name in page
    assert other_campaign.name not in page
    assert "申报与自评" in page  # the current stage
    assert "2022-08-02 07:59" in page  # its deadline, in local time
    assert "/rubrics/taizhou-2022/v1/" in page


def test_it_shows_the_counts_per_status_to_administrators_only(client, cast, campaign):
    submitted(cast, campaign, cast.school_a)
    client.force_login(cast.city_admin)
    assert "已提交 1" in client.get(LIST).content.decode()
    client.force_login(cast.school_user_b)
    assert "已提交 1" not in client.get(LIST).content.decode()


def test_the_county_admin_counts_only_the_county(client, cast, campaign):
    submitted(cast, campaign, cast.school_a)
    submitted(cast, campaign, cast.school_b)
    client.force_login(cast.county_admin_a)
    assert "已提交 1" in client.get(LIST).content.decode()


def test_the_list_does_not_query_per_campaign(client, cast, rubrics, campaign, django_assert_max_num_queries):
    client.force_login(cast.city_admin)
    client.get(LIST)  # warm the session
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        client.get(LIST)
    for year in (2023, 2024):
        make_campaign(cast, rubrics["taizhou-2022"], year=year, name=f"{year}年创建")
    with django_assert_max_num_queries(len(one)):
        client.get(LIST)


def test_the_detail_of_another_citys_campaign_is_404(client, cast, other_campaign):
    client.force_login(cast.city_admin)
    assert client.get(detail(other_campaign)).status_code == 404
    client.force_login(cast.outsider)
    assert client.get(detail(other_campaign)).status_code == 404


def test_the_detail_shows_the_timeline_and_the_settings(client, cast, campaign):
    client.force_login(cast.observer)
    page = client.get(detail(campaign)).content.decode()
    for label in ("申报与自评截止", "县级初评截止", "市级终评截止", "公布截止", "结果公布"):
        assert label in page
    assert "每份申报的专家数" in page
    assert "平均分" in page


def test_the_city_admin_gets_the_running_links(client, cast, campaign):
    client.force_login(cast.city_admin)
    page = client.get(detail(campaign)).content.decode()
    for name in ("assignments", "decisions", "campaign_edit", "campaign_reopen", "gaps"):
        assert reverse(f"campaigns:{name}", kwargs={"pk": campaign.pk}) in page
    assert "各县推荐名额" in page


def test_the_county_admin_gets_the_county_queue(client, cast, campaign):
    client.force_login(cast.county_admin_a)
    page = client.get(detail(campaign)).content.decode()
    assert f"/campaigns/county/{campaign.pk}/" in page
    assert reverse("campaigns:assignments", kwargs={"pk": campaign.pk}) not in page


def test_the_school_gets_its_application(client, cast, campaign):
    app = submitted(cast, campaign, cast.school_a)
    client.force_login(cast.school_user_a)
    page = client.get(detail(campaign)).content.decode()
    assert f"/campaigns/applications/{app.pk}/" in page
    assert reverse("campaigns:decisions", kwargs={"pk": campaign.pk}) not in page


def test_the_expert_gets_my_reviews(client, cast, campaign):
    client.force_login(cast.expert)
    assert reverse("campaigns:review_list") in client.get(detail(campaign)).content.decode()
