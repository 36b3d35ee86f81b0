"""The forms download from their pages and through the API, each for whoever may see what it
holds, and every download is recorded in the audit trail."""

from __future__ import annotations

from io import BytesIO

import pytest
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from campuseval.audit.models import AuditRecord
from campuseval.campaigns import services as s
from tests.campaigns.test_city_helpers import recommended, reviewed, self_assess


def form_url(application, form, fmt):
    return reverse("filings:application", kwargs={"pk": application.pk, "form": form, "fmt": fmt})


def docx_text(body):
    doc = Document(BytesIO(body))
    return "\n".join(c.text for t in doc.tables for r in t.rows for c in r.cells) + "\n".join(p.text for p in doc.paragraphs)


def xlsx_values(body):
    ws = load_workbook(BytesIO(body)).active
    return [v for row in ws.iter_rows(values_only=True) for v in row if v is not None]


@pytest.fixture
def application(cast, campaign):
    """The school's application with its details, full marks, submitted."""
    app = s.application_create(by=cast.city_admin, campaign=campaign, school=cast.school_a)
    app = s.application_update(
        by=cast.city_admin, application=app, expected_version=app.version, applied_tier="优秀型",
        head_name="王校长", contact_name="王校长", contact_phone="0550-1234567", classes=24, students=1000, teachers=60,
        highlights="创客教育",
    )
    self_assess(app, cast.city_admin)
    return s.application_submit(by=cast.city_admin, application=app)


def test_the_school_downloads_its_application_form_with_the_tier_it_applied_for_ticked(client, cast, application):
    client.force_login(cast.school_user_a)
    response = client.get(form_url(application, "application", "docx"))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert "attachment" in response["Content-Disposition"]
    text = docx_text(response.content)
    assert cast.school_a.name in text
    assert "☑优秀型" in text and "□示范型" in text and "□合格型" in text


def test_the_self_assessment_sheet_gives_each_subarea_the_schools_own_sum(client, cast, application):
    client.force_login(cast.county_admin_a)
    response = client.get(form_url(application, "self-assessment", "xlsx"))
    assert response.status_code == 200
    values = xlsx_values(response.content)
    assert "泰州市中小学智慧校园评估检查验收自评表" in values
    assert "一、基础环境（26分）" in values and "校园网络" in values
    assert any(isinstance(v, str) and "自评总得分" in v and "110" in v for v in values)  # full marks, capped at 110


def test_the_score_sheet_of_every_indicator_downloads_as_word(client, cast, application):
    client.force_login(cast.school_user_a)
    response = client.get(form_url(application, "score-sheet", "docx"))
    assert response.status_code == 200
    assert "1.1.1" in docx_text(response.content)


def test_a_school_cannot_download_another_schools_forms(client, cast, application):
    client.force_login(cast.school_user_b)
    assert client.get(form_url(application, "application", "docx")).status_code == 404


def test_an_unknown_form_or_format_is_not_found(client, cast, application):
    client.force_login(cast.school_user_a)
    assert client.get(form_url(application, "application", "xlsx")).status_code == 404  # 申报表 is Word only
    assert client.get(form_url(application, "nonsense", "docx")).status_code == 404


def test_every_download_is_recorded_with_who_and_what(client, cast, application):
    client.force_login(cast.school_user_a)
    client.get(form_url(application, "self-assessment", "docx"))
    record = AuditRecord.objects.filter(action=AuditRecord.Action.EXPORT).latest("pk")
    assert record.actor_id == cast.school_user_a.pk
    assert "自评表" in record.object_repr and cast.school_a.name in record.object_repr


def test_the_api_answers_the_same_file(client, cast, application):
    client.force_login(cast.county_admin_a)
    url = reverse("api:application_form", kwargs={"pk": application.pk, "form": "self-assessment", "fmt": "xlsx"})
    response = client.get(url)
    assert response.status_code == 200
    assert "一、基础环境（26分）" in xlsx_values(response.content)


def test_a_blank_rubric_sheet_opens_to_anyone_with_every_level_of_the_rubric(client, rubrics):
    zibo = rubrics["zibo"]
    url = reverse("filings:rubric_sheet", kwargs={"code": zibo.code, "version": zibo.version, "fmt": "xlsx"})
    response = client.get(url)
    assert response.status_code == 200
    values = xlsx_values(response.content)
    assert "三级指标" in values  # Zibo's own level names
    assert any(isinstance(v, str) and v.startswith("区县") for v in values)  # Zibo's word, not Taizhou's 市（区）


@pytest.fixture
def decided(cast, campaign, clock):
    a = recommended(cast, campaign, cast.school_a, tier="示范型")
    b = recommended(cast, campaign, cast.school_b, tier="合格型")
    assignments = {}
    for app in (a, b):
        assignments[app.pk] = reviewed(cast, campaign, clock, app, [{}])
    s.application_decide(by=cast.city_admin, application=a)
    s.application_decide(by=cast.city_admin, application=b)
    return a, b, assignments


def test_the_expert_downloads_their_own_score_sheet_and_the_city_any(client, cast, campaign, decided):
    a, _b, assignments = decided
    assignment = assignments[a.pk][0]
    client.force_login(assignment.expert)
    response = client.get(reverse("filings:expert_sheet", kwargs={"pk": assignment.pk, "fmt": "docx"}))
    assert response.status_code == 200
    text = docx_text(response.content)
    assert cast.school_a.name in text and "评审专家（签名）" in text
    client.force_login(cast.city_admin)
    url = reverse("filings:city_expert_sheet", kwargs={"campaign_id": campaign.pk, "pk": assignment.pk, "fmt": "xlsx"})
    assert client.get(url).status_code == 200
    client.force_login(cast.school_user_a)
    assert client.get(url).status_code == 403  # the experts' work is the city's


def test_the_results_list_is_public_once_published_and_shows_totals_only_to_the_city(client, cast, campaign, clock, decided):
    url = reverse("filings:results_list", kwargs={"campaign_id": campaign.pk, "fmt": "xlsx"})
    assert client.get(url).status_code == 404  # not published yet
    clock.stage(campaign, "decision")
    s.campaign_publish(by=cast.city_admin, campaign=campaign)
    public = xlsx_values(client.get(url).content)
    assert cast.school_a.name in public and cast.school_b.name in public and "示范型" in public
    assert not any(isinstance(v, (int, float)) and v > 50 for v in public)  # no totals for the public
    client.force_login(cast.city_admin)
    city = xlsx_values(client.get(url).content)
    assert any(isinstance(v, (int, float)) and v > 50 for v in city)
