"""The city's view of every county: recommendations against the quota, applications per status."""

from __future__ import annotations

from campuseval.campaigns import services as s

from .test_county_support import draft, make_school, submitted


def quotas_url(campaign):
    return f"/campaigns/county/{campaign.pk}/quotas/"


def cell(body, county, label):
    row = body[body.index(f'data-county="{county.code}"'):]
    row = row[: row.index("</tr>")]
    at = row.index(f'data-quota="{label}"')
    return row[at: row.index("</td>", at)]


def test_a_city_admin_sees_every_countys_quota_and_status_counts(client, cast, campaign):
    s.campaign_update(by=cast.city_admin, campaign=campaign, quota_total=2, quota_per_tier={"示范型": 1})
    a = submitted(campaign, cast.school_a, cast.school_user_a)
    submitted(campaign, make_school(cast.county_a, 51), cast.county_admin_a, tier="优秀型")
    draft(campaign, make_school(cast.county_a, 52), cast.county_admin_a)
    b = submitted(campaign, cast.school_b, cast.school_user_b)
    s.application_recommend(by=cast.county_admin_a, application=a, recommend=True)
    s.application_recommend(by=cast.city_admin, application=b, recommend=True)
    client.force_login(cast.city_admin)
    r = client.get(quotas_url(campaign))
    assert r.status_code == 200
    body = r.content.decode()
    assert "1 / 2" in cell(body, cast.county_a, "推荐总数")
    assert "剩余 1" in cell(body, cast.county_a, "推荐总数")
    assert "1 / 1" in cell(body, cast.county_a, "示范型")
    assert "剩余 0" in cell(body, cast.county_a, "示范型")
    assert "0 / 不限" in cell(body, cast.county_a, "优秀型")
    assert "1 / 2" in cell(body, cast.county_b, "推荐总数")
    row_a = body[body.index(f'data-county="{cast.county_a.code}"'):]
    row_a = row_a[: row_a.index("</tr>")]
    assert row_a.rstrip().endswith('<td class="text-center fw-semibold">3</td>')  # 3 applications in A
    assert cast.other_county.name not in body


def test_a_county_admin_gets_403_on_the_city_overview(client, cast, campaign):
    client.force_login(cast.county_admin_a)
    r = client.get(quotas_url(campaign))
    assert r.status_code == 403
    assert "仅限市级管理员" in r.content.decode()


def test_a_city_admin_of_another_city_gets_404(client, cast, campaign):
    from campuseval.accounts.models import RoleAssignment, User

    other = User.objects.create_user(username="hefei", password="x")
    RoleAssignment.objects.create(user=other, role="city_admin", region=cast.other_city)
    client.force_login(other)
    assert client.get(quotas_url(campaign)).status_code == 404
