"""The school's writes: apply, edit the form, score each indicator, submit, withdraw."""

from __future__ import annotations

from campuseval.accounts.models import RoleAssignment
from campuseval.audit.models import AuditRecord
from campuseval.campaigns import services as s
from campuseval.campaigns.models import Application, Status

from .conftest import fill_full_marks, submit


def test_it_creates_the_application_of_the_users_school(api, cast, campaign):
    cast.school_a.head_name = "王校长"
    cast.school_a.save()

    response = api(cast.school_user_a).post(f"/api/campaigns/{campaign.pk}/applications/")

    assert response.status_code == 201
    body = response.json()
    assert body["school"]["code"] == cast.school_a.code
    assert body["status"] == "draft" and body["head_name"] == "王校长"
    record = AuditRecord.objects.get(object_type="campaigns.application", action="create")
    assert record.actor_id == cast.school_user_a.pk  # the token's user, not 匿名


def test_it_refuses_a_second_application_of_the_same_school(api, cast, application):
    response = api(cast.school_user_a).post(f"/api/campaigns/{application.campaign_id}/applications/")

    assert response.status_code == 400
    assert response.json() == {"detail": "这所学校已在本次年度创建中申报", "code": "workflow"}


def test_a_user_of_two_schools_names_the_school(api, cast, campaign):
    RoleAssignment.objects.create(user=cast.school_user_a, role="school_user", school=cast.teaching_point_a)
    client = api(cast.school_user_a)
    url = f"/api/campaigns/{campaign.pk}/applications/"

    unnamed = client.post(url)
    not_theirs = client.post(url, {"school": cast.school_b.code})
    named = client.post(url, {"school": cast.teaching_point_a.code})

    assert unnamed.status_code == 400 and "school" in unnamed.json()["errors"]
    assert not_theirs.status_code == 400 and cast.school_b.code in not_theirs.json()["errors"]["school"][0]
    assert named.status_code == 201 and named.json()["school"]["code"] == cast.teaching_point_a.code


def test_it_refuses_to_create_after_the_deadline_naming_it(api, cast, campaign, clock):
    clock.stage(campaign, "county_review")

    response = api(cast.school_user_a).post(f"/api/campaigns/{campaign.pk}/applications/")

    assert response.status_code == 400
    assert response.json()["code"] == "deadline_passed"
    assert "“申报与自评”已于 2022-08-02 07:59 截止" in response.json()["detail"]
    assert not Application.objects.exists()


def test_it_saves_the_form_and_bumps_the_version(api, cast, application):
    response = api(cast.school_user_a).patch(
        f"/api/applications/{application.pk}/",
        {"version": application.version, "highlights": "AI 课堂", "students": 820},
    )

    assert response.status_code == 200
    body = response.json()
    assert body["highlights"] == "AI 课堂" and body["students"] == 820
    assert body["version"] == application.version + 1


def test_a_stale_form_save_gets_409_with_the_current_form(api, cast, application):
    client = api(cast.school_user_a)
    url = f"/api/applications/{application.pk}/"
    client.patch(url, {"version": application.version, "highlights": "先保存的"})

    response = client.patch(url, {"version": application.version, "highlights": "后保存的"})

    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "edit_conflict"
    assert "已在另一个窗口或由他人修改" in body["detail"]
    assert body["current"]["highlights"] == "先保存的"
    assert body["current"]["version"] == application.version + 1


def test_it_refuses_an_unknown_tier_and_a_too_long_phone(api, cast, application):
    client = api(cast.school_user_a)
    url = f"/api/applications/{application.pk}/"

    tier = client.patch(url, {"version": application.version, "applied_tier": "特等"})
    phone = client.patch(url, {"version": application.version, "contact_phone": "1" * 31})

    assert tier.status_code == 400
    assert tier.json()["detail"] == "申报类型须为：示范型、优秀型、合格型"
    assert phone.status_code == 400 and "contact_phone" in phone.json()["errors"]


