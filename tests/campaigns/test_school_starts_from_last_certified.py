"""从上次认定的申报开始: a school starts its self-assessment from its last certified application.

The scores, clause judgements and comments of indicator codes the new rubric has are copied
(only where the score is still valid for the new points), the earlier evidence is linked again
(never stored twice), and everything carried is marked 沿用上次 until the school changes it; the
county sees what is carried and what is new. (Issue 8, item 8.)
"""

from __future__ import annotations

import datetime as dt
import io

import pytest
import yaml
from django.conf import settings as django_settings
from django.urls import reverse

from campuseval.audit.models import AuditRecord
from campuseval.campaigns import services as s
from campuseval.campaigns.models import IndicatorScore
from campuseval.evidence import services as evidence
from campuseval.evidence.models import EvidenceItem, EvidenceLink
from campuseval.rubrics.services import rubric_load_file
from tests.api.conftest import client_for

from .conftest import make_campaign
from .test_city_helpers import reviewed, self_assess

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
OLD_NAME = "2021年滁州市智慧校园创建"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def last_year(cast, rubrics, clock, *, tier="合格型", decided=None, reason=""):
    """School A's 2021 application: full marks with comments, a file on 1.1.1, a link on 1.2.1 and
    a text on 1.1.2; submitted, recommended, reviewed, decided (``decided``: the city's tier,
    default the scored one) and published."""
    old = make_campaign(
        cast, rubrics["taizhou-2022"], year=2021, name=OLD_NAME,
        opens_at=dt.datetime(2021, 6, 1, tzinfo=dt.UTC),
        application_deadline=dt.datetime(2021, 8, 1, tzinfo=dt.UTC),
        county_review_deadline=dt.datetime(2021, 8, 31, tzinfo=dt.UTC),
        city_review_deadline=dt.datetime(2021, 9, 30, tzinfo=dt.UTC),
        publication_deadline=dt.datetime(2021, 10, 15, tzinfo=dt.UTC),
    )
    now = clock.now
    clock.at(dt.datetime(2021, 7, 1, tzinfo=dt.UTC))
    user = cast.school_user_a
    app = s.application_create(by=user, campaign=old, school=cast.school_a)
    app = s.application_update(by=user, application=app, expected_version=app.version, applied_tier=tier)
    self_assess(app, user)
    evidence.evidence_upload(
        by=user, application=app, code="1.1.1",
        uploads=[evidence.Upload(name="2021网络拓扑图.pdf", file=io.BytesIO(PDF), size=len(PDF))],
    )
    evidence.evidence_add_link(by=user, application=app, code="1.2.1", url="https://example.com/2021")
    evidence.evidence_add_text(by=user, application=app, code="1.1.2", text="广播系统覆盖全校", title="广播")
    app = s.application_submit(by=user, application=app)
    app = s.application_recommend(by=cast.county_admin_a, application=app, recommend=True)
    reviewed(cast, old, clock, app, [{}])
    if decided is None:
        s.application_decide(by=cast.city_admin, application=app)
    else:
        s.application_decide(by=cast.city_admin, application=app, tier=decided, reason=reason)
    clock.stage(old, "decision")
    s.campaign_publish(by=cast.city_admin, campaign=old)
    clock.at(now)
    app.refresh_from_db()
    return app


@pytest.fixture
def certified(cast, rubrics, clock):
    return last_year(cast, rubrics, clock)


@pytest.fixture
def draft(campaign, cast, certified):
    """School A's blank 2022 draft, applying for 优秀型."""
    app = s.application_create(by=cast.school_user_a, campaign=campaign, school=cast.school_a)
    return s.application_update(by=cast.school_user_a, application=app, expected_version=app.version, applied_tier="优秀型")


@pytest.fixture
def school_client(client, cast):
    client.force_login(cast.school_user_a)
    return client


def page(client, app):
    return client.get(f"/campaigns/applications/{app.pk}/").content.decode()


def start_from_last(client, app):
    response = client.post(f"/campaigns/applications/{app.pk}/from-last/", follow=True)
    assert response.status_code == 200
    return response.content.decode()


def item_html(html, code, following):
    return html[html.index(f'id="item-{code}"') : html.index(f'id="item-{following}"')]


def indicator_count(app):
    return len(app.campaign.rubric.engine_rubric().indicators)


# --- the offer and the carry -------------------------------------------------------------------


