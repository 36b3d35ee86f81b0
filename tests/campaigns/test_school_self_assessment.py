"""POST /campaigns/applications/<pk>/scores/<code>/: the self-assessment, saved as the school types.

The answer is the indicator's form again plus the summary swapped out of band (htmx).
"""

from __future__ import annotations

import re

import pytest

from campuseval.audit.models import AuditRecord
from campuseval.campaigns import services as s
from campuseval.campaigns.models import IndicatorScore
from campuseval.regions.models import SchoolFacts

from .conftest import fill_full_marks, make_campaign


@pytest.fixture
def application(campaign, cast):
    app = s.application_create(by=cast.school_user_a, campaign=campaign, school=cast.school_a)
    return s.application_update(by=cast.school_user_a, application=app, expected_version=app.version, applied_tier="示范型")


@pytest.fixture
def school_client(client, cast):
    client.force_login(cast.school_user_a)
    return client


def save(client, application, code, *, version, score="", clause=None, comment=""):
    data = {"version": version, "score": score, "comment": comment}
    if clause is not None:
        data["clause_met"] = clause
    response = client.post(f"/campaigns/applications/{application.pk}/scores/{code}/", data, HTTP_HX_REQUEST="true")
    return response.status_code, response.content.decode()


def summary_of(html):
    return html[html.index('id="summary"') :]


def test_saving_a_score_answers_with_the_new_total_and_tier(school_client, cast, application):
    fill_full_marks(application, cast.school_user_a, skip=("1.1.1",))

    status, html = save(school_client, application, "1.1.1", version=0, score="2", comment="千兆接入")

    assert status == 200
    row = IndicatorScore.objects.get(application=application, code="1.1.1")
    assert (row.self_score, row.comment, row.version) == (2, "千兆接入", 1)
    assert '<option value="2" selected>2 分</option>' in html
    assert 'name="version" value="1"' in html
    summary = summary_of(html)
    assert 'hx-swap-oob="true"' in summary
    assert re.search(r'class="fs-2 fw-semibold ce-total">110<', summary)
    assert "ce-tier\">示范型<" in summary
    assert "已完成 82/82" in summary
    assert 'id="summary-bar"' in html and 'id="area-badge-1"' in html
    assert AuditRecord.objects.filter(object_type="campaigns.indicatorscore", object_id=str(row.pk)).exists()


def test_unscored_requirements_are_counted_apart_from_missed_ones(school_client, application):
    _, html = save(school_client, application, "1.1.1", version=0, score="1")

    summary = summary_of(html)
    basic = summary[summary.index("未达到的基本要求") : summary.index("未达到的示范要求")]
    assert re.findall(r'href="#ind-([\d.]+)"', basic) == ["1.1.1"]
    assert "另有 40 项尚未自评" in basic


def test_a_missed_basic_requirement_is_named_and_linked(school_client, cast, application):
    fill_full_marks(application, cast.school_user_a, skip=("1.1.1",))

    _, html = save(school_client, application, "1.1.1", version=0, score="1")

    assert "★ 未达到基本要求" in html  # on the row
    summary = summary_of(html)
    assert "ce-tier\">未达标<" in summary
    missed = summary[summary.index("未达到的基本要求") : summary.index("ce-path")]
    assert re.findall(r'href="#ind-([\d.]+)"', missed) == ["1.1.1"]


def test_the_way_to_the_next_tier_names_the_fewest_indicators(school_client, cast, application):
    fill_full_marks(application, cast.school_user_a, clause=False, skip=("2.2.2",))

    _, html = save(school_client, application, "2.2.2", version=0, score="1", clause="no")

    summary = summary_of(html)
    assert "ce-tier\">优秀型<" in summary
    missed = summary[summary.index("未达到的示范要求") : summary.index("ce-path")]
    assert re.findall(r'href="#ind-([\d.]+)"', missed) == ["1.3.3", "1.4.1", "2.2.2"]
    assert "要达到示范型，最少需要提高 3 个指标：" in summary
    assert '<a href="#ind-1.3.3" class="ce-jump">1.3.3</a> 条款达成' in summary
    assert '<a href="#ind-2.2.2" class="ce-jump">2.2.2</a> 条款达成' in summary


def test_the_way_up_says_how_far_to_raise_a_score(school_client, cast, application):
    threes = ("1.5.2", "4.3.5", "4.5.1")
    twos = ("4.2.3", "4.2.4", "4.2.5", "4.3.2", "4.3.4", "4.5.2", "4.5.4", "5.3.2", "6.4.1")
    fill_full_marks(application, cast.school_user_a, skip=threes + twos)
    for code in threes[1:] + twos:
        s.self_score_save(by=cast.school_user_a, application=application, code=code, score=0, expected_version=0)

    _, html = save(school_client, application, "1.5.2", version=0, score="0")

    summary = summary_of(html)
    assert "ce-tier\">优秀型<" in summary  # 83 points, every ★ and ▲ met
    assert "要达到示范型，最少需要提高 3 个指标：" in summary
    assert summary.count("从 0 分提高到 3 分") == 2 and summary.count("从 0 分提高到 1 分") == 1


