"""Every endpoint sees exactly what the pages see: out of scope is 404, a wrong role 403."""

from __future__ import annotations

import pytest

from campuseval.accounts.models import RoleAssignment, User

from .conftest import client_for, make_campaign, submit

ROLES = [
    "platform_admin", "city_admin", "county_admin_a", "school_user_a", "school_user_b",
    "expert", "observer", "outsider",
]

SEES_APPLICATIONS = {
    "platform_admin": {"a", "b"},
    "city_admin": {"a", "b"},
    "county_admin_a": {"a"},
    "school_user_a": {"a"},
    "school_user_b": {"b"},
    "expert": set(),  # nothing until the city review, and then only what is assigned
    "observer": {"a", "b"},
    "outsider": set(),
}


@pytest.mark.parametrize("role", ROLES)
def test_the_application_list_holds_only_what_the_role_may_see(api, cast, application, application_b, role):
    ids = {application.pk: "a", application_b.pk: "b"}

    response = api(getattr(cast, role)).get("/api/applications/")

    assert response.status_code == 200
    assert {ids[r["id"]] for r in response.json()["results"]} == SEES_APPLICATIONS[role]


@pytest.mark.parametrize("role", ROLES)
def test_an_application_out_of_scope_is_404_everywhere(api, cast, application, role):
    client = api(getattr(cast, role))
    expected = 200 if "a" in SEES_APPLICATIONS[role] else 404

    for url in (f"/api/applications/{application.pk}/", f"/api/applications/{application.pk}/scores/"):
        assert client.get(url).status_code == expected, url


SEES_SCHOOLS = {
    "platform_admin": {"school_a", "school_b", "teaching_point_a", "school_other"},
    "city_admin": {"school_a", "school_b", "teaching_point_a"},
    "county_admin_a": {"school_a", "teaching_point_a"},
    "school_user_a": {"school_a"},
    "school_user_b": {"school_b"},
    "expert": set(),
    "observer": {"school_a", "school_b", "teaching_point_a"},
    "outsider": set(),
}


@pytest.mark.parametrize("role", ROLES)
def test_schools_are_those_of_the_role(api, cast, role):
    client = api(getattr(cast, role))
    codes = {getattr(cast, name).code: name for name in SEES_SCHOOLS["platform_admin"]}

    listed = {codes[r["code"]] for r in client.get("/api/schools/").json()["results"]}
    detail = client.get(f"/api/schools/{cast.school_a.code}/").status_code

    assert listed == SEES_SCHOOLS[role]
    assert detail == (200 if "school_a" in SEES_SCHOOLS[role] else 404)


@pytest.fixture
def other_campaign(cast, rubrics, clock):
    return make_campaign(cast, rubrics["taizhou-2022"], city=cast.other_city, name="2022年合肥市智慧校园创建")


@pytest.mark.parametrize("role", ROLES)
def test_campaigns_are_those_of_the_city(api, cast, campaign, other_campaign, role):
    client = api(getattr(cast, role))
    names = {r["id"] for r in client.get("/api/campaigns/").json()["results"]}

    if role == "platform_admin":
        assert names == {campaign.pk, other_campaign.pk}
    elif role == "outsider":
        assert names == set()
    else:
        assert names == {campaign.pk}
        assert client.get(f"/api/campaigns/{other_campaign.pk}/").status_code == 404
        assert client.get(f"/api/campaigns/{campaign.pk}/").status_code == 200


def test_another_citys_campaign_is_404_for_writes_too(api, cast, other_campaign):
    assert api(cast.school_user_a).post(f"/api/campaigns/{other_campaign.pk}/applications/").status_code == 404
    assert api(cast.city_admin).post(f"/api/campaigns/{other_campaign.pk}/publish/").status_code == 404
    assert api(cast.city_admin).post(f"/api/campaigns/{other_campaign.pk}/assign-experts/").status_code == 404


def test_another_citys_administrator_gets_404_for_this_citys_campaign(api, cast, campaign, application):
    admin = User.objects.create_user(username="hefei")
    RoleAssignment.objects.create(user=admin, role="city_admin", region=cast.other_city)
    client = api(admin)

    assert client.get(f"/api/campaigns/{campaign.pk}/").status_code == 404
    assert client.post(f"/api/campaigns/{campaign.pk}/publish/").status_code == 404
    assert client.post(f"/api/applications/{application.pk}/decide/", {}).status_code == 404


def test_the_expert_sees_an_assigned_application_only_during_the_city_review(
    api, cast, application_b, under_review, clock, campaign
):
    client = api(cast.expert)

    listed = [r["id"] for r in client.get("/api/applications/").json()["results"]]
    assignments = client.get("/api/assignments/").json()["results"]

    assert listed == [under_review.pk]
    assert [a["application"] for a in assignments] == [under_review.pk]
    assert client.get(f"/api/applications/{application_b.pk}/").status_code == 404
    assert client.get(f"/api/assignments/{assignments[0]['id']}/").status_code == 200

    clock.stage(campaign, "decision")
    assert client.get("/api/applications/").json()["results"] == []
    assert client.get(f"/api/applications/{under_review.pk}/").status_code == 404
    assert client.get(f"/api/assignments/{assignments[0]['id']}/").status_code == 404


