"""Set-up shared by the city, expert and public page tests (this module holds no tests).

Applications are moved through the workflow by its services; only the 82 scores of a
self-assessment or an expert's review are written in one query, because the per-save checks
are the services' own tests and 82 audited saves per application would make these tests slow.
"""

from __future__ import annotations

from decimal import Decimal

from campuseval.accounts.models import RoleAssignment, User
from campuseval.campaigns import services as s
from campuseval.campaigns.models import ExpertScore, IndicatorScore
from tests.conftest import PASSWORD


def self_assess(application, by, clause=True):
    rubric = application.campaign.rubric.engine_rubric()
    IndicatorScore.objects.bulk_create(
        IndicatorScore(
            application=application,
            code=ind.code,
            self_score=Decimal(str(ind.points)),
            clause_met=clause if ind.has_clause else None,
            comment=f"自评说明 {ind.code}",
            version=1,
            updated_by=by,
        )
        for ind in rubric.indicators
    )


def submitted(cast, campaign, school, tier="示范型"):
    """A school's application, filled with full marks and submitted."""
    app = s.application_create(by=cast.city_admin, campaign=campaign, school=school)
    app = s.application_update(by=cast.city_admin, application=app, expected_version=app.version, applied_tier=tier)
    self_assess(app, cast.city_admin)
    return s.application_submit(by=cast.city_admin, application=app)


def recommended(cast, campaign, school, tier="示范型"):
    app = submitted(cast, campaign, school, tier)
    return s.application_recommend(by=cast.city_admin, application=app, recommend=True)


def make_expert(cast, username, county):
    expert = User.objects.create_user(username, password=PASSWORD, full_name=f"专家{username}", home_county=county)
    RoleAssignment.objects.create(user=expert, role="expert", region=cast.city)
    return expert


def expert_scores(assignment, overrides=None, comments=None, skip=()):
    """The expert's scores: full marks except ``overrides``; saved as a first save would."""
    rubric = assignment.application.campaign.rubric.engine_rubric()
    overrides, comments = overrides or {}, comments or {}
    ExpertScore.objects.bulk_create(
        ExpertScore(
            assignment=assignment,
            code=ind.code,
            score=Decimal(str(overrides.get(ind.code, ind.points))),
            clause_met=True if ind.has_clause else None,
            comment=comments.get(ind.code, ""),
            version=1,
        )
        for ind in rubric.indicators
        if ind.code not in skip
    )


def reviewed(cast, campaign, clock, application, experts_scores, submit=True):
    """Assign one expert per entry of ``experts_scores`` (each from the other county), score,
    and submit."""
    clock.stage(campaign, "city_review")
    county = cast.county_a if application.school.county_id == cast.county_b.pk else cast.county_b
    assignments = []
    for n, override in enumerate(experts_scores):
        expert = make_expert(cast, f"rev{application.pk}x{n}", county)
        assignment = s.expert_assign(by=cast.city_admin, application=application, expert=expert)
        expert_scores(assignment, override)
        if submit:
            s.expert_submit(by=expert, assignment=assignment)
        assignments.append(assignment)
    application.refresh_from_db()
    return assignments
