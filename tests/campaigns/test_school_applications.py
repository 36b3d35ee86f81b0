"""GET /campaigns/applications/ (我的申报) and POST start/<campaign>/: the school's entry points."""

from __future__ import annotations

from campuseval.campaigns import services as s
from campuseval.campaigns.models import Application
from campuseval.regions.models import SchoolFacts


def test_it_offers_the_open_campaign_of_the_schools_city_with_a_start_button(client, cast, campaign):
    client.force_login(cast.school_user_a)
    html = client.get("/campaigns/applications/").content.decode()

    assert campaign.name in html
    assert f'action="/campaigns/applications/start/{campaign.pk}/"' in html
    assert "开始申报" in html
    assert "申报与自评截止 2022-08-02 07:59" in html


def test_it_does_not_offer_a_campaign_of_another_city(client, cast, rubrics, campaign):
    from .conftest import make_campaign

    other = make_campaign(cast, rubrics["taizhou-2022"], city=cast.other_city, name="合肥市创建")
    client.force_login(cast.school_user_a)

    assert other.name not in client.get("/campaigns/applications/").content.decode()


def test_it_does_not_offer_a_campaign_after_its_deadline(client, cast, campaign, clock):
    clock.stage(campaign, "county_review")
    client.force_login(cast.school_user_a)

    assert "目前没有可以申报的年度创建" in client.get("/campaigns/applications/").content.decode()


def test_starting_an_application_prefills_it_from_the_schools_facts(client, cast, campaign):
    SchoolFacts.objects.create(school=cast.school_a, year=2022, classes=24, students=980, teachers=61)
    client.force_login(cast.school_user_a)

    response = client.post(f"/campaigns/applications/start/{campaign.pk}/")

    application = Application.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/campaigns/applications/{application.pk}/"
    assert (application.school, application.classes, application.students, application.teachers) == (cast.school_a, 24, 980, 61)
    html = client.get(response["Location"]).content.decode()
    assert 'name="classes" id="id_classes"' in html and 'value="24"' in html
    assert "学校基础数据（2022 年）：班级 24，学生 980，教师 61" in html


def test_starting_twice_opens_the_existing_application(client, cast, campaign):
    client.force_login(cast.school_user_a)
    client.post(f"/campaigns/applications/start/{campaign.pk}/")
    response = client.post(f"/campaigns/applications/start/{campaign.pk}/")

    assert Application.objects.count() == 1
    assert response["Location"] == f"/campaigns/applications/{Application.objects.get().pk}/"


def test_it_lists_the_schools_applications_with_status_stage_progress_and_deadline(client, cast, campaign):
    app = s.application_create(by=cast.school_user_a, campaign=campaign, school=cast.school_a)
    s.self_score_save(by=cast.school_user_a, application=app, code="1.1.1", score=2, expected_version=0)
    s.application_create(by=cast.school_user_b, campaign=campaign, school=cast.school_b)
    client.force_login(cast.school_user_a)

    html = client.get("/campaigns/applications/").content.decode()

    assert f'href="/campaigns/applications/{app.pk}/"' in html
    assert html.count("ce-application-row") == 1  # not school B's
    assert "草稿" in html and "当前阶段：申报与自评" in html
    assert "已完成 1/82" in html
    assert "申报与自评截止 2022-08-02 07:59（还剩 42 天 14 小时）" in html


def test_a_county_administrator_is_told_the_page_is_for_schools(client, cast, campaign):
    client.force_login(cast.county_admin_a)
    response = client.get("/campaigns/applications/")

    assert response.status_code == 403
    assert "仅供学校用户使用" in response.content.decode()


def test_a_school_cannot_start_an_application_in_another_citys_campaign(client, cast, rubrics, campaign):
    from .conftest import make_campaign

    other = make_campaign(cast, rubrics["taizhou-2022"], city=cast.other_city, name="合肥市创建")
    client.force_login(cast.school_user_a)

    assert client.post(f"/campaigns/applications/start/{other.pk}/").status_code == 404
    assert not Application.objects.exists()
