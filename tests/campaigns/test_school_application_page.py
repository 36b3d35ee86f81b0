"""GET /campaigns/applications/<pk>/ and its form, submit and withdraw: the school's application page."""

from __future__ import annotations

import re

import pytest

from campuseval.campaigns import services as s
from campuseval.campaigns.models import Application, ApplicationEvent, Status

from .conftest import fill_full_marks


@pytest.fixture
def application(campaign, cast):
    return s.application_create(by=cast.school_user_a, campaign=campaign, school=cast.school_a)


@pytest.fixture
def school_client(client, cast):
    client.force_login(cast.school_user_a)
    return client


def page(client, application):
    response = client.get(f"/campaigns/applications/{application.pk}/")
    assert response.status_code == 200
    return response.content.decode()


FORM = {
    "applied_tier": "示范型",
    "head_name": "王校长",
    "contact_name": "李老师",
    "contact_phone": "0550-1234567",
    "classes": "24",
    "students": "980",
    "teachers": "61",
    "highlights": "人工智能课程全覆盖",
}


def test_it_shows_the_rubric_tree_with_text_points_marks_and_clause_controls(school_client, application):
    html = page(school_client, application)

    assert html.count('class="list-group-item ce-ind') == 82
    assert "一、基础环境" in html and "（三）教学环境" in html
    item = html[html.index('id="item-1-3-3"') : html.index('id="item-1-3-4"')]
    assert "★ 基本要求" in item and "1 分" in item
    assert '<span class="ce-clause ce-clause-demo" data-clause="1.3.3">' in item
    assert 'name="clause_met"' in item and "达成" in item and "未达成" in item
    assert 'hx-trigger="change delay:500ms, submit"' in item
    for action in ("上传文件", "添加链接", "添加文字说明", "从已有材料中选择"):
        assert action in item
    assert "已完成 0/82" in html


def test_on_a_phone_the_areas_fold_and_the_summary_is_a_bar_and_a_sheet(school_client, application):
    html = page(school_client, application)

    assert 'data-bs-target="#area-body-1"' in html and 'class="collapse show ce-area-body" id="area-body-1"' in html
    assert 'id="summary-bar" class="ce-summary-bar d-lg-none' in html
    assert 'class="offcanvas-lg offcanvas-bottom ce-summary-panel"' in html
    assert "campaigns/school.js" in html and "style=" not in html and "<script>" not in html


def test_the_form_saves_with_the_version_check(school_client, application):
    response = school_client.post(
        f"/campaigns/applications/{application.pk}/form/", {**FORM, "version": application.version}
    )

    assert response.status_code == 302
    saved = Application.objects.get()
    assert (saved.applied_tier, saved.contact_phone, saved.students, saved.highlights) == (
        "示范型", "0550-1234567", 980, "人工智能课程全覆盖",
    )  # fmt: skip


def test_a_stale_form_shows_the_current_values_and_what_was_not_saved(school_client, cast, application):
    s.application_update(by=cast.school_user_a, application=application, expected_version=application.version, contact_name="赵老师")

    response = school_client.post(
        f"/campaigns/applications/{application.pk}/form/", {**FORM, "version": application.version}
    )

    html = response.content.decode()
    assert response.status_code == 409
    assert "已在另一个窗口或由他人修改" in html
    assert 'name="contact_name" id="id_contact_name"' in html and 'value="赵老师"' in html
    assert "您刚才填写但未保存的内容" in html and "<li>联系人：李老师</li>" in html
    assert Application.objects.get().contact_name == "赵老师"


def test_a_bad_phone_number_is_refused_naming_the_field(school_client, application):
    response = school_client.post(
        f"/campaigns/applications/{application.pk}/form/",
        {**FORM, "contact_phone": "call me", "version": application.version},
    )

    assert response.status_code == 400
    assert "联系电话只能包含数字" in response.content.decode()
    assert Application.objects.get().contact_phone == ""


