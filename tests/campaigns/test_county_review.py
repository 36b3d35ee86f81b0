"""The county's review page: side-by-side scores, county scoring, return and recommendation."""

from __future__ import annotations

import pytest
from django.db import models
from django.urls import NoReverseMatch, Resolver404, resolve, reverse

from campuseval.audit.models import AuditRecord
from campuseval.campaigns import services as s
from campuseval.campaigns.models import IndicatorScore, Status
from campuseval.notifications.models import Notification

from .test_county_support import make_school, submitted

HTMX = {"HTTP_HX_REQUEST": "true"}


def review_url(app, tail=""):
    return f"/campaigns/county/review/{app.pk}/{tail}"


@pytest.fixture
def app(campaign, cast):
    return submitted(campaign, cast.school_a, cast.school_user_a, lose=("1.1.2",))


@pytest.fixture
def app_b(campaign, cast):
    return submitted(campaign, cast.school_b, cast.school_user_b)


@pytest.fixture
def county_client(client, cast):
    client.force_login(cast.county_admin_a)
    return client


def score(client, app, code, value, version, comment=None, **extra):
    data = {"score": value, "version": version}
    if comment is not None:
        data[f"comment-{code}"] = comment
    return client.post(review_url(app, f"scores/{code}/"), data, **extra)


# --- scope -------------------------------------------------------------------------------------


def test_it_answers_404_for_another_countys_application(county_client, app_b):
    assert county_client.get(review_url(app_b)).status_code == 404
    assert county_client.post(review_url(app_b, "recommend/"), {"decision": "recommend"}).status_code == 404
    assert score(county_client, app_b, "1.1.1", "2", 1).status_code == 404


def test_it_refuses_a_school_user_with_403(client, cast, app):
    client.force_login(cast.school_user_a)
    assert client.get(review_url(app)).status_code == 403
    assert client.post(review_url(app, "recommend/"), {"decision": "recommend"}).status_code == 403


def test_a_city_admin_reads_the_page_but_may_not_act(client, cast, app_b):
    client.force_login(cast.city_admin)
    r = client.get(review_url(app_b))
    assert r.status_code == 200
    body = r.content.decode()
    assert "只读" in body
    assert 'id="return-form"' not in body
    assert "hx-post" not in body
    r = client.post(review_url(app_b, "recommend/"), {"decision": "recommend"})
    assert r.status_code == 403
    app_b.refresh_from_db()
    assert app_b.status == Status.SUBMITTED


def test_it_answers_404_for_an_unknown_indicator(county_client, app):
    assert score(county_client, app, "9.9.9", "1", 0).status_code == 404


# --- what the page shows ------------------------------------------------------------------------


def test_it_shows_each_indicator_with_the_schools_score_and_the_totals(county_client, app):
    IndicatorScore.objects.filter(application=app, code="1.3.3").update(comment="三个课堂每周开展")
    body = county_client.get(review_url(app)).content.decode()
    assert "有线网络校园全覆盖" in body  # 1.1.1's text
    assert "★ 基本要求" in body
    assert "▲ 示范要求" in body
    assert "三个课堂每周开展" in body
    assert 'data-self-total>109 分' in body
    assert "示范型" in body
    cell = body[body.index('id="ind-1-1-2"'):]
    assert "0 / 1 分" in cell[: cell.index('id="ind-1-1-3"')]


def test_the_county_total_gives_a_tier_only_once_every_indicator_is_scored(county_client, cast, app):
    s.county_score_save(by=cast.county_admin_a, application=app, code="1.1.1", score=1, expected_version=1)
    body = county_client.get(review_url(app)).content.decode()
    assert "已评 1 / 82 项" in body
    assert "全部评完后给出等级" in body
    county = body[body.index("已评 1 / 82 项"):]
    county = county[: county.index("</section>")]
    assert "未达到的 ★ 基本要求：1.1.1<" in county  # scored below full marks; unscored ★ not named
    IndicatorScore.objects.filter(application=app).update(county_score=models.F("self_score"))
    body = county_client.get(review_url(app)).content.decode()
    assert "data-county-total>109 分" in body
    county = body[body.index("已评 82 / 82 项"):]
    assert "示范型" in county[: county.index("</section>")]


