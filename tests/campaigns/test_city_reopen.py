"""Reopening one stage for one school past its deadline, with a reason kept in the audit trail."""

from __future__ import annotations

from django.urls import reverse

from campuseval.audit.models import AuditRecord
from campuseval.campaigns.models import Reopening


def reopen(campaign):
    return reverse("campaigns:campaign_reopen", kwargs={"pk": campaign.pk})


def test_it_reopens_one_school_with_its_reason_in_the_audit_trail(client, cast, campaign, clock):
    clock.stage(campaign, "county_review")
    client.force_login(cast.city_admin)
    response = client.post(
        reopen(campaign),
        {"school": cast.school_a.pk, "stage": "application", "until": "2022-08-20T18:00", "reason": "台风停电，延长申报"},
    )
    assert response.status_code == 302
    reopening = Reopening.objects.get()
    assert (reopening.school, reopening.stage, reopening.reason) == (cast.school_a, "application", "台风停电，延长申报")
    record = AuditRecord.objects.get(object_type="campaigns.reopening")
    assert record.after["reason"] == "台风停电，延长申报"
    page = client.get(reopen(campaign)).content.decode()
    assert "台风停电，延长申报" in page
    assert cast.school_a.name in page


def test_it_refuses_a_reopening_without_a_reason(client, cast, campaign, clock):
    clock.stage(campaign, "county_review")
    client.force_login(cast.city_admin)
    page = client.post(
        reopen(campaign), {"school": cast.school_a.pk, "stage": "application", "until": "2022-08-20T18:00", "reason": ""}
    ).content.decode()
    assert "请填写重新开放的理由" in page
    assert not Reopening.objects.exists()


def test_it_refuses_a_date_in_the_past(client, cast, campaign, clock):
    clock.stage(campaign, "county_review")
    client.force_login(cast.city_admin)
    page = client.post(
        reopen(campaign), {"school": cast.school_a.pk, "stage": "application", "until": "2022-08-02T18:00", "reason": "晚了"}
    ).content.decode()
    assert "延长时间须晚于现在" in page
    assert not Reopening.objects.exists()


def test_it_offers_only_the_schools_of_the_campaigns_city(client, cast, campaign):
    client.force_login(cast.city_admin)
    page = client.get(reopen(campaign)).content.decode()
    assert cast.school_a.name in page and cast.school_b.name in page
    assert cast.school_other.name not in page
    response = client.post(
        reopen(campaign), {"school": cast.school_other.pk, "stage": "application", "until": "2022-08-20T18:00", "reason": "x"}
    )
    assert "请选择本市的学校" in response.content.decode()


def test_a_county_admin_may_not_reopen(client, cast, campaign):
    client.force_login(cast.county_admin_a)
    assert client.get(reopen(campaign)).status_code == 403
