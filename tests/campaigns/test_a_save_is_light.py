"""One self-assessment save costs what the school's own row needs (issue 12): the rubric's text
is parsed once per version, not on every save; a draft's save adds up no county's figures
again; and what the page shows after the save is what it showed before these shortcuts."""

from __future__ import annotations

import re

import pytest

from campuseval.analytics import services as analytics
from campuseval.analytics.models import (
    ApplicationSummary,
    AreaSummary,
    IndicatorRollup,
    IndicatorSummary,
)
from campuseval.campaigns import services as s
from campuseval.rubrics import presenters as rubric_presenters

from .conftest import fill_full_marks


@pytest.fixture
def application(campaign, cast):
    return s.application_create(by=cast.school_user_a, campaign=campaign, school=cast.school_a)


def _save(client, application, code, score, version):
    response = client.post(
        f"/campaigns/applications/{application.pk}/scores/{code}/", {"version": version, "score": score}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert response.status_code == 200 and "已保存" in html, html[:400]
    return html


def _version(html: str) -> int:
    return int(re.search(r'name="version" value="(\d+)"', html)[1])


def test_saving_scores_does_not_read_the_rubric_text_again(client, cast, application, monkeypatch):
    client.force_login(cast.school_user_a)
    assert client.get(f"/campaigns/applications/{application.pk}/").status_code == 200  # the version's tree, once
    parsed = []
    real = rubric_presenters.rubric_tree
    monkeypatch.setattr(rubric_presenters, "rubric_tree", lambda *a, **k: parsed.append(a) or real(*a, **k))
    validated = []
    real_validate = application.campaign.rubric.rubric_file().__class__.model_validate
    monkeypatch.setattr(
        application.campaign.rubric.rubric_file().__class__, "model_validate",
        lambda data, **k: validated.append(1) or real_validate(data, **k),
    )

    html = _save(client, application, "1.1.1", "1", 0)
    html = _save(client, application, "1.1.1", "0.5", _version(html))

    assert parsed == [] and validated == []
    assert "0.5" in html


def test_the_saved_row_offers_the_same_choices_as_the_page(client, cast, application):
    client.force_login(cast.school_user_a)
    page = client.get(f"/campaigns/applications/{application.pk}/").content.decode()
    row = page[page.index('id="item-1-1-1"') : page.index('id="item-1-1-2"')]
    saved = _save(client, application, "1.1.1", "1", 0)
    options = re.findall(r'<option value="([^"]*)"', row)
    assert options and re.findall(r'<option value="([^"]*)"', saved)[: len(options)] == options
    assert re.search(r'<option value="1" selected', saved)


def test_a_drafts_save_writes_its_summary_row_only_and_a_submission_the_rest(cast, application, monkeypatch):
    added_up = []
    real = analytics.roll_up
    monkeypatch.setattr(analytics, "roll_up", lambda pairs: added_up.append(pairs) or real(pairs))

    s.self_score_save(by=cast.school_user_a, application=application, code="1.1.1", score="1", expected_version=0)
    assert added_up == [] and not IndicatorRollup.objects.exists()
    assert ApplicationSummary.objects.get(pk=application.pk).self_total == 1
    assert not AreaSummary.objects.filter(application=application).exists()
    assert not IndicatorSummary.objects.filter(application=application).exists()

    s.application_update(by=cast.school_user_a, application=application, expected_version=application.version, applied_tier="合格型")
    fill_full_marks(application, cast.school_user_a, skip=("1.1.1",))
    application.refresh_from_db()
    s.application_submit(by=cast.school_user_a, application=application)
    assert added_up and IndicatorRollup.objects.filter(campaign=application.campaign, region_code=cast.school_a.county.code).exists()
    assert IndicatorSummary.objects.filter(application=application).count() == len(application.campaign.rubric.engine_rubric().indicators)
    assert AreaSummary.objects.filter(application=application).exists()
