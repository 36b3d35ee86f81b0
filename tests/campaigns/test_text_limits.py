"""Text has a stated limit and a counter, and too-long text is refused with a message, never
cut silently (issue 8, 4)."""

from __future__ import annotations

import pytest

from campuseval.campaigns import services as s
from campuseval.campaigns.models import IndicatorScore
from campuseval.campaigns.rules import TEXT_LIMITS

from .test_county_support import submitted

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def draft(campaign, cast):
    return s.application_create(by=cast.school_user_a, campaign=campaign, school=cast.school_a)


def test_the_school_page_states_the_limit_of_an_explanation(client, cast, draft):
    client.force_login(cast.school_user_a)
    body = client.get(f"/campaigns/applications/{draft.pk}/").content.decode()
    assert f'data-maxlength="{TEXT_LIMITS["comment"]}"' in body
    assert f"最多 {TEXT_LIMITS['comment']} 字" in body
    assert ' maxlength="5000"' not in body  # the browser never cuts the text


def test_a_too_long_explanation_is_refused_with_its_length_and_nothing_is_saved(client, cast, draft):
    client.force_login(cast.school_user_a)
    text = "说" * 6000
    response = client.post(
        f"/campaigns/applications/{draft.pk}/scores/1.1.1/", {"score": "1", "version": "0", "comment": text}, **HTMX
    )
    body = response.content.decode()
    assert "说明最多 5000 字，现在 6000 字，未保存" in body
    assert "已保存" not in body
    assert not IndicatorScore.objects.filter(application=draft, code="1.1.1").exists()


def test_a_too_long_return_note_is_refused_and_the_typed_note_is_kept(client, cast, campaign):
    app = submitted(campaign, cast.school_a, cast.school_user_a)
    client.force_login(cast.county_admin_a)
    note = "改" * 20000
    response = client.post(f"/campaigns/county/review/{app.pk}/return/", {"note": note})
    body = response.content.decode()
    assert response.status_code == 400
    assert f"意见最多 {TEXT_LIMITS['note']} 字，现在 20000 字" in body
    assert note in body  # what the reviewer typed is still there
    app.refresh_from_db()
    assert app.status == "submitted"


def test_the_api_refuses_a_too_long_explanation_with_the_same_message(cast, draft):
    from tests.api.conftest import client_for

    response = client_for(cast.school_user_a).put(
        f"/api/applications/{draft.pk}/scores/1.1.1/", {"version": 0, "score": 1, "comment": "说" * 6000}, format="json"
    )
    assert response.status_code == 400
    assert "说明最多 5000 字，现在 6000 字，未保存" in response.json()["detail"]


def test_the_withdrawal_reason_states_the_limit_the_service_keeps(client, cast, draft):
    """The browser used to cut a withdrawal reason at 1,000 characters; the service takes 2,000."""
    client.force_login(cast.school_user_a)
    body = client.get(f"/campaigns/applications/{draft.pk}/").content.decode()
    assert 'id="withdraw-reason" name="reason" rows="2" data-maxlength="2000"' in body
    assert 'maxlength="1000"' not in body


def test_a_too_long_withdrawal_reason_is_refused_and_the_application_stays(client, cast, draft):
    client.force_login(cast.school_user_a)
    response = client.post(
        f"/campaigns/applications/{draft.pk}/withdraw/", {"confirm": "yes", "reason": "因" * 2001}, follow=True
    )
    assert "意见最多 2000 字，现在 2001 字，未保存" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == "draft"
