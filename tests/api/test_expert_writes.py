"""The expert's writes: score the own assignment independently, then submit."""

from __future__ import annotations

from .conftest import expert_fills


def test_the_expert_scores_one_indicator(api, cast, under_review):
    assignment = under_review.assignments.get()

    response = api(cast.expert).put(
        f"/api/assignments/{assignment.pk}/scores/1.3.3/",
        {"version": 0, "score": 1, "clause_met": False, "comment": "未见三个课堂记录"},
    )

    assert response.status_code == 200
    assert response.json() == {
        "code": "1.3.3", "points": 1.0, "requirement": "basic", "clause_requirement": "demo",
        "score": 1.0, "clause_met": False, "comment": "未见三个课堂记录", "version": 1,
    }


def test_a_stale_expert_score_gets_409_with_the_current_value(api, cast, under_review):
    assignment = under_review.assignments.get()
    client = api(cast.expert)
    url = f"/api/assignments/{assignment.pk}/scores/1.1.1/"
    client.put(url, {"version": 0, "score": 2})

    response = client.put(url, {"version": 0, "score": 0})

    assert response.status_code == 409
    assert response.json()["current"]["score"] == 2.0


def test_the_expert_reads_only_the_own_scores(api, cast, under_review, second_expert):
    from campuseval.campaigns import services as s

    mine = under_review.assignments.get()
    theirs = s.expert_assign(by=cast.city_admin, application=under_review, expert=second_expert)
    s.expert_score_save(by=second_expert, assignment=theirs, code="1.1.1", score=0, expected_version=0)

    rows = api(cast.expert).get(f"/api/assignments/{mine.pk}/").json()["scores"]

    assert rows[0]["code"] == "1.1.1" and rows[0]["score"] is None
    assert api(cast.expert).get(f"/api/assignments/{theirs.pk}/").status_code == 404


def test_it_refuses_to_submit_an_incomplete_review(api, cast, under_review):
    assignment = under_review.assignments.get()

    response = api(cast.expert).post(f"/api/assignments/{assignment.pk}/submit/")

    assert response.status_code == 400
    assert response.json()["detail"].startswith("还有 82 个指标未评分")


def test_a_submitted_review_is_locked(api, cast, under_review):
    assignment = under_review.assignments.get()
    expert_fills(assignment, cast.expert)
    client = api(cast.expert)

    submitted = client.post(f"/api/assignments/{assignment.pk}/submit/")
    later = client.put(f"/api/assignments/{assignment.pk}/scores/1.1.1/", {"version": 1, "score": 0})

    assert submitted.status_code == 200 and submitted.json()["submitted_at"]
    assert later.status_code == 400 and later.json()["detail"] == "评分已提交，不能再修改"


def test_after_the_city_review_the_assignment_is_out_of_reach(api, cast, under_review, clock, campaign):
    assignment = under_review.assignments.get()
    clock.stage(campaign, "decision")

    response = api(cast.expert).put(f"/api/assignments/{assignment.pk}/scores/1.1.1/", {"version": 0, "score": 2})

    assert response.status_code == 404