def test_school_starts_from_last_years_scores_and_evidence(school_client, cast, certified, draft):
    html = page(school_client, draft)
    assert "从上次认定的申报开始" in html
    assert f"本校在{OLD_NAME}中认定为合格型" in html
    assert "沿用往年材料</button>" not in html  # the evidence-only carry is not offered beside it
    items_before = EvidenceItem.objects.count()

    html = start_from_last(school_client, draft)

    n = indicator_count(draft)
    rows = IndicatorScore.objects.filter(application=draft)
    assert rows.count() == n and all(r.carried_from_id == certified.pk for r in rows)
    old = {r.code: r for r in certified.scores.all()}
    row = rows.get(code="1.3.3")
    assert (row.self_score, row.clause_met, row.comment) == (old["1.3.3"].self_score, True, "自评说明 1.3.3")
    links = EvidenceLink.objects.filter(application=draft)
    assert sorted(links.values_list("code", "carried")) == [("1.1.1", True), ("1.1.2", True), ("1.2.1", True)]
    assert set(links.values_list("evidence_id", flat=True)) == set(
        EvidenceLink.objects.filter(application=certified).values_list("evidence_id", flat=True)
    )
    assert EvidenceItem.objects.count() == items_before  # the files are linked, not stored again
    assert f"已从{OLD_NAME}（认定为合格型）开始：沿用 {n} 项自评得分与说明、3 项佐证材料" in html
    assert "从上次认定的申报开始</button>" not in html  # offered once, while the application is blank
    assert "沿用上次</span>" in item_html(html, "1-1-1", "1-1-2")
    assert f"{n} 项沿用上次、0 项本次新填" in html
    record = AuditRecord.objects.filter(object_type="campaigns.application", object_id=str(draft.pk)).order_by("-seq").first()
    assert record.after["carried_from"] == certified.pk and record.after["scores_carried"] == n
    assert record.actor_id == cast.school_user_a.pk
    score_record = AuditRecord.objects.filter(object_type="campaigns.indicatorscore", object_id=str(row.pk)).get()
    assert score_record.after["carried_from_id"] == certified.pk


def test_a_school_starts_a_new_application_from_the_list(school_client, cast, campaign, certified):
    listing = school_client.get(reverse("campaigns:school_applications")).content.decode()
    assert "从上次认定的申报开始" in listing and f"沿用{OLD_NAME}（认定为合格型）" in listing

    response = school_client.post(
        reverse("campaigns:school_application_start_carried", args=[campaign.pk]),
        {"school": cast.school_a.pk}, follow=True,
    )

    draft = cast.school_a.applications.get(campaign=campaign)
    assert response.redirect_chain[-1][0] == f"/campaigns/applications/{draft.pk}/"
    assert draft.scores.filter(carried_from=certified).count() == indicator_count(draft)
    assert "已从" in response.content.decode()


def test_indicators_missing_from_the_new_rubric_are_skipped_and_counted(school_client, cast, rubrics, clock, certified, tmp_path):
    # The 2023 rubric drops 1.1.2 and gives 1.1.1 one point instead of two.
    content = yaml.safe_load((django_settings.BASE_DIR / "rubrics" / "taizhou-2022.yaml").read_text(encoding="utf-8"))
    content["id"], content["year"] = "taizhou-2023", 2023
    network = content["areas"][0]["subareas"][0]
    network["indicators"] = [i for i in network["indicators"] if i["code"] != "1.1.2"]
    network["indicators"][0]["points"] = 1
    path = tmp_path / "taizhou-2023.yaml"
    path.write_text(yaml.safe_dump(content, allow_unicode=True), encoding="utf-8")
    rubric, _ = rubric_load_file(path=path)
    campaign = make_campaign(cast, rubric)
    draft = s.application_create(by=cast.school_user_a, campaign=campaign, school=cast.school_a)

    html = start_from_last(school_client, draft)

    carried = set(draft.scores.values_list("code", flat=True))
    assert "1.1.1" not in carried and "1.1.2" not in carried  # 2 points do not fit 1; 1.1.2 is gone
    assert len(carried) == indicator_count(draft) - 1
    assert "2 项自评未沿用（本次评估标准中没有该指标，或原得分不符合本次分值）：1.1.1、1.1.2" in html
    assert "1 项佐证材料所属指标不在本次评估标准中，未沿用" in html
    assert sorted(EvidenceLink.objects.filter(application=draft).values_list("code", flat=True)) == ["1.1.1", "1.2.1"]
    record = AuditRecord.objects.filter(object_type="campaigns.application", object_id=str(draft.pk)).order_by("-seq").first()
    assert record.after["scores_skipped"] == ["1.1.1", "1.1.2"] and record.after["evidence_skipped"] == 1