def test_it_saves_one_indicator_of_the_self_assessment(api, cast, application):
    response = api(cast.school_user_a).put(
        f"/api/applications/{application.pk}/scores/1.3.3/",
        {"version": 0, "score": "1", "clause_met": True, "comment": "已建成录播教室"},
    )

    assert response.status_code == 200
    row = response.json()
    assert (row["code"], row["self_score"], row["clause_met"], row["version"]) == ("1.3.3", 1.0, True, 1)
    assert row["comment"] == "已建成录播教室"


def test_a_stale_score_save_gets_409_with_the_current_value(api, cast, application):
    client = api(cast.school_user_a)
    url = f"/api/applications/{application.pk}/scores/1.1.1/"
    client.put(url, {"version": 0, "score": 2})

    response = client.put(url, {"version": 0, "score": 1})

    assert response.status_code == 409
    body = response.json()
    assert body["detail"] == "指标 1.1.1 已在另一个窗口或由他人修改，当前为 2.00"
    assert body["current"]["self_score"] == 2.0 and body["current"]["version"] == 1
    assert application.scores.get(code="1.1.1").self_score == 2


def test_it_refuses_a_late_save_naming_the_deadline(api, cast, application, clock, campaign):
    clock.stage(campaign, "county_review")

    response = api(cast.school_user_a).put(
        f"/api/applications/{application.pk}/scores/1.1.1/", {"version": 0, "score": 2}
    )

    assert response.status_code == 400
    assert response.json() == {
        "detail": "“申报与自评”已于 2022-08-02 07:59 截止，不能再保存", "code": "deadline_passed",
    }


def test_it_refuses_bad_scores_with_a_clear_message(api, cast, application):
    client = api(cast.school_user_a)
    url = f"/api/applications/{application.pk}/scores/1.1.1/"

    too_high = client.put(url, {"version": 0, "score": 2.5})
    quarter = client.put(url, {"version": 0, "score": 0.25})
    words = client.put(url, {"version": 0, "score": "两分"})
    unknown = client.put(f"/api/applications/{application.pk}/scores/9.9.9/", {"version": 0, "score": 1})

    assert too_high.status_code == 400 and "得分须在 0 到 2 之间" in too_high.json()["detail"]
    assert quarter.status_code == 400 and "得分须为 0.5 的整数倍" in quarter.json()["detail"]
    assert words.status_code == 400 and "score" in words.json()["errors"]
    assert unknown.json()["detail"] == "评估标准中没有指标 9.9.9"
    assert not application.scores.exists()


def test_it_refuses_to_submit_before_every_indicator_is_scored(api, cast, application):
    fill_full_marks(application, cast.school_user_a, skip={"5.2.1"})

    response = api(cast.school_user_a).post(f"/api/applications/{application.pk}/submit/")

    assert response.status_code == 400
    assert response.json()["detail"] == "还有 1 个指标未自评：5.2.1"


def test_submitting_locks_the_self_assessment(api, cast, application):
    fill_full_marks(application, cast.school_user_a)
    client = api(cast.school_user_a)

    response = client.post(f"/api/applications/{application.pk}/submit/")
    later = client.put(f"/api/applications/{application.pk}/scores/1.1.1/", {"version": 1, "score": 1})

    assert response.status_code == 200 and response.json()["status"] == "submitted"
    assert later.status_code == 400
    assert later.json()["detail"] == "申报状态为“已提交”，不能修改"


def test_the_school_withdraws_before_the_county_decides_but_not_after(api, cast, application, application_b, clock, campaign):
    client = api(cast.school_user_a)
    response = client.post(f"/api/applications/{application.pk}/withdraw/", {"reason": "条件未成熟"})
    assert response.status_code == 200 and response.json()["status"] == "withdrawn"

    app_b = submit(application_b, cast.school_user_b)
    clock.stage(campaign, "county_review")
    county_b = RoleAssignment.objects.create(user=cast.county_admin_a, role="county_admin", region=cast.county_b)
    s.application_recommend(by=cast.county_admin_a, application=app_b, recommend=True)
    county_b.delete()

    late = api(cast.school_user_b).post(f"/api/applications/{app_b.pk}/withdraw/")
    assert late.status_code == 400
    assert late.json()["detail"] == "县级已作出推荐决定，不能再撤回"
    app_b.refresh_from_db()
    assert app_b.status == Status.RECOMMENDED
