"""Saving many indicators at once (a whole form, an import, the demo): the same rules as one
save, all of them or none, one audit record per changed indicator."""

from __future__ import annotations

from decimal import Decimal

import pytest

from campuseval.audit.models import AuditRecord
from campuseval.campaigns import services as s
from campuseval.campaigns.models import ExpertScore, IndicatorScore

from .test_city_helpers import make_expert, recommended


@pytest.fixture
def application(campaign, cast):
    app = s.application_create(by=cast.school_user_a, campaign=campaign, school=cast.school_a)
    return s.application_update(
        by=cast.school_user_a, application=app, expected_version=app.version, applied_tier="示范型"
    )


def full_marks(campaign, version=0):
    rubric = campaign.rubric.engine_rubric()
    return [
        s.ScoreInput(i.code, i.points, True if i.has_clause else None, "", version)
        for i in rubric.indicators
    ]


def score_records(object_type="campaigns.indicatorscore"):
    return AuditRecord.objects.filter(object_type=object_type)


def test_it_saves_a_whole_self_assessment_with_one_record_per_indicator(application, cast):
    rows = s.self_scores_save(
        by=cast.school_user_a, application=application, scores=full_marks(application.campaign)
    )

    assert len(rows) == 82 and all(r.pk and r.version == 1 for r in rows)
    assert application.scores.exclude(self_score=None).count() == 82
    assert s.submit_problems(application) == []
    records = score_records()
    assert records.count() == 82 and set(records.values_list("action", flat=True)) == {"create"}
    record = records.get(object_id=str(rows[0].pk))
    assert record.after == {"self_score": "2"}  # only what changed from the empty row
    assert record.object_repr.endswith(" 1.1.1")
    assert record.region_code == "341102"


def test_a_second_batch_updates_the_rows_and_records_only_what_changed(application, cast):
    s.self_scores_save(
        by=cast.school_user_a, application=application, scores=full_marks(application.campaign)
    )
    changes = [
        s.ScoreInput("1.1.1", 1, expected_version=1),
        s.ScoreInput("1.1.2", 1, expected_version=1),
    ]

    s.self_scores_save(by=cast.school_user_a, application=application, scores=changes)

    row = application.scores.get(code="1.1.1")
    assert (row.self_score, row.version) == (Decimal("1"), 2)
    assert application.scores.get(code="1.1.2").version == 2  # saved again, unchanged
    updates = score_records().filter(action="update")
    assert list(updates.values_list("before", "after")) == [
        ({"self_score": "2"}, {"self_score": "1"})
    ]


def test_one_bad_score_saves_nothing_and_names_its_indicator(application, cast):
    scores = [s.ScoreInput("1.1.1", 2), s.ScoreInput("1.1.2", "3")]

    with pytest.raises(s.WorkflowError, match="指标 1.1.2：得分须在 0 到 1 之间"):
        s.self_scores_save(by=cast.school_user_a, application=application, scores=scores)
    assert not IndicatorScore.objects.exists()
    assert not score_records().exists()


def test_a_stale_version_in_a_batch_is_refused_with_the_current_row(application, cast):
    s.self_score_save(
        by=cast.school_user_a, application=application, code="1.1.2", score=1, expected_version=0
    )
    scores = [s.ScoreInput("1.1.1", 2), s.ScoreInput("1.1.2", 0, expected_version=0)]

    with pytest.raises(s.EditConflict, match="指标 1.1.2 已在另一个窗口或由他人修改，当前为 1") as exc:
        s.self_scores_save(by=cast.school_user_a, application=application, scores=scores)
    assert exc.value.current.self_score == 1
    assert not application.scores.filter(code="1.1.1").exists()


def test_it_refuses_the_same_indicator_twice(application, cast):
    scores = [s.ScoreInput("1.1.1", 2), s.ScoreInput("1.1.1", 1)]

    with pytest.raises(s.WorkflowError, match="指标 1.1.1 出现了不止一次"):
        s.self_scores_save(by=cast.school_user_a, application=application, scores=scores)


def test_a_batch_after_a_return_marks_only_the_changed_rows(application, cast):
    s.self_scores_save(
        by=cast.school_user_a, application=application, scores=full_marks(application.campaign)
    )
    app = s.application_submit(by=cast.school_user_a, application=application)
    app = s.application_return(
        by=cast.county_admin_a, application=app, comments={"1.1.1": "请补充拓扑图"}
    )
    versions = dict(app.scores.values_list("code", "version"))

    s.self_scores_save(
        by=cast.school_user_a,
        application=app,
        scores=[
            s.ScoreInput("1.1.1", 1, expected_version=versions["1.1.1"]),
            s.ScoreInput("1.1.2", 1, expected_version=versions["1.1.2"]),
        ],
    )

    changed = app.scores.filter(changed_after_return=True)
    assert list(changed.values_list("code", flat=True)) == ["1.1.1"]


def test_the_county_scores_a_batch_of_a_submitted_application(application, cast):
    s.self_scores_save(
        by=cast.school_user_a, application=application, scores=full_marks(application.campaign)
    )
    app = s.application_submit(by=cast.school_user_a, application=application)
    scores = [s.ScoreInput("1.1.1", 1, comment="拓扑图缺失", expected_version=1)]

    s.county_scores_save(by=cast.county_admin_a, application=app, scores=scores)

    row = app.scores.get(code="1.1.1")
    assert (row.county_score, row.county_comment, row.self_score) == (1, "拓扑图缺失", 2)
    record = score_records().get(action="update")
    assert record.after == {"county_score": "1", "county_comment": "拓扑图缺失"}


def test_an_expert_saves_a_batch_only_on_their_own_assignment(cast, campaign, clock):
    app = recommended(cast, campaign, cast.school_a)
    clock.stage(campaign, "city_review")
    expert = make_expert(cast, "batch01", cast.county_b)
    other = make_expert(cast, "batch02", cast.county_b)
    assignment = s.expert_assign(by=cast.city_admin, application=app, expert=expert)

    with pytest.raises(s.WorkflowError, match="只能填写分配给自己的评分"):
        s.expert_scores_save(by=other, assignment=assignment, scores=full_marks(campaign))
    rows = s.expert_scores_save(by=expert, assignment=assignment, scores=full_marks(campaign))

    assert len(rows) == ExpertScore.objects.filter(assignment=assignment).count() == 82
    assert score_records("campaigns.expertscore").count() == 82
    s.expert_submit(by=expert, assignment=assignment)