def test_it_lists_linked_evidence_and_flags_a_file_another_school_submitted(county_client, cast, app):
    from campuseval.evidence.models import EvidenceItem, EvidenceLink

    sha = "a" * 64
    mine = EvidenceItem.objects.create(
        school=cast.school_a, kind="file", title="网络拓扑图", file="evidence/1/x", sha256=sha,
        size=2048, created_by=cast.school_user_a,
    )
    EvidenceItem.objects.create(
        school=cast.school_b, kind="file", title="别校的图", file="evidence/2/y", sha256=sha,
        created_by=cast.school_user_b,
    )
    link = EvidenceItem.objects.create(
        school=cast.school_a, kind="link", title="校园网介绍", url="https://example.org/net",
        created_by=cast.school_user_a,
    )
    EvidenceLink.objects.create(evidence=mine, application=app, code="1.1.1")
    EvidenceLink.objects.create(evidence=link, application=app, code="1.1.1", carried=True)
    body = county_client.get(review_url(app)).content.decode()
    row = body[body.index('id="ind-1-1-1"'): body.index('id="ind-1-1-2"')]
    assert "网络拓扑图" in row
    assert 'href="https://example.org/net"' in row
    assert "沿用往年" in row
    assert "内容相同的文件也由另外 1 所学校提交" in row
    # School B is outside county A's scope: it is counted, not named.
    assert cast.school_b.name not in body
    assert "别校的图" not in body
    # A file opens through the evidence app's download view, which checks scope again.
    try:
        download = reverse("evidence:download", args=[mine.pk])
    except NoReverseMatch:
        return
    assert f'href="{download}"' in row


def test_a_city_admin_sees_the_names_of_schools_with_the_same_file(client, cast, app):
    from campuseval.evidence.models import EvidenceItem, EvidenceLink

    sha = "b" * 64
    mine = EvidenceItem.objects.create(
        school=cast.school_a, kind="file", title="制度汇编", file="evidence/1/z", sha256=sha,
        created_by=cast.school_user_a,
    )
    EvidenceItem.objects.create(
        school=cast.school_b, kind="file", title="制度", file="evidence/2/z", sha256=sha, created_by=cast.school_user_b,
    )
    EvidenceLink.objects.create(evidence=mine, application=app, code="2.1.1")
    client.force_login(cast.city_admin)
    body = client.get(review_url(app)).content.decode()
    assert f"内容相同的文件也由另外 1 所学校提交：{cast.school_b.name}" in body


def test_it_shows_the_fact_check_warnings(county_client, cast, app):
    from campuseval.regions.models import SchoolFacts

    SchoolFacts.objects.create(school=cast.school_a, year=2022, students=1200, student_computers=100)
    body = county_client.get(review_url(app)).content.decode()
    assert "数据核查提示" in body
    assert "1.2.2 自评得分与学校数据不符" in body


# --- county scores -----------------------------------------------------------------------------


def test_it_saves_a_county_score_and_returns_the_cell_to_htmx(county_client, app):
    r = score(county_client, app, "1.1.1", "1.5", 1, comment="拓扑图不清晰", **HTMX)
    assert r.status_code == 200
    body = r.content.decode()
    assert "已保存指标 1.1.1 的县级评分" in body
    assert '<option value="1.5" selected>' in body
    assert 'name="version" value="2"' in body
    assert 'hx-swap-oob="true"' in body  # the totals follow
    assert "已评 1 / 82 项" in body
    row = IndicatorScore.objects.get(application=app, code="1.1.1")
    assert (row.county_score, row.county_comment, row.self_score) == (1.5, "拓扑图不清晰", 2)
    assert AuditRecord.objects.filter(object_type="campaigns.indicatorscore", object_id=str(row.pk)).exists()


def test_a_plain_post_saves_keeps_the_comment_and_redirects_to_the_indicator(county_client, app):
    IndicatorScore.objects.filter(application=app, code="1.1.1").update(county_comment="原意见")
    r = score(county_client, app, "1.1.1", "2", 1)
    assert r.status_code == 302
    assert r["Location"].endswith("#ind-1-1-1")
    row = IndicatorScore.objects.get(application=app, code="1.1.1")
    assert (row.county_score, row.county_comment) == (2, "原意见")


def test_a_stale_save_is_refused_with_the_current_value(county_client, cast, app):
    s.county_score_save(by=cast.county_admin_a, application=app, code="1.1.1", score=1, comment="另一位审核人", expected_version=1)
    r = score(county_client, app, "1.1.1", "2", 1, comment="我的意见", **HTMX)
    body = r.content.decode()
    assert "已在另一个窗口或由他人修改" in body
    assert "当前保存的县级评分为 1 分" in body
    assert "另一位审核人" in body
    assert '<option value="2" selected>' in body  # what this reviewer chose stays selected
    assert ">我的意见</textarea>" in body
    assert 'name="version" value="2"' in body  # a second save is a deliberate overwrite
    row = IndicatorScore.objects.get(application=app, code="1.1.1")
    assert (row.county_score, row.county_comment) == (1, "另一位审核人")


