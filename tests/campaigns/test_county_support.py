"""Helpers shared by the county review tests (this module holds no tests itself)."""

from __future__ import annotations

from campuseval.campaigns import services as s
from campuseval.campaigns.models import IndicatorScore


def make_school(county, n: int, name: str | None = None, stage: str = "小学"):
    from campuseval.regions.models import School

    return School.objects.create(
        code=f"21340{n:05d}", name=name or f"测试学校{n}", stage=stage, location="urban", county=county
    )


def submitted(campaign, school, by, *, tier="示范型", lose=(), contact="王老师", phone="13800000000",
              highlights="智慧课堂全覆盖"):
    """A submitted application with full marks except the indicators in ``lose`` (scored 0).

    The self-assessment rows are created in one go: the self-assessment service is tested
    elsewhere, and 82 service calls per school would make these tests slow.
    """
    app = s.application_create(by=by, campaign=campaign, school=school)
    app = s.application_update(
        by=by, application=app, expected_version=app.version, applied_tier=tier,
        contact_name=contact, contact_phone=phone, highlights=highlights,
    )
    rubric = campaign.rubric.engine_rubric()
    IndicatorScore.objects.bulk_create([
        IndicatorScore(
            application=app, code=ind.code, self_score=0 if ind.code in lose else ind.points,
            clause_met=True if ind.has_clause else None, version=1,
        )
        for ind in rubric.indicators
    ])
    return s.application_submit(by=by, application=app)


def draft(campaign, school, by):
    return s.application_create(by=by, campaign=campaign, school=school)
