"""待办: after logging in every user lands on their own work, role by role, with the deadlines,
and the unread inbox beside it; the API answers the same items (issue 8, item 5)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from campuseval.accounts.models import RoleAssignment
from campuseval.campaigns import rules
from campuseval.campaigns import services as s
from campuseval.notifications.services import notify
from campuseval.regions.models import School
from tests.accounts.conftest import log_in
from tests.api.conftest import client_for
from tests.campaigns.test_city_helpers import make_expert, recommended, submitted
from tests.conftest import PASSWORD

TODO = "/todo/"


def page(client, user):
    client.force_login(user)
    response = client.get(TODO)
    assert response.status_code == 200
    return response.content.decode()


def returned(cast, campaign, school, note):
    application = submitted(cast, campaign, school)
    return s.application_return(by=cast.city_admin, application=application, comments={}, note=note)


def more_schools(county, n, start=100):
    return [
        School.objects.create(code=f"21340{start + i:05d}", name=f"{county.name}第{start + i}小学", stage="小学",
                              location="urban", county=county)
        for i in range(n)
    ]


def items(user):
    response = client_for(user).get("/api/todo/")
    assert response.status_code == 200
    return [item for section in response.json()["sections"] for item in section["items"]]


# --- landing ---------------------------------------------------------------------------------


def test_a_school_user_lands_on_the_todo_and_sees_the_returned_application_with_the_note_and_deadline(
    client, cast, campaign
):
    application = returned(cast, campaign, cast.school_a, "请补充网络安全管理制度的佐证材料")

    response = log_in(client, "schoola")

    assert response["Location"] == TODO
    html = client.get(TODO).content.decode()
    assert "申报被退回修改" in html
    assert "请补充网络安全管理制度的佐证材料" in html
    assert campaign.name in html and cast.school_a.name in html
    # Returned, it may be sent again until the county deadline.
    assert f"截止 {rules.local(campaign.county_review_deadline)}" in html
    assert "还剩 " in html
    assert f'href="/campaigns/applications/{application.pk}/"' in html


def test_home_takes_a_signed_in_user_to_the_todo_and_everyone_else_to_the_rubrics(client, cast):
    assert client.get("/")["Location"] == "/rubrics/"

    client.force_login(cast.observer)

    assert client.get("/")["Location"] == TODO


def test_the_header_and_the_sidebar_link_the_todo_for_signed_in_users_only(client, cast):
    assert 'href="/todo/"' not in client.get("/rubrics/").content.decode()

    html = page(client, cast.observer)

    assert html.count('href="/todo/"') >= 2


# --- the school --------------------------------------------------------------------------------


def test_a_school_sees_its_draft_to_submit_and_the_campaigns_it_may_still_apply_to(client, cast, campaign):
    s.application_create(by=cast.school_user_a, campaign=campaign, school=cast.school_a)
    s.application_create(by=cast.school_user_b, campaign=campaign, school=cast.school_b)
    RoleAssignment.objects.create(user=cast.school_user_a, role="school_user", school=cast.teaching_point_a)

    html = page(client, cast.school_user_a)

    assert "完成申报表和自评，并提交申报" in html
    assert f"截止 {rules.local(campaign.application_deadline)}" in html
    assert "可以申报：尚未开始" in html and cast.teaching_point_a.name in html
    assert cast.school_b.name not in html


def test_a_school_user_never_sees_another_schools_work(client, cast, campaign):
    returned(cast, campaign, cast.school_b, "南谯区的意见")

    html = page(client, cast.school_user_a)

    assert "南谯区的意见" not in html and cast.school_b.name not in html
    assert [i["place"] for i in items(cast.school_user_a)] == [cast.school_a.name]  # may still apply
    assert [i["kind"] for i in items(cast.school_user_a)] == ["apply"]


def test_a_school_past_its_deadline_sees_the_draft_overdue(client, cast, campaign, clock):
    s.application_create(by=cast.school_user_a, campaign=campaign, school=cast.school_a)
    clock.stage(campaign, "county_review")

    html = page(client, cast.school_user_a)

    assert "已逾期" in html
    assert "list-group-item-danger" in html


# --- the county ------------------------------------------------------------------------------


def test_a_county_sees_how_many_submissions_wait_and_its_list_deadline(client, cast, campaign):
    for school in [cast.school_a, cast.teaching_point_a, *more_schools(cast.county_a, 1)]:
        submitted(cast, campaign, school)
    submitted(cast, campaign, cast.school_b)  # county B's: not county A's work
    recommended(cast, campaign, more_schools(cast.county_a, 1, start=200)[0])

    html = page(client, cast.county_admin_a)

    assert "3 份已提交的申报待县级审核、推荐" in html
    assert f'href="/campaigns/county/{campaign.pk}/?county={cast.county_a.code}"' in html
    assert "推荐名单：已推荐 1 所" in html
    assert f"截止 {rules.local(campaign.county_review_deadline)}" in html
    assert cast.county_b.name not in html


def test_a_county_that_missed_its_deadline_sees_the_queue_overdue(client, cast, campaign, clock):
    submitted(cast, campaign, cast.school_a)
    clock.stage(campaign, "city_review")

    html = page(client, cast.county_admin_a)

    assert "1 份已提交的申报待县级审核、推荐" in html
    assert "已逾期" in html
    assert "推荐名单" not in html  # the list is locked: nothing to do on it


# --- the city --------------------------------------------------------------------------------


def test_the_city_sees_each_running_campaigns_stage_and_its_deadline(client, cast, campaign):
    html = page(client, cast.city_admin)

    assert "当前阶段：申报与自评" in html
    assert f"截止 {rules.local(campaign.application_deadline)}" in html
    assert f'href="/campaigns/{campaign.pk}/"' in html


def test_the_city_sees_applications_waiting_for_experts_then_for_a_decision(client, cast, campaign, clock):
    first = recommended(cast, campaign, cast.school_a)
    recommended(cast, campaign, cast.school_b)
    clock.stage(campaign, "city_review")
    s.expert_assign(by=cast.city_admin, application=first, expert=cast.expert)
    s.expert_assign(by=cast.city_admin, application=first, expert=make_expert(cast, "second", cast.county_b))

    html = page(client, cast.city_admin)

    assert "当前阶段：市级终评" in html
    assert "1 份推荐申报待分配专家" in html
    assert "2 份推荐申报待认定" in html
    assert f'href="/campaigns/{campaign.pk}/assignments/"' in html

    clock.stage(campaign, "decision")
    html = page(client, cast.city_admin)

    assert "待分配专家" not in html
    assert "2 份推荐申报待认定" in html
    assert f"截止 {rules.local(campaign.publication_deadline)}" in html


def test_the_city_is_told_when_it_may_publish(client, cast, campaign, clock):
    clock.stage(campaign, "decision")

    html = page(client, cast.city_admin)

    assert "认定已完成，可以公布结果" in html
    assert f'href="/campaigns/{campaign.pk}/decisions/"' in html


# --- the expert ------------------------------------------------------------------------------


def test_an_expert_sees_the_reviews_to_submit_with_the_city_deadline(client, cast, campaign, clock):
    first = recommended(cast, campaign, cast.school_a)
    clock.stage(campaign, "city_review")
    s.expert_assign(by=cast.city_admin, application=first, expert=cast.expert)

    html = page(client, cast.expert)

    assert "1 份评审待提交" in html
    assert f"截止 {rules.local(campaign.city_review_deadline)}" in html
    assert 'href="/campaigns/reviews/"' in html


# --- several roles, none, the inbox -----------------------------------------------------------


def test_a_user_with_several_roles_sees_each_roles_section(client, cast, campaign, clock):
    RoleAssignment.objects.create(user=cast.county_admin_a, role="expert", region=cast.city)
    cast.county_admin_a.home_county = cast.county_a
    cast.county_admin_a.save()
    submitted(cast, campaign, cast.teaching_point_a)
    sent = recommended(cast, campaign, cast.school_b)
    clock.stage(campaign, "county_review")
    clock.at(campaign.county_review_deadline - dt.timedelta(days=1))

    html = page(client, cast.county_admin_a)
    assert 'data-role="county_admin"' in html and 'data-role="expert"' not in html  # no review yet

    clock.stage(campaign, "city_review")
    s.expert_assign(by=cast.city_admin, application=sent, expert=cast.county_admin_a)
    html = page(client, cast.county_admin_a)

    assert 'data-role="county_admin"' in html and 'data-role="expert"' in html
    assert "1 份评审待提交" in html and "1 份已提交的申报待县级审核、推荐" in html


def test_a_user_with_nothing_due_is_told_so_with_links_to_their_usual_pages(client, cast, campaign):
    html = page(client, cast.observer)

    assert "暂无待办" in html
    assert 'href="/campaigns/"' in html and 'href="/schools/"' in html and 'href="/inbox/"' in html

    assert "暂无待办" in page(client, cast.outsider)


def test_the_unread_inbox_is_beside_the_list(client, cast, campaign):
    notify([cast.school_user_a], kind="returned", message="县级退回了您的申报", url="/campaigns/applications/")

    html = page(client, cast.school_user_a)

    assert "未读通知" in html and "县级退回了您的申报" in html
    assert 'data-todo-unread="1"' in html


# --- the API -----------------------------------------------------------------------------------


def test_the_api_answers_the_same_items_as_the_page(client, cast, campaign):
    application = returned(cast, campaign, cast.school_a, "请补充材料")

    response = client_for(cast.school_user_a).get("/api/todo/")

    assert response.status_code == 200
    body = response.json()
    (section,) = body["sections"]
    assert (section["role"], section["label"]) == ("school_user", "学校用户")
    (item,) = section["items"]
    assert item["kind"] == "returned"
    assert item["note"] == "请补充材料"
    assert item["url"] == f"/campaigns/applications/{application.pk}/"
    assert item["campaign"] == campaign.pk and item["place"] == cast.school_a.name
    assert item["deadline_text"] == f"截止 {rules.local(campaign.county_review_deadline)}"
    assert item["overdue"] is False
    html = page(client, cast.school_user_a)
    assert item["title"] in html and item["deadline_text"] in html and item["remaining"] in html
    assert body["unread"] == 1  # the return's notification
    assert client_for().get("/api/todo/").status_code == 401


# --- queries -----------------------------------------------------------------------------------


def _queries(client, user):
    client.force_login(user)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(TODO).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("who", ["county_admin_a", "city_admin"])
def test_the_page_asks_the_same_number_of_queries_however_many_applications(
    client, cast, campaign, clock, who, django_assert_max_num_queries
):
    user = getattr(cast, who)
    recommended(cast, campaign, cast.school_a)
    submitted(cast, campaign, cast.teaching_point_a)
    clock.stage(campaign, "county_review")
    few = _queries(client, user)

    clock.stage(campaign, "application")
    for school in more_schools(cast.county_a, 6):
        submitted(cast, campaign, school)
    for school in more_schools(cast.county_a, 4, start=300):
        recommended(cast, campaign, school)
    clock.stage(campaign, "county_review")

    client.force_login(user)
    with django_assert_max_num_queries(few):
        html = client.get(TODO).content.decode()
    assert "7 份已提交的申报待县级审核、推荐" in html or who == "city_admin"


def test_after_the_first_password_change_the_user_lands_on_the_todo(client, cast):
    cast.school_user_a.must_change_password = True
    cast.school_user_a.save()
    assert log_in(client, "schoola")["Location"] == "/accounts/password/"
    new = "Kx7!mQ2#pLz9"

    response = client.post(
        "/accounts/password/", {"old_password": PASSWORD, "new_password1": new, "new_password2": new}
    )

    assert response["Location"] == TODO
