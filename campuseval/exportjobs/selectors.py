"""Reads: what each kind of export packs, as (file name, builder) pairs in a fixed order."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from django.db.models import QuerySet

from campuseval.accounts.scope import AnyUser
from campuseval.campaigns import rules
from campuseval.campaigns.models import Application, Campaign, ExpertAssignment
from campuseval.campaigns.selectors.county import county_applications
from campuseval.certificates import exports as certificate_exports
from campuseval.certificates import selectors as certificate_reads
from campuseval.filings import exports as forms
from campuseval.filings import selectors as form_reads
from campuseval.regions.models import Region

from .models import ExportJob


@dataclass(frozen=True)
class Entry:
    name: str  # the file's name in the zip
    build: Callable[[], bytes]


@dataclass(frozen=True)
class Pack:
    name: str  # the zip's name for the user
    ascii: str
    entries: list[Entry]
    object_type: str  # what the audit record says was exported
    region_code: str


def _self_assessment(application: Application) -> bytes:
    return forms.score_sheet_xlsx(form_reads.self_assessment(application))


def _expert_sheet(assignment: ExpertAssignment) -> bytes:
    return forms.expert_sheet_xlsx(form_reads.expert_sheet(assignment))


def county_self_assessments(user: AnyUser, campaign: Campaign, county: Region) -> QuerySet[Application]:
    """The county's applications the user may see, but drafts (work the school has not handed in)."""
    return (
        county_applications(user, campaign, county).exclude(status__in=rules.WORK_IN_PROGRESS)
        .select_related("campaign__rubric", "campaign__city", "school__county").prefetch_related("scores")
        .order_by("school__code")
    )


def expert_assignments(campaign: Campaign) -> QuerySet[ExpertAssignment]:
    return (
        ExpertAssignment.objects.filter(application__campaign=campaign)
        .select_related("application__school__county", "application__campaign__rubric", "expert")
        .prefetch_related("scores").order_by("application__school__county__code", "application__school__code", "pk")
    )


def pack(job: ExportJob, campaign: Campaign, county: Region | None) -> Pack:
    """What the job packs (its door already asked, as the job's creator)."""
    user = job.created_by
    if job.kind == ExportJob.Kind.SELF_ASSESSMENTS:
        assert county is not None
        entries = [
            Entry(f"{a.school.code}-{a.school.name}自评表.xlsx", partial(_self_assessment, a))
            for a in county_self_assessments(user, campaign, county)
        ]
        return Pack(f"{campaign.name}{county.name}自评表.zip", f"self-assessments-{campaign.pk}-{county.code}.zip",
                    entries, Application._meta.label_lower, county.code)
    if job.kind == ExportJob.Kind.EXPERT_SHEETS:
        entries = [
            Entry(
                f"{a.application.school.county.name}-{a.application.school.name}-{a.expert.full_name or a.expert.username}"
                f"-{a.pk}.xlsx",
                partial(_expert_sheet, a),
            )
            for a in expert_assignments(campaign)
        ]
        return Pack(f"{campaign.name}专家评审打分表.zip", f"expert-sheets-{campaign.pk}.zip",
                    entries, ExpertAssignment._meta.label_lower, campaign.city.code)
    texts = [certificate_reads.text(c) for c in certificate_reads.of_campaign(campaign)]
    entries = [Entry(certificate_exports.file_name(t), partial(certificate_exports.certificate_pdf, t)) for t in texts]
    return Pack(f"{campaign.name}证书.zip", f"certificates-{campaign.pk}.zip", entries, "certificates.certificate",
                campaign.city.code)
