"""The door to certificates: the one road to them for the pages, the API and the jobs.

A certificate is seen by whoever may see its application (``campaigns.access``); a campaign's
certificates all at once by its city's administrators; and by its short code by anyone, as
the public results are (the verification page).
"""

from __future__ import annotations

from django.http import Http404

from campuseval.accounts.scope import AnyUser
from campuseval.campaigns import access
from campuseval.campaigns.models import Campaign
from campuseval.campaigns.rules import WorkflowError

from . import rules, selectors
from .models import Certificate


def certificate_for_viewer(user: AnyUser, application_id: int) -> Certificate:
    """The certificate of an application the user may see; 404 if it has none (not published,
    or not certified)."""
    application = access.application_for_viewer(user, application_id)
    certificate = selectors.of_application(application.pk)
    if certificate is None:
        raise Http404("该申报没有证书：结果正式公布后，通过认定的学校才有证书")
    return certificate


def campaign_for_certificates(user: AnyUser, campaign_id: int) -> Campaign:
    """A published campaign the user runs, to download all its certificates."""
    campaign = access.campaign_run_by(user, campaign_id)
    try:
        rules.check_issue(campaign)
    except WorkflowError as exc:  # no certificates yet: nothing to download
        raise Http404(str(exc)) from exc
    return campaign


def certificate_by_code(text: str) -> Certificate:
    """The certificate a short code names (anyone may check one); 404 for a code that names none."""
    code = rules.normalise_code(text)
    certificate = selectors.by_code(code) if code else None
    if certificate is None:
        raise Http404("没有这个验证码的证书：请核对验证码（8 位，不含数字 0、1 和字母 O、I）")
    return certificate
