"""The rulebook is the one rule: for every status and stage, a step the page offers is one the
service takes, and a step the page withholds is refused by the service with the very sentence
the page shows (``rules.refusal``)."""

from __future__ import annotations

import pytest

from campuseval.campaigns import rules
from campuseval.campaigns import services as s
from campuseval.campaigns.models import Application, Status

from .test_city_helpers import self_assess


def _attempt(action: str, application: Application, cast) -> None:
    """Take ``action`` through its service, with inputs that are otherwise valid."""
    school, county = cast.school_user_a, cast.county_admin_a
    if action == rules.EDIT:
        s.self_score_save(by=school, application=application, code="1.1.1", score=1, expected_version=1)
    elif action == rules.SUBMIT:
        s.application_submit(by=school, application=application)
    elif action == rules.WITHDRAW:
        s.application_withdraw(by=school, application=application)
    elif action == rules.COUNTY_SCORE:
        s.county_score_save(by=county, application=application, code="1.1.1", score=1, expected_version=1)
    elif action == rules.RETURN:
        s.application_return(by=county, application=application, comments={"1.1.1": "请补充"})
    elif action in (rules.RECOMMEND, rules.NOT_RECOMMEND):
        s.application_recommend(by=county, application=application, recommend=action == rules.RECOMMEND)
    else:
        raise AssertionError(action)


@pytest.fixture
def filled(campaign, cast, clock):
    application = s.application_create(by=cast.school_user_a, campaign=campaign, school=cast.school_a)
    application = s.application_update(
        by=cast.school_user_a, application=application, expected_version=application.version, applied_tier="合格型"
    )
    self_assess(application, cast.school_user_a)
    return application


SCHOOL_AND_COUNTY = [rules.EDIT, rules.SUBMIT, rules.WITHDRAW, rules.COUNTY_SCORE, rules.RETURN, rules.RECOMMEND, rules.NOT_RECOMMEND]


@pytest.mark.parametrize("stage", ["application", "county_review", "city_review"])
@pytest.mark.parametrize("status", [s_.value for s_ in Status])
def test_what_the_page_offers_is_what_the_service_does(cast, campaign, clock, filled, stage, status):
    for action in SCHOOL_AND_COUNTY:
        clock.stage(campaign, "application")
        Application.objects.filter(pk=filled.pk).update(status=status)
        application = Application.objects.get(pk=filled.pk)
        clock.stage(campaign, stage)
        refusal = rules.refusal(action, application)
        if refusal is None:
            _attempt(action, application, cast)  # offered: the service takes it
        else:
            with pytest.raises(s.WorkflowError) as refused:
                _attempt(action, application, cast)
            assert str(refused.value) == refusal, (action, status, stage)
        assert rules.allowed(action, application) is (refusal is None)


def test_a_reopening_opens_the_county_steps_for_that_school_only(cast, campaign, clock, filled):
    import datetime as dt

    submitted = s.application_submit(by=cast.school_user_a, application=filled)
    clock.stage(campaign, "city_review")
    assert not rules.allowed(rules.RETURN, submitted)
    assert rules.county_locked(campaign, submitted.school)
    s.campaign_reopen(
        by=cast.city_admin, campaign=campaign, school=cast.school_a, stage="county_review",
        until=clock.now + dt.timedelta(days=2), reason="停电，延长两天",
    )
    assert rules.allowed(rules.RETURN, submitted) and rules.allowed(rules.RECOMMEND, submitted)
    assert not rules.county_locked(campaign, submitted.school)
    assert rules.county_locked(campaign)  # the campaign as a whole stays locked
