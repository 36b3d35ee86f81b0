"""/results/<campaign_id>/: the published list, without log-in: schools, counties and tiers."""

from __future__ import annotations

from django.urls import reverse

from campuseval.campaigns import services as s


def results(campaign):
    return reverse("results:detail", kwargs={"campaign_id": campaign.pk})


def test_before_publication_the_page_is_404(client, campaign, decided):
    assert client.get(results(campaign)).status_code == 404


def test_after_publication_anyone_sees_the_certified_schools_with_county_and_tier(client, cast, campaign, clock, decided):
    clock.stage(campaign, "decision")
    s.campaign_publish(by=cast.city_admin, campaign=campaign)
    response = client.get(results(campaign))  # anonymous
    assert response.status_code == 200
    page = response.content.decode()
    assert campaign.name in page
    assert "2022年10月8日公布" in page  # the middle of the decision stage, in Asia/Shanghai
    assert cast.school_a.name in page and cast.school_b.name in page
    assert "琅琊区" in page and "南谯区" in page
    assert "示范型" in page and "合格型" in page
    assert "共认定 2 所学校" in page


def test_schools_without_a_tier_are_not_listed(client, cast, campaign, clock, decided):
    clock.stage(campaign, "decision")
    s.campaign_publish(by=cast.city_admin, campaign=campaign)
    page = client.get(results(campaign)).content.decode()
    assert cast.teaching_point_a.name not in page
    assert "现场核查不符" not in page


def test_the_page_shows_no_scores_and_no_personal_data(client, cast, campaign, clock, decided):
    a = decided[0]
    clock.stage(campaign, "decision")
    s.campaign_publish(by=cast.city_admin, campaign=campaign)
    page = client.get(results(campaign)).content.decode()
    assert "110" not in page
    assert str(cast.city_admin) not in page
    for value in (a.head_name, a.contact_name, a.contact_phone):
        assert not value or value not in page


def test_the_search_box_filters_schools_and_counties(client, cast, campaign, clock, decided):
    clock.stage(campaign, "decision")
    s.campaign_publish(by=cast.city_admin, campaign=campaign)
    page = client.get(results(campaign), {"q": "南谯"}).content.decode()
    assert cast.school_b.name in page
    assert cast.school_a.name not in page
    assert "“南谯”：1 所学校" in page


def test_the_index_lists_published_campaigns_only(client, cast, campaign, clock, decided):
    assert campaign.name not in client.get(reverse("results:index")).content.decode()
    clock.stage(campaign, "decision")
    s.campaign_publish(by=cast.city_admin, campaign=campaign)
    assert campaign.name in client.get(reverse("results:index")).content.decode()


def test_the_publication_notice_links_to_the_page(client, cast, campaign, clock, decided):
    clock.stage(campaign, "decision")
    s.campaign_publish(by=cast.city_admin, campaign=campaign)
    note = cast.school_user_a.notifications.get(kind="published")
    assert note.url == results(campaign)
