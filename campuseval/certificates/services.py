"""Writes: certificates are issued (numbered, given a code) once the results are published."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from campuseval.audit.services import audit_append, audit_export, entry_for, snapshot
from campuseval.campaigns.models import Campaign
from campuseval.campaigns.selectors import published_applications

from . import exports, rules, selectors
from .models import Certificate


@transaction.atomic
def certificates_issue(*, campaign: Campaign, by: Any = None) -> list[Certificate]:
    """Issue a certificate to every certified school of the published campaign that has none
    yet, numbered on from the last in the fixed order (county code, school code); the ones
    issued now. Calling it again issues nothing twice."""
    rules.check_issue(campaign)
    Campaign.objects.select_for_update(of=("self",)).filter(pk=campaign.pk).order_by().first()
    missing = list(published_applications(campaign).filter(certificate__isnull=True).select_related("campaign__city"))
    if not missing:
        return []
    serial = campaign.certificates.aggregate(last=Max("serial"))["last"] or 0
    taken = set(Certificate.objects.values_list("code", flat=True))
    issued_on = timezone.localdate(campaign.published_at)
    issued = []
    for application in missing:
        serial += 1
        code = rules.new_code()
        while code in taken:
            code = rules.new_code()
        taken.add(code)
        issued.append(
            Certificate(
                application=application, campaign=campaign, serial=serial, number=rules.number(campaign, serial),
                code=code, tier=application.decided_tier, issued_on=issued_on,
            )
        )
    Certificate.objects.bulk_create(issued)
    audit_append(
        [
            entry_for(
                "create", c, after=snapshot(c, ["application_id", "number", "tier", "issued_on"]),
                region_code=c.application.school.county.code,
            )
            for c in issued
        ],
        by=by,
    )
    return issued


def certificate_download(*, by: Any, certificate: Certificate) -> bytes:
    """One certificate's PDF; the download is recorded."""
    body = exports.certificate_pdf(selectors.text(certificate))
    audit_export(
        object_type=Certificate._meta.label_lower, description=f"下载证书：{certificate.application.school.name}（{certificate.number}）",
        count=1, fmt="pdf", filters={"application": certificate.application_id},
        region_code=certificate.application.school.county.code, by=by,
    )
    return body


def issue_on_publication(campaign: Campaign, by: Any) -> None:
    """The campaigns' publish hook: every certified school gets its certificate at once."""
    certificates_issue(campaign=campaign, by=by)
