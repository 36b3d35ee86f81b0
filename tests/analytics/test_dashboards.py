"""The leaders' dashboards on constructed data: the numbers behind each chart, the day asked,
the schools behind a number as the viewer may see them, the export, and the summary table
kept by the services equal to a rebuild from scratch."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from campuseval.analytics import score_reads, selectors
from campuseval.analytics.models import (
    ApplicationSummary,
    AreaSummary,
    ExpertSummary,
    IndicatorRollup,
    IndicatorSummary,
)
from campuseval.analytics.selectors import Scope
from campuseval.analytics.services import rebuild
from campuseval.campaigns import services as s
from campuseval.campaigns.models import Status
from tests.campaigns.test_city_helpers import reviewed, self_assess

YEAR = 2022


def _indicator(campaign, kind):
    rubric = campaign.rubric.engine_rubric()
    return next(i for i in rubric.indicators if i.requirement == kind and not i.has_clause)


@pytest.fixture
def world(cast, campaign, clock):
    """School A: claims full marks but for one ▲ indicator it scores 0 (the experts agree);
    the county takes 2 points off a plain indicator, and one expert 1 point. School B: full
    marks throughout. Both are decided and published."""
    demo = _indicator(campaign, "demo")
    plain = next(i for i in campaign.rubric.engine_rubric().indicators if i.requirement is None and i.points >= 3 and not i.has_clause)
    apps = {}
    for school in (cast.school_a, cast.school_b):
        app = s.application_create(by=cast.city_admin, campaign=campaign, school=school)
        app = s.application_update(by=cast.city_admin, application=app, expected_version=app.version, applied_tier="示范型")
        self_assess(app, cast.city_admin)
        if school == cast.school_a:
            app.scores.filter(code=demo.code).update(self_score=0)
        apps[school.pk] = s.application_submit(by=cast.city_admin, application=app)
    submitted_day = clock.now.date()
    clock.stage(campaign, "county_review")
    county_day = clock.now.date()
    a, b = apps[cast.school_a.pk], apps[cast.school_b.pk]
    row = a.scores.get(code=plain.code)
    s.county_score_save(by=cast.county_admin_a, application=a, code=plain.code, score=plain.points - 2, expected_version=row.version)
    a, b = (s.application_recommend(by=cast.city_admin, application=app, recommend=True) for app in (a, b))
    reviewed(cast, campaign, clock, a, [{plain.code: plain.points - 1, demo.code: 0}, {demo.code: 0}])
    reviewed(cast, campaign, clock, b, [{}, {}])
    for app in (a, b):
        app.refresh_from_db()
        s.application_decide(by=cast.city_admin, application=app)
    clock.stage(campaign, "decision")
    s.campaign_publish(by=cast.city_admin, campaign=campaign)
    a.refresh_from_db()
    b.refresh_from_db()
    return {"a": a, "b": b, "demo": demo, "plain": plain, "submitted_day": submitted_day, "county_day": county_day}


def page(client, user, url):
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def test_each_county_shows_its_certified_schools_by_tier_as_count_and_share(cast, world):
    rows = {r.unit.code: r for r in selectors.tier_rows(Scope(cast.city, YEAR))}
    a_tier, b_tier = world["a"].decided_tier, world["b"].decided_tier
    assert a_tier and b_tier
    # County A has school A and a teaching point; county B has school B alone.
    assert (rows[cast.county_a.code].schools, rows[cast.county_a.code].by_tier) == (2, {a_tier: 1})
    assert (rows[cast.county_b.code].schools, rows[cast.county_b.code].by_tier) == (1, {b_tier: 1})


def test_the_city_dashboard_shows_coverage_per_county_with_links_down(client, cast, world):
    html = page(client, cast.city_admin, reverse("analytics:region", args=[cast.city.code]))
    assert "琅琊区" in html and "50%" in html and "100%" in html
    assert reverse("analytics:region", args=[cast.county_a.code]) in html  # drill down to the county
    assert "echarts.min.js" in html and 'id="chart-tiers-option"' in html


def test_the_pipeline_of_a_past_day_is_rebuilt_from_the_state_history(cast, world):
    during_county_review = Scope(cast.city, YEAR, world["county_day"])
    rows = {r.unit.code: r.by_status for r in selectors.pipeline_rows(during_county_review)}
    assert rows[cast.county_a.code] == {Status.SUBMITTED: 1}
    assert rows[cast.county_b.code] == {Status.SUBMITTED: 1}
    today = {r.unit.code: r.by_status for r in selectors.pipeline_rows(Scope(cast.city, YEAR))}
    assert today[cast.county_a.code] == {Status.PUBLISHED: 1}
    # Nothing was certified on that day: certification counts from publication.
    assert selectors.certified(during_county_review) == {}
    before = Scope(cast.city, YEAR, world["submitted_day"] - dt.timedelta(days=2))
    assert all(not r.by_status for r in selectors.pipeline_rows(before))


def test_the_most_missed_indicators_count_at_the_level_that_counts(cast, world):
    missed = score_reads.most_missed(Scope(cast.city, YEAR))
    assert [(m.code, m.kind, m.schools) for m in missed] == [(world["demo"].code, "demo", 1)]
    assert score_reads.most_missed(Scope(cast.county_b, YEAR)) == []


def test_drift_shows_who_scored_themselves_above_the_county_and_the_experts(cast, world):
    plain = world["plain"].code
    by_code = {d.key: d for d in score_reads.drift_by_indicator(Scope(cast.county_a, YEAR))}
    assert by_code[plain].vs_county == 2
    assert by_code[plain].vs_experts == 0.5  # the experts' mean is half a point below
    units = {d.key: d for d in score_reads.drift_by_unit(Scope(cast.city, YEAR))}
    assert units[cast.county_b.code].vs_experts == 0  # school B: full marks at every level
    # The county scored one indicator of school A, 2 points below the school's own.
    assert units[cast.county_a.code].vs_county == 2
    assert units[cast.county_b.code].vs_county is None


def test_experts_agreement_by_indicator_and_by_expert(cast, world):
    spreads = {x.code: x.mean for x in score_reads.spread_by_indicator(Scope(cast.city, YEAR))}
    assert spreads == {world["plain"].code: 1}  # school A: 1 point apart; panels that agree are not listed
    experts = score_reads.expert_agreement(Scope(cast.county_a, YEAR))
    signs = sorted(e.signed > 0 for e in experts)
    assert len(experts) == 2 and signs == [False, True]  # one below the panel's mean, one above


def test_each_expert_against_the_panel_is_shown_to_the_city_only(client, cast, world):
    expert_names = [e.name for e in score_reads.expert_agreement(Scope(cast.county_a, YEAR))]
    assert expert_names
    city_page = page(client, cast.city_admin, reverse("analytics:region", args=[cast.county_a.code]))
    county_page = page(client, cast.county_admin_a, reverse("analytics:region", args=[cast.county_a.code]))
    assert all(name in city_page for name in expert_names)
    assert not any(name in county_page for name in expert_names)


def test_the_schools_behind_a_number_are_listed_as_the_viewer_may_see_them(client, cast, world):
    missed = reverse("analytics:schools", args=[cast.city.code]) + f"?what=missed&key={world['demo'].code}&year={YEAR}"
    html = page(client, cast.observer, missed)
    assert cast.school_a.name in html and cast.school_b.name not in html
    assert "共 1 条" in html
    certified = reverse("analytics:schools", args=[cast.county_a.code]) + "?what=certified"
    html = page(client, cast.county_admin_a, certified)
    assert cast.school_a.name in html and cast.school_b.name not in html
    client.force_login(cast.county_admin_a)
    assert client.get(reverse("analytics:schools", args=[cast.city.code]) + "?what=certified").status_code == 404
    assert client.get(reverse("analytics:school", args=[cast.school_b.code])).status_code == 404


def test_a_school_dashboard_shows_its_years_and_what_it_missed(client, cast, world):
    html = page(client, cast.county_admin_a, reverse("analytics:school", args=[cast.school_a.code]))
    assert world["a"].campaign.name in html and world["a"].decided_tier in html
    assert f"▲ {world['demo'].code}" in html


def test_each_chart_exports_its_table_to_excel(client, cast, world):
    client.force_login(cast.city_admin)
    response = client.get(reverse("analytics:chart_file", args=[cast.city.code, "tiers"]))
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][:2] == ("区域", "学校数")
    assert rows[2][:2] == ("琅琊区", 2)


def test_an_export_holds_its_own_chart_only_and_an_unknown_chart_is_not_found(client, cast, world):
    client.force_login(cast.city_admin)
    response = client.get(reverse("analytics:chart_file", args=[cast.city.code, "missed"]))
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert "未达到最多的指标" in rows[0][0]
    assert rows[2][1:] == (world["demo"].code, 1)
    assert client.get(reverse("analytics:chart_file", args=[cast.city.code, "nothing"])).status_code == 404


def test_a_day_in_the_future_is_refused_with_a_message(client, cast, world):
    html = page(client, cast.city_admin, reverse("analytics:region", args=[cast.city.code]) + "?as_of=2999-01-01")
    assert "截至日期不能晚于今天" in html


def _snapshot():
    out = {}
    for model in (ApplicationSummary, AreaSummary, IndicatorSummary, IndicatorRollup, ExpertSummary):
        rows = [tuple(sorted((k, v) for k, v in r.items() if k != "id")) for r in model.objects.values()]
        out[model.__name__] = sorted(rows, key=repr)
    return out


def test_the_summary_kept_by_the_services_equals_a_rebuild_from_scratch(cast, world):
    kept = _snapshot()
    assert len(kept["ApplicationSummary"]) == 2
    assert kept["IndicatorRollup"]  # the indicators added up per county, kept as scores moved
    assert rebuild() == 2
    assert _snapshot() == kept


def test_area_means_read_the_level_that_counts_and_average_the_schools(cast, world):
    from campuseval.campaigns.selectors import combined_result

    code = world["a"].campaign.rubric.code
    a = combined_result(world["a"]).result.area_totals  # the experts' level counts for both
    b = combined_result(world["b"]).result.area_totals
    assert selectors.area_means(Scope(cast.county_a, YEAR), code) == pytest.approx(a)
    assert selectors.area_means(Scope(cast.county_b, YEAR), code) == pytest.approx(b)
    city = selectors.area_means(Scope(cast.city, YEAR), code)
    assert city == pytest.approx({k: round((a[k] + b[k]) / 2, 2) for k in a})
    assert city != pytest.approx(a)  # school A's missed ▲ pulls its area down


def test_the_map_colours_each_county_by_its_coverage(cast, world):
    from campuseval.analytics.presenters import map_chart

    s = Scope(cast.city, YEAR)
    chart = map_chart(s, selectors.tier_rows(s), None)
    assert [[c.text for c in row] for row in chart.rows] == [["琅琊区", "50%"], ["南谯区", "100%"]]
    tiles = chart.option["series"][0]["data"]
    assert [t["value"][2] for t in tiles] == [50, 100]


def test_a_bad_list_of_schools_is_refused_with_a_message_and_lists_nothing_outside(client, cast, world):
    base = reverse("analytics:schools", args=[cast.city.code])
    html = page(client, cast.city_admin, base + "?what=certified&unit=abc")
    assert "区域代码须为 6 位数字" in html
    assert "没有这种学校名单" in page(client, cast.city_admin, base + "?what=bogus")
    # A unit outside the region (another city's county) has no schools on this region's list.
    html = page(client, cast.city_admin, base + f"?what=schools&unit={cast.other_county.code}")
    assert "共 0 条" in html and cast.school_other.name not in html


def test_the_dashboard_speaks_english_when_asked(client, cast, world):
    client.force_login(cast.city_admin)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    html = client.get(reverse("analytics:region", args=[cast.city.code])).content.decode()
    assert "Coverage against target by year" in html and "Schools by tier (count and share)" in html
