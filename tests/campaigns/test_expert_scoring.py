"""/campaigns/reviews/<assignment_id>/: scoring on one's own, saved as it goes; blind until
one's own submit."""

from __future__ import annotations

import pytest
from django.urls import reverse

from campuseval.audit.models import AuditRecord
from campuseval.campaigns import services as s
from campuseval.campaigns.models import ExpertScore
from campuseval.evidence.models import EvidenceItem, EvidenceLink

from .test_city_helpers import expert_scores, make_expert, recommended


def detail(assignment):
    return reverse("campaigns:review_detail", kwargs={"assignment_id": assignment.pk})


def score_url(assignment):
    return reverse("campaigns:review_score", kwargs={"assignment_id": assignment.pk})


def submit_url(assignment):
    return reverse("campaigns:review_submit", kwargs={"assignment_id": assignment.pk})


@pytest.fixture
def app(cast, campaign):
    return recommended(cast, campaign, cast.school_a)


@pytest.fixture
def mine(cast, campaign, clock, app):
    clock.stage(campaign, "city_review")
    return s.expert_assign(by=cast.city_admin, application=app, expert=cast.expert)


@pytest.fixture
def theirs(cast, app, mine):
    other = make_expert(cast, "other", cast.county_b)
    return s.expert_assign(by=cast.city_admin, application=app, expert=other)


def test_the_page_shows_each_indicator_with_the_schools_self_score_and_evidence(client, cast, app, mine):
    item = EvidenceItem.objects.create(
        school=cast.school_a, kind="file", title="网络拓扑图", original_name="topo.pdf", size=2048,
        sha256="ab" * 32, created_by=cast.school_user_a,
    )
    EvidenceItem.objects.create(
        school=cast.school_b, kind="file", title="别校的文件", sha256="ab" * 32, created_by=cast.school_user_b
    )
    link = EvidenceItem.objects.create(
        school=cast.school_a, kind="link", title="校园网平台", url="https://example.edu.cn/", created_by=cast.school_user_a
    )
    EvidenceLink.objects.create(evidence=item, application=app, code="1.1.1")
    EvidenceLink.objects.create(evidence=link, application=app, code="1.1.1", carried=True)
    client.force_login(cast.expert)
    page = client.get(detail(mine)).content.decode()
    assert "有线网络校园全覆盖" in page  # the indicator's full text
    assert "2 分" in page
    assert "自评说明 1.1.1" in page  # the school's comment
    assert "网络拓扑图" in page and "topo.pdf" in page
    assert f"/evidence/{item.pk}/download/" in page
    assert "https://example.edu.cn/" in page
    assert "沿用往年" in page
    assert "与其他学校提交的文件相同" in page
    assert "ce-clause" in page  # the ▲ clause inside 1.3.3 is marked
    assert 'name="clause"' in page
    assert "已评 0 / 82" in page


def test_a_score_is_saved_as_the_expert_types(client, cast, mine):
    client.force_login(cast.expert)
    response = client.post(
        score_url(mine), {"code": "1.1.1", "score": "1.5", "comment": "未实现实名制上网", "version": "0"},
        HTTP_HX_REQUEST="true",
    )
    page = response.content.decode()
    assert "已保存" in page
    assert 'name="version" value="1"' in page
    assert 'hx-swap-oob="true">已评 1 / 82' in page
    row = ExpertScore.objects.get(assignment=mine, code="1.1.1")
    assert (str(row.score), row.comment) == ("1.50", "未实现实名制上网")
    assert AuditRecord.objects.filter(object_type="campaigns.expertscore").exists()


def test_a_clause_judgement_is_saved_with_the_indicator(client, cast, mine):
    client.force_login(cast.expert)
    client.post(score_url(mine), {"code": "1.3.3", "score": "1", "clause": "0", "version": "0"}, HTTP_HX_REQUEST="true")
    assert ExpertScore.objects.get(assignment=mine, code="1.3.3").clause_met is False


def test_a_bad_score_is_refused_with_a_clear_message_and_kept_in_the_input(client, cast, mine):
    client.force_login(cast.expert)
    page = client.post(
        score_url(mine), {"code": "1.1.1", "score": "3", "version": "0"}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "得分须在 0 到 2 之间" in page
    assert 'value="3"' in page
    assert not ExpertScore.objects.exists()


def test_a_stale_save_gets_a_message_and_the_current_value(client, cast, mine):
    client.force_login(cast.expert)
    client.post(score_url(mine), {"code": "1.1.1", "score": "2", "version": "0"}, HTTP_HX_REQUEST="true")
    page = client.post(
        score_url(mine), {"code": "1.1.1", "score": "1", "version": "0"}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "指标 1.1.1 已在另一个窗口修改" in page
    assert "当前保存的是：2" in page
    assert 'name="version" value="1"' in page
    assert ExpertScore.objects.get(code="1.1.1").score == 2


def test_without_htmx_a_save_redirects_back_with_a_message(client, cast, mine):
    client.force_login(cast.expert)
    response = client.post(score_url(mine), {"code": "1.1.1", "score": "2", "version": "0"})
    assert response.status_code == 302
    assert response["Location"].endswith(f"{detail(mine)}#ind-1.1.1")


def test_a_save_after_the_city_review_is_404_and_saves_nothing(client, cast, campaign, clock, mine):
    clock.stage(campaign, "decision")
    client.force_login(cast.expert)
    assert client.post(score_url(mine), {"code": "1.1.1", "score": "2", "version": "0"}).status_code == 404
    assert not ExpertScore.objects.exists()


def test_submitting_is_refused_while_indicators_are_missing(client, cast, mine):
    expert_scores(mine, skip=("5.4.2",))
    client.force_login(cast.expert)
    page = client.post(submit_url(mine), follow=True).content.decode()
    assert "不能提交：还有 1 个指标未评分：5.4.2" in page
    mine.refresh_from_db()
    assert mine.submitted_at is None


def test_the_expert_never_sees_another_experts_scores_before_submitting(client, cast, mine, theirs):
    expert_scores(theirs, overrides={"1.5.2": 0.5}, comments={"1.5.2": "乙专家：平台未上线"})
    s.expert_submit(by=theirs.expert, assignment=theirs)
    expert_scores(mine)
    client.force_login(cast.expert)
    page = client.get(detail(mine)).content.decode()
    assert "乙专家：平台未上线" not in page
    assert "其他专家 1" not in page
    assert "data-other-score" not in page
    assert "合成结果" not in page

    client.post(submit_url(mine))
    page = client.get(detail(mine)).content.decode()
    assert "乙专家：平台未上线" in page
    assert "其他专家 1：0.5" in page
    assert "合成结果" in page
    assert "分差较大，待讨论" in page  # 3 against 0.5 on 1.5.2
    assert "name=\"score\"" not in page  # locked after submit


def test_unsubmitted_scores_of_others_stay_hidden_even_after_submitting(client, cast, mine, theirs):
    expert_scores(theirs, comments={"1.5.2": "乙专家草稿"})
    expert_scores(mine)
    s.expert_submit(by=cast.expert, assignment=mine)
    client.force_login(cast.expert)
    page = client.get(detail(mine)).content.decode()
    assert "乙专家草稿" not in page
    assert "1/2 位专家已提交" in page
