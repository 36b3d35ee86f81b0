"""The decisions and gaps pages of a city with many applications: the experts' combined
results are read for all of them at once, so the pages ask as many queries for three
applications as for one, and say exactly what the one-at-a-time rule says."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from campuseval.campaigns.selectors import combined_result, combined_results

from .test_city_helpers import recommended, reviewed


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def test_the_decisions_and_gaps_pages_ask_the_same_queries_for_one_or_three_applications(client, cast, campaign, clock):
    a = recommended(cast, campaign, cast.school_a)
    reviewed(cast, campaign, clock, a, [{}, {"1.1.1": 0}])
    client.force_login(cast.city_admin)
    urls = [reverse("campaigns:decisions", args=[campaign.pk]), reverse("campaigns:gaps", args=[campaign.pk])]
    one = [_queries(client, u) for u in urls]
    clock.stage(campaign, "application")
    b = recommended(cast, campaign, cast.school_b)
    tp = recommended(cast, campaign, cast.teaching_point_a)
    reviewed(cast, campaign, clock, b, [{}, {"1.1.1": 0}])
    reviewed(cast, campaign, clock, tp, [{}])
    client.force_login(cast.city_admin)
    three = [_queries(client, u) for u in urls]
    assert three == one


def test_the_batch_says_what_the_one_at_a_time_rule_says(cast, campaign, clock):
    a = recommended(cast, campaign, cast.school_a)
    b = recommended(cast, campaign, cast.school_b)
    tp = recommended(cast, campaign, cast.teaching_point_a)
    reviewed(cast, campaign, clock, a, [{}, {"1.1.1": 0, "2.1.1": 1}])
    reviewed(cast, campaign, clock, b, [{"1.1.2": 0}])
    reviewed(cast, campaign, clock, tp, [{}], submit=False)  # assigned, nothing submitted
    batch = combined_results([a, b, tp])
    for application in (a, b):
        single = combined_result(application)
        got = batch[application.pk]
        assert got is not None and single is not None
        assert (got.result.total, got.result.tier, got.experts) == (single.result.total, single.result.tier, single.experts)
        assert {c: (v.value, v.scores, v.flagged) for c, v in got.indicators.items()} == {
            c: (v.value, v.scores, v.flagged) for c, v in single.indicators.items()
        }
    assert batch[tp.pk] is None and combined_result(tp) is None
