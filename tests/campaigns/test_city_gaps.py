"""/campaigns/<id>/gaps/: indicators whose experts' scores differ by the campaign's gap."""

from __future__ import annotations

from django.urls import reverse

from campuseval.campaigns import services as s

from .test_city_helpers import recommended, reviewed


def gaps(campaign):
    return reverse("campaigns:gaps", kwargs={"pk": campaign.pk})


def test_it_lists_the_flagged_indicator_with_each_experts_score_and_the_gap(client, cast, campaign, clock):
    app = recommended(cast, campaign, cast.school_a)
    assignments = reviewed(cast, campaign, clock, app, [{"1.5.2": 1}, {"1.5.2": 3, "1.5.1": 2.5}])
    client.force_login(cast.city_admin)
    page = client.get(gaps(campaign)).content.decode()
    assert cast.school_a.name in page
    assert "1.5.2" in page
    assert "1.5.1" not in page  # a gap of 0.5 of 3 points is below half its points
    for a in assignments:
        assert str(a.expert) in page
    assert "阈值 1.5" in page
    assert ">2<" in page  # the gap


def test_a_lower_share_flags_smaller_gaps(client, cast, campaign, clock):
    app = recommended(cast, campaign, cast.school_a)
    reviewed(cast, campaign, clock, app, [{"1.5.1": 2.5}, {}])
    client.force_login(cast.city_admin)
    assert "目前没有需要讨论的分差" in client.get(gaps(campaign)).content.decode()
    s.campaign_update(by=cast.city_admin, campaign=campaign, gap_share="0.10")
    assert "1.5.1" in client.get(gaps(campaign)).content.decode()


def test_unsubmitted_scores_are_not_compared(client, cast, campaign, clock):
    app = recommended(cast, campaign, cast.school_a)
    reviewed(cast, campaign, clock, app, [{"1.5.2": 0}, {}], submit=False)
    client.force_login(cast.city_admin)
    assert "1.5.2" not in client.get(gaps(campaign)).content.decode()


def test_a_county_admin_gets_403(client, cast, campaign):
    client.force_login(cast.county_admin_a)
    assert client.get(gaps(campaign)).status_code == 403