def test_changed_score_is_no_longer_carried(school_client, draft):
    start_from_last(school_client, draft)
    row = draft.scores.get(code="1.1.1")

    unchanged = school_client.post(
        f"/campaigns/applications/{draft.pk}/scores/1.1.1/",
        {"version": row.version, "score": "2", "comment": row.comment}, HTTP_HX_REQUEST="true",
    ).content.decode()
    assert draft.scores.get(code="1.1.1").carried_from_id is not None  # saved as it was: still carried
    assert "沿用上次</span>" in unchanged

    changed = school_client.post(
        f"/campaigns/applications/{draft.pk}/scores/1.1.1/",
        {"version": row.version + 1, "score": "1.5", "comment": row.comment}, HTTP_HX_REQUEST="true",
    ).content.decode()
    assert draft.scores.get(code="1.1.1").carried_from_id is None
    assert "沿用上次</span>" not in changed

    comment_only = draft.scores.get(code="1.2.1")
    school_client.post(
        f"/campaigns/applications/{draft.pk}/scores/1.2.1/",
        {"version": comment_only.version, "score": f"{comment_only.self_score.normalize():f}", "comment": "今年新增万兆主干"},
    )
    assert draft.scores.get(code="1.2.1").carried_from_id is None
    assert f"{indicator_count(draft) - 2} 项沿用上次、2 项本次新填" in page(school_client, draft)


def test_county_sees_which_indicators_are_carried(client, school_client, cast, draft):
    start_from_last(school_client, draft)
    row = draft.scores.get(code="1.1.1")
    school_client.post(
        f"/campaigns/applications/{draft.pk}/scores/1.1.1/", {"version": row.version, "score": "1.5", "comment": "新"},
    )
    s.application_submit(by=cast.school_user_a, application=draft)

    client.force_login(cast.county_admin_a)
    html = client.get(reverse("campaigns:county_review", args=[draft.pk])).content.decode()

    n = indicator_count(draft)
    assert f"{n - 1} 项沿用上次、1 项本次新填" in html
    assert f"学校从{OLD_NAME}（认定为合格型）的申报开始" in html
    first = html[html.index('id="ind-1-1-1"') : html.index('id="ind-1-1-2"')]
    second = html[html.index('id="ind-1-1-2"') : html.index('id="ind-1-1-3"')]
    assert "data-new" in first and "data-carried" not in first
    assert "data-carried" in second and "沿用往年" in second  # and its evidence, carried
    assert html.count("data-carried>") == n - 1


def test_a_county_page_without_carried_indicators_shows_no_carried_marks(client, school_client, cast, draft):
    row_scores = [s.ScoreInput(i.code, i.points, True if i.has_clause else None) for i in draft.campaign.rubric.engine_rubric().indicators]
    s.self_scores_save(by=cast.school_user_a, application=draft, scores=row_scores)
    client.force_login(cast.county_admin_a)
    html = client.get(reverse("campaigns:county_review", args=[draft.pk])).content.decode()
    assert "项沿用上次" not in html and "data-new" not in html


# --- refusals ------------------------------------------------------------------------------------


def test_no_offer_without_a_certified_application(school_client, cast, rubrics, clock, campaign):
    # 2021: published, but decided 未达标: not certified.
    last_year(cast, rubrics, clock, decided="", reason="现场核查不符")
    draft = s.application_create(by=cast.school_user_a, campaign=campaign, school=cast.school_a)

    assert "从上次认定的申报开始" not in page(school_client, draft)
    html = start_from_last(school_client, draft)
    assert "未能从上次认定的申报开始：本校没有已认定（已公布且获得等级）的往年申报" in html
    assert not draft.scores.exists() and not EvidenceLink.objects.filter(application=draft).exists()


def test_no_offer_on_the_list_without_a_certified_application(school_client, cast, campaign):
    listing = school_client.get(reverse("campaigns:school_applications")).content.decode()
    assert "开始申报" in listing and "从上次认定的申报开始" not in listing
    response = school_client.post(
        reverse("campaigns:school_application_start_carried", args=[campaign.pk]), {"school": cast.school_a.pk}, follow=True,
    )
    assert "本校没有已认定" in response.content.decode()
    assert not cast.school_a.applications.filter(campaign=campaign).exists()  # nothing half-saved


