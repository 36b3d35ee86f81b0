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
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
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


def test_an_expert_opens_only_the_evidence_of_the_application_assigned_to_them_and_only_during_the_review(
    client, cast, campaign, rubrics, clock, application
):
    import datetime as dt

    from campuseval.campaigns import services as s
    from campuseval.campaigns.models import Application
    from campuseval.evidence.models import EvidenceLink
    from tests.campaigns.conftest import make_campaign
    from tests.campaigns.test_city_helpers import reviewed, self_assess

    client.force_login(cast.school_user_a)
    upload(client, application, "1.1.1", "本次申报.pdf", PDF)
    upload(client, application, "1.1.2", "下一年的草稿.pdf", PDF + b"%draft")
    client.logout()
    assigned, other = EvidenceItem.objects.order_by("pk")
    year = dt.timedelta(days=365)
    next_year = make_campaign(
        cast, rubrics["taizhou-2022"], year=2023, name="2023年滁州市智慧校园创建", opens_at=campaign.opens_at + year,
        application_deadline=campaign.application_deadline + year, county_review_deadline=campaign.county_review_deadline + year,
        city_review_deadline=campaign.city_review_deadline + year, publication_deadline=campaign.publication_deadline + year,
    )
    draft = Application.objects.create(campaign=next_year, school=cast.school_a)
    EvidenceLink.objects.filter(evidence=other).update(application=draft)  # linked only to the school's draft
    application = s.application_update(by=cast.city_admin, application=application, expected_version=application.version, applied_tier="示范型")
    self_assess(application, cast.city_admin)
    application = s.application_submit(by=cast.city_admin, application=application)
    application = s.application_recommend(by=cast.city_admin, application=application, recommend=True)
    (assignment,) = reviewed(cast, campaign, clock, application, [{}], submit=False)
    client.force_login(assignment.expert)

    assert client.get(f"/evidence/{assigned.pk}/download/").status_code == 200
    assert client.get(f"/evidence/{other.pk}/download/").status_code == 404
    clock.stage(campaign, "decision")
    client.force_login(assignment.expert)  # the clock's jump ended the session
    assert client.get(f"/evidence/{assigned.pk}/download/").status_code == 404


def test_an_observer_opens_no_evidence_though_they_see_the_application(client, cast, item, application):
    client.force_login(cast.observer)

    assert client.get(f"/evidence/{item.pk}/download/").status_code == 404
    page = client.get(f"/campaigns/applications/{application.pk}/")
    assert page.status_code == 200 and "网络 拓扑图.pdf" not in page.content.decode()


def test_a_download_and_a_refused_one_are_both_in_the_audit_trail(client, cast, item):
    from campuseval.audit.models import AuditRecord

    client.force_login(cast.county_admin_a)
    client.get(f"/evidence/{item.pk}/download/")
    client.force_login(cast.school_user_b)
    client.get(f"/evidence/{item.pk}/download/")

    done = AuditRecord.objects.get(action="download")
    assert (done.actor_name, done.object_id, done.after["file"]) == (cast.county_admin_a.username, str(item.pk), "网络 拓扑图.pdf")
    refused = AuditRecord.objects.get(action="refused")
    assert refused.actor_name == cast.school_user_b.username
    assert refused.after == {"method": "GET", "path": f"/evidence/{item.pk}/download/", "status": 404}
