"""The county's queue of applications: scope, filters, sorting, the quota panel, query count."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from campuseval.campaigns import services as s
from campuseval.campaigns.models import Application
from campuseval.campaigns.selectors import self_result, self_results

from .conftest import make_campaign
from .test_county_support import draft, make_school, submitted


def url(campaign, **query):
    from urllib.parse import urlencode

    return f"/campaigns/county/{campaign.pk}/" + (f"?{urlencode(query)}" if query else "")


@pytest.fixture
def apps(campaign, cast):
    """County A: school_a (示范型, 110) and 第二小学 (优秀型, 107); county B: school_b."""
    second = make_school(cast.county_a, 11, "琅琊区第二小学", stage="初中")
    return {
        "a": submitted(campaign, cast.school_a, cast.school_user_a),
        "second": submitted(campaign, second, cast.county_admin_a, tier="优秀型", lose=("1.1.2", "1.1.3", "1.1.4")),
        "b": submitted(campaign, cast.school_b, cast.school_user_b),
    }


def test_it_lists_only_the_county_admins_own_county(client, cast, campaign, apps):
    client.force_login(cast.county_admin_a)
    r = client.get(url(campaign))
    assert r.status_code == 200
    body = r.content.decode()
    assert cast.school_a.name in body
    assert "琅琊区第二小学" in body
    assert cast.school_b.name not in body


def test_it_refuses_a_school_user_with_403(client, cast, campaign, apps):
    client.force_login(cast.school_user_a)
    r = client.get(url(campaign))
    assert r.status_code == 403
    assert "县级初评仅限" in r.content.decode()


def test_it_refuses_an_expert_and_an_anonymous_visitor(client, cast, campaign):
    client.force_login(cast.expert)
    assert client.get(url(campaign)).status_code == 403
    client.logout()
    assert client.get(url(campaign)).status_code == 302  # to the log-in page


def test_it_answers_404_for_another_county_named_in_the_query(client, cast, campaign, apps):
    client.force_login(cast.county_admin_a)
    assert client.get(url(campaign, county=cast.county_b.code)).status_code == 404


def test_it_answers_404_for_a_campaign_of_another_city(client, cast, campaign, rubrics, apps):
    from campuseval.accounts.models import RoleAssignment, User

    other_admin = User.objects.create_user(username="hefei", password="x")
    RoleAssignment.objects.create(user=other_admin, role="city_admin", region=cast.other_city)
    other = make_campaign(cast, rubrics["taizhou-2022"], city=cast.other_city, name="合肥 2022")
    client.force_login(cast.county_admin_a)
    assert client.get(url(other)).status_code == 404


def test_a_city_admin_opens_any_county_of_the_city_read_only(client, cast, campaign, apps):
    client.force_login(cast.city_admin)
    r = client.get(url(campaign, county=cast.county_b.code))
    assert r.status_code == 200
    body = r.content.decode()
    assert cast.school_b.name in body
    assert cast.school_a.name not in body
    assert 'name="county"' in body  # the county switch
    assert client.get(url(campaign, county=cast.other_county.code)).status_code == 404


def test_it_shows_status_tier_self_score_and_the_engines_tier(client, cast, campaign, apps):
    client.force_login(cast.county_admin_a)
    body = client.get(url(campaign)).content.decode()
    row = body[body.index(f'data-application="{apps["second"].pk}"'):]
    row = row[: row.index("</tr>")]
    assert "已提交" in row
    assert "优秀型" in row
    assert "107" in row
    assert "2022-06-20" in row  # submitted at (Shanghai time)


def test_it_hides_drafts_unless_asked_and_counts_them(client, cast, campaign, apps):
    third = make_school(cast.county_a, 12, "琅琊区第三小学")
    draft(campaign, third, cast.county_admin_a)
    client.force_login(cast.county_admin_a)
    body = client.get(url(campaign)).content.decode()
    assert "琅琊区第三小学" not in body
    assert "1 份草稿尚未提交" in body
    body = client.get(url(campaign, status="draft")).content.decode()
    assert "琅琊区第三小学" in body
    assert cast.school_a.name not in body


@pytest.mark.parametrize(
    ("query", "shown", "hidden"),
    [
        ({"tier": "优秀型"}, "琅琊区第二小学", "琅琊区示例第一小学"),
        ({"stage": "初中"}, "琅琊区第二小学", "琅琊区示例第一小学"),
        ({"q": "第二"}, "琅琊区第二小学", "琅琊区示例第一小学"),
        ({"q": "2134000001"}, "琅琊区示例第一小学", "琅琊区第二小学"),
        ({"status": "recommended"}, "琅琊区示例第一小学", "琅琊区第二小学"),
    ],
)
def test_it_filters_by_tier_stage_name_and_status(client, cast, campaign, apps, query, shown, hidden):
    s.application_recommend(by=cast.county_admin_a, application=apps["a"], recommend=True)
    client.force_login(cast.county_admin_a)
    body = client.get(url(campaign, **query)).content.decode()
    assert shown in body
    assert f">{hidden}</a>" not in body


def test_it_ignores_a_bad_filter_value_instead_of_failing(client, cast, campaign, apps):
    client.force_login(cast.county_admin_a)
    r = client.get(url(campaign, status="nonsense", sort="evil"))
    assert r.status_code == 200
    assert cast.school_a.name in r.content.decode()


def test_it_sorts_by_the_engines_self_score(client, cast, campaign, apps):
    client.force_login(cast.county_admin_a)
    body = client.get(url(campaign, sort="score")).content.decode()
    assert body.index("琅琊区第二小学") < body.index("琅琊区示例第一小学")
    body = client.get(url(campaign, sort="-score")).content.decode()
    assert body.index("琅琊区示例第一小学") < body.index("琅琊区第二小学")


def test_it_marks_an_application_changed_after_a_return(client, cast, campaign, apps):
    app = s.application_return(by=cast.county_admin_a, application=apps["a"], comments={"1.1.2": "请补充照片"})
    row = app.scores.get(code="1.1.2")
    s.self_score_save(by=cast.school_user_a, application=app, code="1.1.2", score=0.5, expected_version=row.version)
    client.force_login(cast.county_admin_a)
    body = client.get(url(campaign)).content.decode()
    assert "退回后已修改 1 项" in body


def test_the_quota_panel_shows_used_cap_and_remaining(client, cast, campaign, apps):
    s.campaign_update(by=cast.city_admin, campaign=campaign, quota_total=3, quota_per_tier={"示范型": 1})
    s.application_recommend(by=cast.county_admin_a, application=apps["a"], recommend=True)
    s.application_recommend(by=cast.city_admin, application=apps["b"], recommend=True)  # county B's own
    client.force_login(cast.county_admin_a)
    body = client.get(url(campaign)).content.decode()
    panel = body[body.index('id="quota-title"'):]
    total = panel[panel.index('data-quota="推荐总数"'):]
    assert "已推荐 1 / 3 所" in total[:300]
    assert "剩余名额 2" in total[:400]
    demo = panel[panel.index('data-quota="示范型"'):]
    assert "已推荐 1 / 1 所" in demo[:300]
    assert "剩余名额 0" in demo[:400]
    excellent = panel[panel.index('data-quota="优秀型"'):]
    assert "已推荐 0 所（不限）" in excellent[:300]


def test_it_shows_each_deadline_and_the_current_stage(client, cast, campaign, clock, apps):
    clock.stage(campaign, "county_review")
    client.force_login(cast.county_admin_a)
    body = client.get(url(campaign)).content.decode()
    assert 'data-stage="county_review"' in body
    assert "2022-09-01 07:59" in body  # the county review deadline, Shanghai time
    assert "2022-08-02 07:59" in body


def _queue_queries(client, campaign) -> int:
    with CaptureQueriesContext(connection) as ctx:
        r = client.get(url(campaign))
    assert r.status_code == 200
    return len(ctx.captured_queries)


def test_the_queue_takes_the_same_queries_for_many_applications(client, cast, campaign, apps, django_assert_max_num_queries):
    client.force_login(cast.county_admin_a)
    few = _queue_queries(client, campaign)
    from campuseval.regions.models import SchoolFacts

    for n in range(20, 26):
        school = make_school(cast.county_a, n)
        SchoolFacts.objects.create(school=school, year=2022, students=500, student_computers=100)
        submitted(campaign, school, cast.county_admin_a, tier="合格型")
    with django_assert_max_num_queries(few):
        client.get(url(campaign))
    with django_assert_max_num_queries(few):
        client.get(url(campaign, sort="-score"))


def test_self_results_agree_with_self_result_and_read_the_facts(cast, campaign, apps):
    from campuseval.regions.models import SchoolFacts

    # 12 students per computer breaks Taizhou's 1.2.2 check (at most 10 in primary schools).
    SchoolFacts.objects.create(school=cast.school_a, year=2021, students=1200, student_computers=100)
    SchoolFacts.objects.create(school=cast.school_a, year=2023, students=100, student_computers=100)
    applications = list(Application.objects.filter(campaign=campaign).prefetch_related("scores"))
    batch = self_results(applications)
    for a in applications:
        one = self_result(a)
        assert (batch[a.pk].total, batch[a.pk].tier, batch[a.pk].warnings) == (one.total, one.tier, one.warnings)
    assert any(w.code == "1.2.2" for w in batch[apps["a"].pk].warnings)


def test_the_county_home_links_each_campaign_of_the_city(client, cast, campaign):
    client.force_login(cast.county_admin_a)
    body = client.get("/campaigns/county/").content.decode()
    assert f'href="/campaigns/county/{campaign.pk}/"' in body
    assert "各县推荐名额" not in body
    client.force_login(cast.city_admin)
    assert f'href="/campaigns/county/{campaign.pk}/quotas/"' in client.get("/campaigns/county/").content.decode()


def test_it_pages_the_queue_keeping_the_filters(client, cast, campaign, apps, monkeypatch):
    from campuseval.campaigns.views import county_queue as county

    monkeypatch.setattr(county, "PAGE_SIZE", 1)
    client.force_login(cast.county_admin_a)
    body = client.get(url(campaign, sort="name")).content.decode()
    assert "第 1 / 2 页" in body
    assert "?sort=name&amp;page=2" in body
    body = client.get(url(campaign, sort="name", page=2)).content.decode()
    assert "第 2 / 2 页" in body
