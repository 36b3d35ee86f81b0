"""Certificates for the campaigns published before certificates existed: issued as publication
issues them (``services.certificates_issue``), in the same fixed order."""

from __future__ import annotations

from typing import Any

from django.db import migrations
from django.utils import timezone

from campuseval.certificates import rules


def issue(apps: Any, schema_editor: Any) -> None:
    Campaign = apps.get_model("campaigns", "Campaign")
    Application = apps.get_model("campaigns", "Application")
    Certificate = apps.get_model("certificates", "Certificate")
    taken: set[str] = set()
    for campaign in Campaign.objects.filter(published_at__isnull=False).select_related("city"):
        applications = (
            Application.objects.filter(campaign=campaign, status="published").exclude(decided_tier="")
            .order_by("school__county__code", "school__code")
        )
        rows = []
        for serial, application in enumerate(applications, 1):
            code = rules.new_code()
            while code in taken:
                code = rules.new_code()
            taken.add(code)
            rows.append(Certificate(
                application=application, campaign=campaign, serial=serial, number=rules.number(campaign, serial),
                code=code, tier=application.decided_tier, issued_on=timezone.localdate(campaign.published_at),
            ))
        Certificate.objects.bulk_create(rows)


class Migration(migrations.Migration):
    dependencies = [("certificates", "0001_initial"), ("campaigns", "0006_notice_and_objections")]
    operations = [migrations.RunPython(issue, migrations.RunPython.noop)]
