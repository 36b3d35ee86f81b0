"""The database connection killed in the middle of a write (PostgreSQL): the school's submission
and a set of scores are inside their transaction, everything already written in it, when the
server process behind the connection is terminated from another connection
(``pg_terminate_backend``). The request answers 503 with a Chinese sentence (JSON on the API,
text to htmx, the page otherwise), never a server error; a fresh connection then reads every
table exactly as before; and the same request again succeeds.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.db import OperationalError

from campuseval.busy_middleware import DATABASE_UNAVAILABLE, UNAVAILABLE, trouble
from campuseval.campaigns import services as s
from campuseval.campaigns.models import Application, IndicatorScore
from campuseval.campaigns.services import application as submitting
from campuseval.campaigns.services import scores as scoring
from tests.api.conftest import application, campaign, client_for, clock, fill_full_marks, rubrics  # noqa: F401

from .conftest import changed_tables, connect, kill_own_backend, snapshot

pytestmark = pytest.mark.django_db(transaction=True)


def _killed_after(monkeypatch, module: Any, name: str, other: Any, inside: Any) -> list[int]:
    """Make ``module.name`` first check what the transaction has written so far (``inside()``),
    then kill the connection's backend, then do its work (whose first query fails)."""
    real, killed = getattr(module, name), []

    def killing(*args: Any, **kwargs: Any) -> Any:
        inside()
        killed.append(kill_own_backend(other))
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, killing)
    return killed


def _status_elsewhere(pk: int) -> str:
    with connect() as fresh:
        return fresh.execute("SELECT status FROM campaigns_application WHERE id = %s", [pk]).fetchone()[0]


def _half_submitted(pk: int) -> Any:
    def inside() -> None:
        # Within the transaction the application is submitted (its event and audit record
        # written); any other connection still reads the draft.
        assert Application.objects.get(pk=pk).status == "submitted"
        assert _status_elsewhere(pk) == "draft"

    return inside


def test_a_submission_through_the_api_whose_connection_is_killed_answers_503_and_leaves_the_draft(
    other, cast, application, monkeypatch  # noqa: F811
):
    fill_full_marks(application, cast.school_user_a)
    api = client_for(cast.school_user_a)
    before = snapshot()
    killed = _killed_after(monkeypatch, submitting, "tell_county", other, _half_submitted(application.pk))

    response = api.post(f"/api/applications/{application.pk}/submit/")

    assert killed, "the backend was never killed: the service did not reach the point"
    assert response.status_code == 503, response.content.decode()[:2000]
    assert response.json() == {"detail": UNAVAILABLE, "code": "database_unavailable"}
    assert response["Retry-After"]
    assert changed_tables(before, snapshot()) == []
    monkeypatch.undo()
    again = api.post(f"/api/applications/{application.pk}/submit/")
    assert again.status_code == 200, again.content
    assert again.json()["status"] == "submitted"
    assert _status_elsewhere(application.pk) == "submitted"


def test_a_submission_from_the_page_whose_connection_is_killed_shows_the_503_page_and_leaves_the_draft(
    other, client, cast, application, monkeypatch  # noqa: F811
):
    fill_full_marks(application, cast.school_user_a)
    client.force_login(cast.school_user_a)
    before = snapshot()
    killed = _killed_after(monkeypatch, submitting, "tell_county", other, _half_submitted(application.pk))

    response = client.post(f"/campaigns/applications/{application.pk}/submit/")

    assert killed
    page = response.content.decode()
    assert response.status_code == 503, page[:2000]
    assert response["Content-Type"].startswith("text/html")
    assert "系统暂时无法连接数据库" in page and "<h1" in page and "Traceback" not in page
    assert changed_tables(before, snapshot()) == []
    monkeypatch.undo()
    again = client.post(f"/campaigns/applications/{application.pk}/submit/")
    assert again.status_code == 302
    assert _status_elsewhere(application.pk) == "submitted"


def _first_indicators(app: Application, n: int) -> list[Any]:
    return app.campaign.rubric.engine_rubric().indicators[:n]


def test_a_set_of_scores_whose_connection_is_killed_saves_none_of_them(other, cast, application, monkeypatch):  # noqa: F811
    by = cast.school_user_a
    three, six = _first_indicators(application, 3), _first_indicators(application, 6)
    s.self_scores_save(by=by, application=application, scores=[
        s.ScoreInput(i.code, 0, False if i.has_clause else None, "第一次") for i in three
    ])
    # Three saved rows changed (version 1 -> 2) and three new ones, in one call: all or none.
    items = [
        s.ScoreInput(i.code, i.points, True if i.has_clause else None, "改过", 1 if i in three else 0) for i in six
    ]
    before = snapshot()

    def inside() -> None:
        rows = IndicatorScore.objects.filter(application=application)
        assert sorted(r.version for r in rows) == [1, 1, 1, 2, 2, 2]  # all written in the transaction

    killed = _killed_after(monkeypatch, scoring, "audit_append", other, inside)

    with pytest.raises(OperationalError) as caught:
        s.self_scores_save(by=by, application=application, scores=items)

    assert killed
    assert trouble(caught.value) is DATABASE_UNAVAILABLE
    assert changed_tables(before, snapshot()) == []
    monkeypatch.undo()
    s.self_scores_save(by=by, application=application, scores=items)
    saved = IndicatorScore.objects.filter(application=application)
    assert sorted(r.version for r in saved) == [1, 1, 1, 2, 2, 2]
    assert {r.comment for r in saved} == {"改过"}


def test_a_score_typed_on_the_page_whose_connection_is_killed_answers_503_to_htmx(
    other, client, cast, application, monkeypatch  # noqa: F811
):
    indicator = _first_indicators(application, 1)[0]
    client.force_login(cast.school_user_a)
    url = f"/campaigns/applications/{application.pk}/scores/{indicator.code}/"
    form = {"score": str(indicator.points), "version": "0", "comment": "网络全覆盖"}
    if indicator.has_clause:
        form["clause_met"] = "yes"
    before = snapshot()

    def inside() -> None:
        assert IndicatorScore.objects.filter(application=application, code=indicator.code).exists()

    killed = _killed_after(monkeypatch, scoring, "audit_append", other, inside)

    response = client.post(url, form, HTTP_HX_REQUEST="true")

    assert killed
    assert response.status_code == 503
    assert response["Content-Type"].startswith("text/plain")
    assert response.content.decode() == UNAVAILABLE
    assert changed_tables(before, snapshot()) == []
    monkeypatch.undo()
    assert client.post(url, form, HTTP_HX_REQUEST="true").status_code == 200
    assert IndicatorScore.objects.get(application=application, code=indicator.code).comment == "网络全覆盖"
