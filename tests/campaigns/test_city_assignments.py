"""/campaigns/<id>/assignments/: automatic and manual expert assignment, with conflicts."""

from __future__ import annotations

import pytest
from django.urls import reverse

from campuseval.campaigns.models import ExpertAssignment

from .test_city_helpers import make_expert, recommended


def page_url(campaign):
    return reverse("campaigns:assignments", kwargs={"pk": campaign.pk})


def auto_url(campaign):
    return reverse("campaigns:assign_auto", kwargs={"pk": campaign.pk})


def assign_url(campaign, application):
    return reverse("campaigns:assign", kwargs={"pk": campaign.pk, "application_id": application.pk})


@pytest.fixture
def apps(cast, campaign):
    return {school: recommended(cast, campaign, getattr(cast, school)) for school in ("school_a", "school_b", "teaching_point_a")}


def test_auto_assignment_balances_load_and_never_uses_an_expert_of_the_schools_county(client, cast, campaign, clock, apps):
    make_expert(cast, "expert_a", cast.county_a)
    make_expert(cast, "expert_a2", cast.county_a)
    make_expert(cast, "expert_b2", cast.county_b)
    make_expert(cast, "expert_b3", cast.county_b)
    clock.stage(campaign, "city_review")
    client.force_login(cast.city_admin)
    response = client.post(auto_url(campaign), follow=True)
    assert "自动分配完成：新增 6 项分配" in response.content.decode()
    assignments = list(ExpertAssignment.objects.select_related("expert", "application__school"))
    assert len(assignments) == 6
    assert all(a.expert.home_county_id != a.application.school.county_id for a in assignments)
    loads = {}
    for a in assignments:
        loads[a.expert.username] = loads.get(a.expert.username, 0) + 1
    assert max(loads.values()) - min(loads.values()) <= 1
    assert set(loads) == {"expert", "expert_a", "expert_a2", "expert_b2", "expert_b3"}
    assert "专家不足" not in response.content.decode()


def test_auto_assignment_lists_the_understaffed_applications(client, cast, campaign, clock, apps):
    clock.stage(campaign, "city_review")
    client.force_login(cast.city_admin)
    # Only the cast's expert (county B): school_b cannot be staffed at all, the others get one.
    page = client.post(auto_url(campaign), follow=True).content.decode()
    assert "专家不足 2 位" in page
    assert cast.school_b.name in page
    assert not ExpertAssignment.objects.filter(application=apps["school_b"]).exists()
    assert "专家不足" in client.get(page_url(campaign)).content.decode()


def test_the_page_shows_each_experts_load(client, cast, campaign, clock, apps):
    clock.stage(campaign, "city_review")
    client.force_login(cast.city_admin)
    client.post(assign_url(campaign, apps["school_a"]), {"expert": cast.expert.pk})
    page = client.get(page_url(campaign)).content.decode()
    assert "专家任务量" in page
    assert cast.expert.full_name in page
    assert cast.school_a.name in page


def test_the_manual_form_disables_conflicted_experts_and_says_why(client, cast, campaign, clock, apps):
    make_expert(cast, "expert_a", cast.county_a)
    clock.stage(campaign, "city_review")
    client.force_login(cast.city_admin)
    page = client.get(assign_url(campaign, apps["school_a"]), HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in page  # the partial, for htmx
    assert "专家expert_a 来自琅琊区，不能评审本县学校" in page
    option = next(line for line in page.splitlines() if "专家expert_a" in line and "<option" in line)
    assert "disabled" in option


def test_a_manual_assignment_of_a_conflicted_expert_is_refused_with_the_reason(client, cast, campaign, clock, apps):
    expert_a = make_expert(cast, "expert_a", cast.county_a)
    clock.stage(campaign, "city_review")
    client.force_login(cast.city_admin)
    page = client.post(assign_url(campaign, apps["school_a"]), {"expert": expert_a.pk}, follow=True).content.decode()
    assert "不能分配：专家expert_a 来自琅琊区，不能评审本县学校" in page
    assert not ExpertAssignment.objects.exists()


def test_an_expert_linked_to_the_school_is_refused(client, cast, campaign, clock, apps):
    from campuseval.accounts.models import RoleAssignment

    linked = make_expert(cast, "linked", cast.county_b)
    RoleAssignment.objects.create(user=linked, role="school_user", school=cast.school_a)
    clock.stage(campaign, "city_review")
    client.force_login(cast.city_admin)
    page = client.post(assign_url(campaign, apps["school_a"]), {"expert": linked.pk}, follow=True).content.decode()
    assert "有关联" in page
    assert not ExpertAssignment.objects.exists()


def test_a_manual_assignment_and_its_undoing(client, cast, campaign, clock, apps):
    clock.stage(campaign, "city_review")
    client.force_login(cast.city_admin)
    page = client.post(assign_url(campaign, apps["school_a"]), {"expert": cast.expert.pk}, follow=True).content.decode()
    assert "已分配" in page
    assignment = ExpertAssignment.objects.get()
    assert not assignment.automatic
    unassign = reverse("campaigns:unassign", kwargs={"pk": campaign.pk, "assignment_id": assignment.pk})
    page = client.post(unassign, follow=True).content.decode()
    assert "已撤销" in page
    assert not ExpertAssignment.objects.exists()


def test_assignment_before_the_city_review_is_refused_naming_the_stage(client, cast, campaign, apps):
    client.force_login(cast.city_admin)
    page = client.post(auto_url(campaign), follow=True).content.decode()
    assert "现在不是“市级终评”阶段" in page
    assert not ExpertAssignment.objects.exists()


def test_an_unknown_expert_is_refused(client, cast, campaign, clock, apps):
    clock.stage(campaign, "city_review")
    client.force_login(cast.city_admin)
    page = client.post(assign_url(campaign, apps["school_a"]), {"expert": cast.outsider.pk}, follow=True).content.decode()
    assert "请选择本市的评估专家" in page


@pytest.mark.parametrize("user", ["county_admin_a", "school_user_a", "expert"])
def test_other_roles_get_403(client, cast, campaign, user):
    client.force_login(getattr(cast, user))
    assert client.get(page_url(campaign)).status_code == 403
    assert client.post(auto_url(campaign)).status_code == 403