def test_an_application_with_a_score_is_not_offered_and_is_refused(school_client, cast, draft):
    s.self_score_save(by=cast.school_user_a, application=draft, code="1.1.1", score=1, expected_version=0)

    assert "从上次认定的申报开始" not in page(school_client, draft)
    html = start_from_last(school_client, draft)
    assert "本次申报已有自评得分、说明或佐证材料，只能在尚未填写时从上次认定的申报开始" in html
    assert list(draft.scores.values_list("code", "carried_from")) == [("1.1.1", None)]


def test_an_application_with_evidence_is_refused(school_client, cast, draft):
    evidence.evidence_add_link(by=cast.school_user_a, application=draft, code="1.2.1", url="https://example.com/2022")
    html = start_from_last(school_client, draft)
    assert "本次申报已有自评得分、说明或佐证材料" in html
    assert not draft.scores.exists()


def test_a_score_chosen_and_cleared_again_still_counts_as_blank(school_client, cast, draft):
    s.self_score_save(by=cast.school_user_a, application=draft, code="1.1.1", score="", expected_version=0)
    assert "从上次认定的申报开始</button>" in page(school_client, draft)
    start_from_last(school_client, draft)
    assert draft.scores.get(code="1.1.1").carried_from_id is not None


def test_after_the_application_deadline_it_is_refused_by_the_rulebook(school_client, campaign, clock, draft):
    clock.stage(campaign, "county_review")
    assert "从上次认定的申报开始" not in page(school_client, draft)
    html = start_from_last(school_client, draft)
    assert "未能从上次认定的申报开始：“申报与自评”已于" in html
    assert not draft.scores.exists()


def test_another_school_cannot_start_from_school_as_application(client, cast, draft):
    client.force_login(cast.school_user_b)
    assert client.post(f"/campaigns/applications/{draft.pk}/from-last/").status_code == 404


# --- the API ------------------------------------------------------------------------------------


def test_the_api_starts_from_the_last_certified_application(cast, certified, draft):
    api = client_for(cast.school_user_a)

    response = api.post(f"/api/applications/{draft.pk}/start-from-last/")

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["source"] == {"id": certified.pk, "campaign": certified.campaign_id, "campaign_name": OLD_NAME, "tier": "合格型"}
    assert len(body["carried"]) == indicator_count(draft) and body["skipped"] == []
    assert (body["evidence"], body["evidence_skipped"]) == (3, 0)
    rows = {r["code"]: r for r in api.get(f"/api/applications/{draft.pk}/scores/").json()}
    assert rows["1.1.1"]["carried"] is True and rows["1.1.1"]["evidence"][0]["carried"] is True

    again = api.post(f"/api/applications/{draft.pk}/start-from-last/")
    assert again.status_code == 400
    assert again.json() == {"detail": "本次申报已有自评得分、说明或佐证材料，只能在尚未填写时从上次认定的申报开始", "code": "workflow"}

    saved = api.put(
        f"/api/applications/{draft.pk}/scores/1.1.1/",
        {"score": 1, "clause_met": None, "comment": "", "version": rows["1.1.1"]["version"]},
    )
    assert saved.status_code == 200 and saved.json()["carried"] is False


def test_the_api_refuses_without_a_certified_application_and_outside_the_school(cast, campaign):
    draft = s.application_create(by=cast.school_user_a, campaign=campaign, school=cast.school_a)
    response = client_for(cast.school_user_a).post(f"/api/applications/{draft.pk}/start-from-last/")
    assert response.status_code == 400 and "本校没有已认定" in response.json()["detail"]
    assert client_for(cast.school_user_b).post(f"/api/applications/{draft.pk}/start-from-last/").status_code == 404
    assert client_for(cast.county_admin_a).post(f"/api/applications/{draft.pk}/start-from-last/").status_code == 403


def test_the_schema_documents_the_endpoint(client):
    schema = client.get("/api/schema/?format=json").json()
    operation = schema["paths"]["/api/applications/{id}/start-from-last/"]["post"]
    assert "从上次认定的申报开始" in operation["summary"]
    assert "CarryReportOut" in schema["components"]["schemas"]