def test_a_criteria_rubric_is_scored_met_or_not(county_client, cast, rubrics, clock):
    from .conftest import make_campaign

    weifang = make_campaign(cast, rubrics["weifang-2022"])
    tiers = weifang.tier_names
    app = submitted(weifang, cast.school_a, cast.school_user_a, tier=tiers[-1])
    body = county_client.get(review_url(app)).content.decode()
    assert ">达到</option>" in body and ">未达到</option>" in body
    code = weifang.rubric.engine_rubric().indicators[0].code
    r = score(county_client, app, code, "1", 1, **HTMX)
    assert f"已保存指标 {code} 的县级评分" in r.content.decode()
    assert IndicatorScore.objects.get(application=app, code=code).county_score == 1


def test_a_bad_score_is_refused_with_a_message_naming_the_indicator(county_client, app):
    body = score(county_client, app, "1.1.1", "3", 1, **HTMX).content.decode()
    assert "指标 1.1.1：得分须在 0 到 2 之间" in body
    assert IndicatorScore.objects.get(application=app, code="1.1.1").county_score is None


def test_a_score_after_the_county_deadline_is_refused_naming_it(county_client, campaign, clock, app):
    clock.stage(campaign, "city_review")
    body = score(county_client, app, "1.1.1", "2", 1, **HTMX).content.decode()
    assert "“县级初评”已于 2022-09-01 07:59 截止" in body
    assert IndicatorScore.objects.get(application=app, code="1.1.1").county_score is None


# --- return -----------------------------------------------------------------------------------


def test_it_returns_with_comments_per_indicator_and_the_school_sees_them(county_client, client, cast, app):
    r = county_client.post(review_url(app, "return/"), {
        "comment-1.1.1": "请补充网络拓扑图", "comment-1.2.2": "生机比数据与学校数据不符", "comment-1.1.3": "  ",
        "note": "请按意见修改后重新提交",
    })
    assert r.status_code == 302
    app.refresh_from_db()
    assert app.status == Status.RETURNED
    assert app.county_note == "请按意见修改后重新提交"
    comments = dict(IndicatorScore.objects.filter(application=app).exclude(county_comment="").values_list("code", "county_comment"))
    assert comments == {"1.1.1": "请补充网络拓扑图", "1.2.2": "生机比数据与学校数据不符"}
    assert Notification.objects.filter(user=cast.school_user_a, kind="returned").exists()
    assert AuditRecord.objects.filter(
        object_type="campaigns.application", object_id=str(app.pk), after__status=Status.RETURNED
    ).exists()
    page = county_client.get(r["Location"]).content.decode()
    assert "已退回琅琊区示例第一小学修改（2 条指标意见）" in page
    # The school's own page, where it exists, shows the comments.
    try:
        resolve(f"/campaigns/applications/{app.pk}/")
    except Resolver404:
        return
    client.force_login(cast.school_user_a)
    school_page = client.get(f"/campaigns/applications/{app.pk}/").content.decode()
    assert "请补充网络拓扑图" in school_page


def test_a_return_without_any_comment_is_refused_and_keeps_nothing(county_client, app):
    r = county_client.post(review_url(app, "return/"), {"comment-1.1.1": "", "note": " "})
    assert r.status_code == 400
    assert "退回时请至少填写一条意见" in r.content.decode()
    app.refresh_from_db()
    assert app.status == Status.SUBMITTED


def test_a_refused_return_keeps_what_the_reviewer_typed(county_client, campaign, clock, app):
    clock.stage(campaign, "city_review")
    r = county_client.post(review_url(app, "return/"), {"comment-1.1.1": "请补充拓扑图", "note": "总体意见"})
    assert r.status_code == 400
    body = r.content.decode()
    assert "县级初评”已于 2022-09-01 07:59 截止" in body
    assert "已于 2022-09-01 07:59 锁定" in body
    app.refresh_from_db()
    assert app.status == Status.SUBMITTED


def test_the_school_sees_changes_after_a_return_marked_for_the_county(county_client, cast, app):
    county_client.post(review_url(app, "return/"), {"comment-1.1.2": "请补充照片"})
    row = IndicatorScore.objects.get(application=app, code="1.1.2")
    s.self_score_save(by=cast.school_user_a, application=app, code="1.1.2", score=1, expected_version=row.version)
    s.application_submit(by=cast.school_user_a, application=app)
    body = county_client.get(review_url(app)).content.decode()
    row_html = body[body.index('id="ind-1-1-2"'): body.index('id="ind-1-1-3"')]
    assert "退回后已修改" in row_html
    assert "请补充照片" in row_html


