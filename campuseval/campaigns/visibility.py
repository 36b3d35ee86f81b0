"""What a viewer may see of an application: one rule for the pages, the API and the exports.

- The county's scores and comments are the county's (and the city's) while it reviews; the
  school, observers and experts see the county's comments only while the application is
  returned to the school for revision.
- The decision (the tier awarded) is the city's until the campaign is published; then every
  viewer of the application sees it and the experts' combined total. The tier the scores give
  and the reason for an override stay the city's.
- The experts' assignments and combined scores (the blind review) are the city's.
- The decisions are public from the 公示 on (names and tiers): ``decisions_public``.
- A published campaign's results list is public (names and tiers); its totals are the city's.
"""

from __future__ import annotations

from dataclasses import dataclass

from campuseval.accounts import scope
from campuseval.accounts.scope import AnyUser

from . import access, rules
from .models import Application, Campaign, Status


@dataclass(frozen=True)
class ApplicationView:
    county_work: bool  # the county's scores and comments, at any status
    county_comments: bool  # the county's comments on indicators
    decision: bool  # the tier awarded
    combined_total: bool  # the experts' combined total
    city_detail: bool  # the tier the scores give, the override's reason, the experts' work


def application_view(user: AnyUser, application: Application) -> ApplicationView:
    platform = scope.is_platform_admin(user)
    city = platform or access.acts_as(user, application, "city")
    county_work = city or access.acts_as(user, application, "county")
    published = decisions_public(application.campaign)
    decided = application.decided_at is not None
    return ApplicationView(
        county_work=county_work,
        county_comments=county_work or application.status == Status.RETURNED,
        decision=decided and (city or published),
        combined_total=decided and (city or published),
        city_detail=city,
    )


def sees_results_totals(user: AnyUser, campaign: Campaign) -> bool:
    """Whether the results list shows the experts' combined totals: to the campaign's city
    (and platform administrators); the public list names schools and tiers only."""
    return user.is_authenticated and (scope.is_platform_admin(user) or access.runs(user, campaign))


def decisions_public(campaign: Campaign) -> bool:
    """Whether the campaign's decisions are public: published, or on the 公示 list."""
    return campaign.published_at is not None or rules.notice_running(campaign)