def test_a_fact_warning_shows_when_a_claim_contradicts_the_schools_facts(school_client, cast, application):
    SchoolFacts.objects.create(school=cast.school_a, year=2022, students=1000, student_computers=50)

    _, html = save(school_client, application, "1.2.2", version=0, score="2")

    warning = "1.2.2 自评得分与学校数据不符：生机比 为 20，要求 &lt;= 10"
    assert html.count(warning) == 2  # on the row and in the summary
    assert "与学校基础数据不符" in summary_of(html)


def test_the_clause_has_its_own_yes_or_no(school_client, application):
    _, html = save(school_client, application, "1.3.3", version=0, score="1", clause="yes")

    assert IndicatorScore.objects.get(code="1.3.3").clause_met is True
    assert 'id="clause-yes-1-3-3" value="yes" autocomplete="off" checked' in html


def test_a_stale_version_gets_the_conflict_message_and_the_current_value(school_client, cast, application):
    s.self_score_save(by=cast.school_user_b, application=application, code="1.1.1", score=2, expected_version=0)

    status, html = save(school_client, application, "1.1.1", version=0, score="1", comment="我的说明")

    assert status == 200
    assert "指标 1.1.1 已在另一个窗口或由他人修改，当前保存的得分为 2" in html
    assert '<option value="2" selected>2 分</option>' in html  # the current value in the row
    assert 'name="version" value="1"' in html  # saving again now works
    assert "您刚才填写（未保存）：得分 1" in html and "我的说明" in html
    assert IndicatorScore.objects.get(code="1.1.1").self_score == 2


def test_a_save_after_the_deadline_is_refused_naming_it(school_client, application, campaign, clock):
    clock.stage(campaign, "county_review")

    _, html = save(school_client, application, "1.1.1", version=0, score="2")

    assert "“申报与自评”已于 2022-08-02 07:59 截止，不能再保存" in html
    assert 'name="score"' not in html  # the row is now read-only
    assert not IndicatorScore.objects.exists()


def test_a_plain_post_saves_and_redirects_to_the_indicator(school_client, application):
    response = school_client.post(
        f"/campaigns/applications/{application.pk}/scores/1.1.1/", {"version": 0, "score": "1.5"}
    )

    assert response.status_code == 302
    assert response["Location"] == f"/campaigns/applications/{application.pk}/#ind-1.1.1"
    assert IndicatorScore.objects.get(code="1.1.1").self_score == 1.5


def test_a_score_above_the_points_is_refused_with_a_message(school_client, application):
    _, html = save(school_client, application, "1.1.1", version=0, score="3")

    assert "得分须在 0 到 2 之间" in html
    assert not IndicatorScore.objects.exists()


def test_another_school_cannot_save_or_see_this_application(client, cast, application):
    client.force_login(cast.school_user_b)

    assert save(client, application, "1.1.1", version=0, score="2")[0] == 404
    assert client.get(f"/campaigns/applications/{application.pk}/").status_code == 404
    assert not IndicatorScore.objects.exists()


def test_a_county_administrator_cannot_save_a_self_score(client, cast, application):
    client.force_login(cast.county_admin_a)

    status, html = save(client, application, "1.1.1", version=0, score="2")

    assert status == 403
    assert "仅供学校用户使用" in html
    assert not IndicatorScore.objects.exists()


def test_a_criteria_rubric_offers_met_or_not_met(school_client, cast, rubrics, clock):
    campaign = make_campaign(cast, rubrics["weifang-2022"])
    app = s.application_create(by=cast.school_user_a, campaign=campaign, school=cast.school_a)
    code = campaign.rubric.engine_rubric().indicators[0].code

    _, html = save(school_client, app, code, version=0, score="1")

    assert '<option value="1" selected>达到</option><option value="0">未达到</option>' in html
    assert "自评判定" in html
    page = school_client.get(f"/campaigns/applications/{app.pk}/").content.decode()
    assert f"已完成 1/{len(campaign.rubric.engine_rubric().indicators)}" in page
    assert "条达到" in page


def test_school_may_edit_is_the_one_rule_for_changes(cast, application):
    s.school_may_edit(application)  # a draft in the application stage: allowed
    fill_full_marks(application, cast.school_user_a)
    submitted = s.application_submit(by=cast.school_user_a, application=application)

    with pytest.raises(s.WorkflowError, match="申报状态为“已提交”，不能修改"):
        s.school_may_edit(submitted)