# --- recommendation and quota -------------------------------------------------------------------


def test_it_recommends_within_the_quota(county_client, cast, campaign, app):
    s.campaign_update(by=cast.city_admin, campaign=campaign, quota_total=1)
    r = county_client.post(review_url(app, "recommend/"), {"decision": "recommend"}, follow=True)
    app.refresh_from_db()
    assert app.status == Status.RECOMMENDED
    body = r.content.decode()
    assert "已推荐琅琊区示例第一小学参加市级评审" in body
    assert "剩余名额 0" in body
    assert Notification.objects.filter(user=cast.school_user_a, kind="recommended").exists()
    assert AuditRecord.objects.filter(
        object_type="campaigns.application", object_id=str(app.pk), after__status=Status.RECOMMENDED
    ).exists()


def test_it_refuses_a_recommendation_beyond_the_overall_quota(county_client, cast, campaign, app):
    s.campaign_update(by=cast.city_admin, campaign=campaign, quota_total=1)
    other = submitted(campaign, make_school(cast.county_a, 31), cast.county_admin_a)
    s.application_recommend(by=cast.county_admin_a, application=other, recommend=True)
    r = county_client.post(review_url(app, "recommend/"), {"decision": "recommend"}, follow=True)
    assert "本县推荐名额已用完（上限 1 所）" in r.content.decode()
    app.refresh_from_db()
    assert app.status == Status.SUBMITTED


def test_it_refuses_a_recommendation_beyond_the_tier_quota(county_client, cast, campaign, app):
    s.campaign_update(by=cast.city_admin, campaign=campaign, quota_per_tier={"示范型": 1})
    other = submitted(campaign, make_school(cast.county_a, 32), cast.county_admin_a)
    excellent = submitted(campaign, make_school(cast.county_a, 33), cast.county_admin_a, tier="优秀型")
    s.application_recommend(by=cast.county_admin_a, application=other, recommend=True)
    r = county_client.post(review_url(app, "recommend/"), {"decision": "recommend"}, follow=True)
    assert "本县“示范型”推荐名额已用完（上限 1 所）" in r.content.decode()
    # Another tier still has room.
    county_client.post(review_url(excellent, "recommend/"), {"decision": "recommend"})
    app.refresh_from_db()
    excellent.refresh_from_db()
    assert (app.status, excellent.status) == (Status.SUBMITTED, Status.RECOMMENDED)


def test_a_county_in_another_county_does_not_use_this_countys_quota(county_client, cast, campaign, app, app_b):
    s.campaign_update(by=cast.city_admin, campaign=campaign, quota_total=1)
    s.application_recommend(by=cast.city_admin, application=app_b, recommend=True)
    county_client.post(review_url(app, "recommend/"), {"decision": "recommend"})
    app.refresh_from_db()
    assert app.status == Status.RECOMMENDED


def test_it_records_a_not_recommended_decision(county_client, cast, app):
    r = county_client.post(review_url(app, "recommend/"), {"decision": "not_recommend"}, follow=True)
    assert "已将琅琊区示例第一小学设为不推荐" in r.content.decode()
    app.refresh_from_db()
    assert app.status == Status.NOT_RECOMMENDED
    assert Notification.objects.filter(user=cast.school_user_a, kind="not_recommended").exists()


def test_it_refuses_an_unknown_decision(county_client, app):
    r = county_client.post(review_url(app, "recommend/"), {"decision": "maybe"}, follow=True)
    assert "请选择“推荐”或“不推荐”" in r.content.decode()
    app.refresh_from_db()
    assert app.status == Status.SUBMITTED


def test_after_the_county_deadline_the_page_is_locked_and_actions_are_refused(county_client, campaign, clock, app):
    clock.stage(campaign, "city_review")
    body = county_client.get(review_url(app)).content.decode()
    assert "县级初评已于 2022-09-01 07:59 锁定" in body
    assert "hx-post" not in body
    assert 'id="return-form"' not in body
    r = county_client.post(review_url(app, "recommend/"), {"decision": "recommend"}, follow=True)
    assert "未能推荐：“县级初评”已于 2022-09-01 07:59 截止" in r.content.decode()
    app.refresh_from_db()
    assert app.status == Status.SUBMITTED


def test_get_is_not_allowed_on_actions(county_client, app):
    assert county_client.get(review_url(app, "recommend/")).status_code == 405
    assert county_client.get(review_url(app, "return/")).status_code == 405
