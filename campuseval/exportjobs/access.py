"""The door to bulk exports. Who may pack what is the door of what is packed: the city's
certificates and expert sheets are its administrators' (``certificates.access``,
``campaigns.access``); a county's 自评表 are its administrator's and the city's. A job and
its file are then its creator's alone; the job asks the same door again when it runs."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from campuseval.accounts import gates
from campuseval.accounts.scope import AnyUser, get_in_scope
from campuseval.campaigns import access as campaigns
from campuseval.campaigns.models import Campaign
from campuseval.certificates import access as certificates
from campuseval.regions.models import Region

from .models import ExportJob

Kind = ExportJob.Kind


def may_export(user: AnyUser, kind: str, campaign_id: int, county_code: str = "") -> tuple[Campaign, Region | None]:
    """The campaign (and county) the user may pack this kind of export of; 404/403 otherwise."""
    if kind == Kind.CERTIFICATES:
        return certificates.campaign_for_certificates(user, campaign_id), None
    if kind == Kind.EXPERT_SHEETS:
        return campaigns.campaign_run_by(user, campaign_id), None
    if kind == Kind.SELF_ASSESSMENTS:
        gates.require(user, "county_reader")
        campaign = campaigns.campaign_for_viewer(user, campaign_id)
        county, _counties = campaigns.county_for_viewer(user, campaign, county_code)
        return campaign, county
    raise Http404("没有这种批量导出")


def jobs_of(user: AnyUser) -> QuerySet[ExportJob]:
    if not user.is_authenticated:
        return ExportJob.objects.none()
    return ExportJob.objects.filter(created_by=user).select_related("campaign", "county")


def job_for_owner(user: AnyUser, pk: int) -> ExportJob:
    """The user's own export job (nobody else's, not even an administrator's)."""
    return get_in_scope(jobs_of(user), pk=pk)