def test_an_expert_cannot_open_another_experts_assignment(api, cast, under_review, second_expert):
    assignment = under_review.assignments.get()
    response = api(second_expert).put(
        f"/api/assignments/{assignment.pk}/scores/1.1.1/", {"version": 0, "score": 1}
    )
    assert response.status_code == 404


# Each write, by a role that may never do it: 403 with the reason; by the right role on
# something outside its scope: 404.
WRITES = [
    ("patch", "/api/applications/{a}/", {"version": 1}, "school"),
    ("put", "/api/applications/{a}/scores/1.1.1/", {"version": 0, "score": 1}, "school"),
    ("post", "/api/applications/{a}/submit/", {}, "school"),
    ("post", "/api/applications/{a}/withdraw/", {}, "school"),
    ("put", "/api/applications/{a}/county-scores/1.1.1/", {"version": 0, "score": 1}, "county"),
    ("post", "/api/applications/{a}/return/", {"note": "请补充"}, "county"),
    ("post", "/api/applications/{a}/recommend/", {"recommend": True}, "county"),
    ("post", "/api/applications/{a}/experts/", {"expert": "expert"}, "city"),
    ("post", "/api/applications/{a}/decide/", {}, "city"),
    ("post", "/api/campaigns/{c}/assign-experts/", {}, "city"),
    ("post", "/api/campaigns/{c}/publish/", {}, "city"),
    ("post", "/api/campaigns/{c}/applications/", {}, "school"),
    ("put", "/api/assignments/1/scores/1.1.1/", {"version": 0, "score": 1}, "expert"),
    ("post", "/api/assignments/1/submit/", {}, "expert"),
]
ACTOR_ROLE = {"school": "school_user_a", "county": "county_admin_a", "city": "city_admin"}


@pytest.mark.parametrize(("method", "url", "body", "actor"), WRITES)
def test_a_role_that_may_never_write_gets_403(api, cast, application, campaign, method, url, body, actor):
    """The refusal is the same sentence the page shows (one table of role gates)."""
    from campuseval.accounts.gates import GATES

    path = url.format(a=application.pk, c=campaign.pk)
    others = ["observer", "outsider", "expert", "platform_admin", *ACTOR_ROLE.values()]
    for role in others:
        if role == ACTOR_ROLE.get(actor, actor):
            continue
        response = getattr(api(getattr(cast, role)), method)(path, body)

        assert response.status_code == 403, (role, response.content)
        assert response.json()["detail"] == GATES[actor].message, role


def test_the_other_school_gets_404_for_this_schools_writes(api, cast, application):
    client = api(cast.school_user_b)
    assert client.patch(f"/api/applications/{application.pk}/", {"version": 2}).status_code == 404
    assert client.post(f"/api/applications/{application.pk}/submit/").status_code == 404
    assert client.put(f"/api/applications/{application.pk}/scores/1.1.1/", {"version": 0, "score": 1}).status_code == 404


def test_the_county_gets_404_for_another_countys_application(api, cast, application_b):
    submit(application_b, cast.school_user_b)
    client = api(cast.county_admin_a)

    assert client.post(f"/api/applications/{application_b.pk}/recommend/", {"recommend": True}).status_code == 404
    assert client.post(f"/api/applications/{application_b.pk}/return/", {"note": "x"}).status_code == 404


ANONYMOUS = [
    ("get", "/api/rubrics/"), ("get", "/api/rubrics/taizhou-2022/"), ("get", "/api/schools/"),
    ("get", "/api/campaigns/"), ("get", "/api/campaigns/1/"), ("get", "/api/applications/"),
    ("get", "/api/applications/1/"), ("get", "/api/applications/1/scores/"),
    ("get", "/api/assignments/"), ("get", "/api/results/1/"), ("patch", "/api/applications/1/"),
    ("put", "/api/applications/1/scores/1.1.1/"), ("post", "/api/applications/1/submit/"),
    ("post", "/api/applications/1/withdraw/"), ("post", "/api/applications/1/return/"),
    ("post", "/api/applications/1/recommend/"), ("put", "/api/applications/1/county-scores/1.1.1/"),
    ("post", "/api/campaigns/1/assign-experts/"), ("post", "/api/applications/1/experts/"),
    ("put", "/api/assignments/1/scores/1.1.1/"), ("post", "/api/assignments/1/submit/"),
    ("post", "/api/applications/1/decide/"), ("post", "/api/campaigns/1/publish/"),
    ("post", "/api/campaigns/1/applications/"), ("delete", "/api/token/"),
]


@pytest.mark.parametrize(("method", "url"), ANONYMOUS)
def test_every_endpoint_asks_anonymous_callers_to_authenticate(cast, method, url):
    response = getattr(client_for(), method)(url, {})
    assert response.status_code == 401