def test_submitting_with_missing_work_lists_the_problems(school_client, application):
    response = school_client.post(f"/campaigns/applications/{application.pk}/submit/")

    html = response.content.decode()
    assert response.status_code == 400
    refused = html[html.index("还不能提交") :]
    assert "请选择申报类型" in refused and "还有 82 个指标未自评" in refused
    assert Application.objects.get().status == Status.DRAFT


def test_submitting_locks_the_self_assessment(school_client, cast, application):
    s.application_update(by=cast.school_user_a, application=application, expected_version=application.version, applied_tier="合格型")
    fill_full_marks(application, cast.school_user_a)

    response = school_client.post(f"/campaigns/applications/{application.pk}/submit/")

    assert response.status_code == 302
    assert Application.objects.get().status == Status.SUBMITTED
    html = page(school_client, application)
    assert "自评已锁定" in html
    assert 'name="score"' not in html and "上传文件" not in html and "保存申报表" not in html
    late = school_client.post(
        f"/campaigns/applications/{application.pk}/scores/1.1.1/", {"version": 1, "score": "0"}, HTTP_HX_REQUEST="true"
    )
    assert "申报状态为“已提交”，不能修改" in late.content.decode()


def test_withdrawing_needs_a_confirmation(school_client, application):
    school_client.post(f"/campaigns/applications/{application.pk}/withdraw/", {"reason": "条件不足"})
    assert Application.objects.get().status == Status.DRAFT

    response = school_client.post(
        f"/campaigns/applications/{application.pk}/withdraw/", {"reason": "条件不足", "confirm": "yes"}, follow=True
    )

    assert Application.objects.get().status == Status.WITHDRAWN
    assert ApplicationEvent.objects.filter(to_status=Status.WITHDRAWN, note="条件不足").exists()
    assert "申报已撤回" in response.content.decode()


def test_a_returned_application_shows_the_county_comments_and_marks_edits(school_client, cast, application):
    s.application_update(by=cast.school_user_a, application=application, expected_version=application.version, applied_tier="合格型")
    fill_full_marks(application, cast.school_user_a)
    s.application_submit(by=cast.school_user_a, application=application)
    s.application_return(
        by=cast.county_admin_a, application=application, comments={"1.1.1": "请补充网络拓扑图"}, note="佐证材料不全"
    )

    html = page(school_client, application)
    assert "县级已退回修改" in html and "佐证材料不全" in html
    assert '<a href="#ind-1.1.1" class="ce-jump">1.1.1</a>' in html
    item = html[html.index('id="item-1-1-1"') : html.index('id="item-1-1-2"')]
    assert "ce-county-comment" in item and "请补充网络拓扑图" in item
    assert "退回后已修改 0 个指标" in html

    version = int(re.search(r'name="version" value="(\d+)"', item)[1])
    saved = school_client.post(
        f"/campaigns/applications/{application.pk}/scores/1.1.1/",
        {"version": version, "score": "2", "comment": "已补充拓扑图"},
        HTTP_HX_REQUEST="true",
    ).content.decode()
    assert "退回后已修改" in saved and "请补充网络拓扑图" in saved
    assert "退回后已修改 1 个指标" in page(school_client, application)


def test_the_county_sees_the_page_read_only(client, cast, application):
    client.force_login(cast.county_admin_a)

    html = page(client, application)

    assert "这是学校填写的申报与自评，您只能查看" in html
    assert 'name="score"' not in html and "提交申报" not in html


def test_an_outsider_gets_404(client, cast, application):
    client.force_login(cast.outsider)

    assert client.get(f"/campaigns/applications/{application.pk}/").status_code == 404


def test_after_the_deadline_the_page_names_it_and_is_read_only(school_client, application, campaign, clock):
    clock.stage(campaign, "county_review")

    html = page(school_client, application)

    assert "“申报与自评”已于 2022-08-02 07:59 截止" in html
    assert 'name="score"' not in html
