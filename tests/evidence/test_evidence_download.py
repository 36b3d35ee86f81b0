"""GET /evidence/<pk>/download/: only through scope, as an attachment under the original name."""

from __future__ import annotations

import pytest

from campuseval.evidence.models import EvidenceItem

from .conftest import PDF, upload


@pytest.fixture
def item(client, cast, application):
    client.force_login(cast.school_user_a)
    upload(client, application, "1.1.1", "网络 拓扑图.pdf", PDF)
    client.logout()
    return EvidenceItem.objects.get()


def test_the_school_downloads_its_file_as_an_attachment(client, cast, item):
    client.force_login(cast.school_user_a)
    response = client.get(f"/evidence/{item.pk}/download/")

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"].startswith("sandbox")
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=utf-8''%E7%BD%91%E7%BB%9C%20%E6%8B%93%E6%89%91%E5%9B%BE.pdf" in disposition


def test_the_county_reviewing_the_school_may_download(client, cast, item):
    client.force_login(cast.county_admin_a)

    assert client.get(f"/evidence/{item.pk}/download/").status_code == 200


@pytest.mark.parametrize("who", ["school_user_b", "outsider", "expert"])
def test_anyone_out_of_scope_gets_404(client, cast, item, who):
    client.force_login(getattr(cast, who))

    assert client.get(f"/evidence/{item.pk}/download/").status_code == 404


def test_an_anonymous_visitor_is_sent_to_log_in(client, item):
    response = client.get(f"/evidence/{item.pk}/download/")

    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
