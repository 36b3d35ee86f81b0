"""API clients that authenticate with a token, and applications at each stage of the workflow."""

from __future__ import annotations

import datetime as dt

import pytest
from rest_framework.test import APIClient

from campuseval.accounts import tokens
from campuseval.accounts.models import ApiToken, RoleAssignment, User
from campuseval.campaigns import services as s
from tests.campaigns import conftest as campaign_fixtures
from tests.conftest import PASSWORD

# The campaign tests' fixtures and helpers: a Taizhou campaign, the clock, the rubrics.
campaign = campaign_fixtures.campaign
clock = campaign_fixtures.clock
rubrics = campaign_fixtures.rubrics
make_campaign = campaign_fixtures.make_campaign


def _full_marks(application, clause=True, skip=()):
    rubric = application.campaign.rubric.engine_rubric()
    return [
        s.ScoreInput(ind.code, ind.points, clause if ind.has_clause else None)
        for ind in rubric.indicators
        if ind.code not in skip
    ]


def fill_full_marks(application, by, clause=True, skip=()):
    """Every indicator at full marks, in one service call (the API tests save them one by one)."""
    s.self_scores_save(by=by, application=application, scores=_full_marks(application, clause, skip))


def client_for(user: User | None = None) -> APIClient:
    """A JSON client sending ``Authorization: Token <key>`` for the user (none: anonymous)."""
    client = APIClient()
    client.default_format = "json"
    if user is not None:
        client.credentials(HTTP_AUTHORIZATION=f"Token {token_key(user)}")
    return client


def token_key(user: User) -> str:
    """The user's test token (one per user, made directly: the tests ask for many clients).

    It lives until the year 9999, because the campaign tests move the clock by months; the
    tokens' own lifetime is tested with tokens from POST /api/token/ (test_token_lifetime.py).
    """
    key = f"test-token-{user.pk}-{user.username}"
    far = dt.datetime(9999, 12, 1, tzinfo=dt.UTC)
    ApiToken.objects.get_or_create(
        digest=tokens.digest_of(key),
        defaults={"user": user, "name": "测试", "prefix": key[:8], "last_used_at": far, "expires_at": far},
    )
    return key


@pytest.fixture
def api():
    return client_for


@pytest.fixture
def application(campaign, cast):
    """School A's draft, applying for 示范型."""
    app = s.application_create(by=cast.school_user_a, campaign=campaign, school=cast.school_a)
    return s.application_update(
        by=cast.school_user_a, application=app, expected_version=app.version, applied_tier="示范型"
    )


@pytest.fixture
def application_b(campaign, cast):
    """School B's draft, applying for 合格型."""
    app = s.application_create(by=cast.school_user_b, campaign=campaign, school=cast.school_b)
    return s.application_update(
        by=cast.school_user_b, application=app, expected_version=app.version, applied_tier="合格型"
    )


def submit(application, user):
    fill_full_marks(application, user)
    return s.application_submit(by=user, application=application)


@pytest.fixture
def submitted(application, cast):
    return submit(application, cast.school_user_a)


@pytest.fixture
def second_expert(cast):
    """Another expert of the city, from county B like the cast's one."""
    user = User.objects.create_user(username="expert2", password=PASSWORD, full_name="测试expert2")
    user.home_county = cast.county_b
    user.save()
    RoleAssignment.objects.create(user=user, role="expert", region=cast.city)
    return user


@pytest.fixture
def under_review(submitted, cast, clock, campaign):
    """School A recommended and assigned to the cast's expert, in the middle of the city review."""
    clock.stage(campaign, "county_review")
    app = s.application_recommend(by=cast.county_admin_a, application=submitted, recommend=True)
    clock.stage(campaign, "city_review")
    s.expert_assign(by=cast.city_admin, application=app, expert=cast.expert)
    app.refresh_from_db()
    return app


def expert_fills(assignment, user):
    """The expert gives every indicator full marks."""
    s.expert_scores_save(by=user, assignment=assignment, scores=_full_marks(assignment.application))
