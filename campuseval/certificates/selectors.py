"""Reads: what a certificate says, and what the public verification page shows of it."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from campuseval.campaigns.models import Campaign, Status
from campuseval.rubrics.selectors import form_words

from .exports import CertificateText
from .models import Certificate


def _certificates() -> QuerySet[Certificate]:
    return Certificate.objects.select_related(
        "campaign__city", "campaign__rubric", "application__school__county", "application__campaign"
    )


def of_campaign(campaign: Campaign) -> QuerySet[Certificate]:
    return _certificates().filter(campaign=campaign).order_by("serial")


def of_application(application_id: int) -> Certificate | None:
    return _certificates().filter(application_id=application_id).first()


def by_code(code: str) -> Certificate | None:
    """The certificate with this short code, if its campaign is published (a code of any other
    is not known to the public)."""
    return _certificates().filter(code=code, campaign__published_at__isnull=False).first()


def verify_url(certificate: Certificate) -> str:
    """The address the QR code carries: the public verification page of this certificate."""
    return f"{settings.SITE_URL.rstrip('/')}{reverse('verify:code', args=[certificate.code])}"


def text(certificate: Certificate) -> CertificateText:
    """What is printed on the certificate."""
    campaign, school = certificate.campaign, certificate.application.school
    return CertificateText(
        city=campaign.city.name, bureau=f"{campaign.city.name}教育局", school=school.name, county=school.county.name,
        unit=form_words(campaign.rubric).unit, campaign=campaign.name, year=campaign.year, tier=certificate.tier,
        issued_on=certificate.issued_on, number=certificate.number, code=certificate.code_display,
        url=verify_url(certificate), lookup_url=f"{settings.SITE_URL.rstrip('/')}{reverse('verify:lookup')}",
    )


@dataclass(frozen=True)
class Verification:
    certificate: Certificate
    valid: bool  # the published result today says what the certificate says
    current_tier: str  # the tier the published results give the school today ("" : none)
    checked_at: str


def verification(certificate: Certificate) -> Verification:
    application = certificate.application
    current = application.decided_tier if application.status == Status.PUBLISHED else ""
    return Verification(
        certificate=certificate, valid=current == certificate.tier, current_tier=current,
        checked_at=timezone.localtime().strftime("%Y-%m-%d %H:%M"),
    )
