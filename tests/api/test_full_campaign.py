"""A whole small campaign through the API alone, from the application to the published result."""

from __future__ import annotations

from campuseval.audit.models import AuditRecord
from campuseval.notifications.models import Notification

from .conftest import client_for


def test_a_small_campaign_runs_end_to_end_through_the_api(cast, campaign, clock, second_expert):
    first = AuditRecord.objects.count()
    school, county, city = client_for(cast.school_user_a), client_for(cast.county_admin_a), client_for(cast.city_admin)

    # Application and self-assessment.
    clock.stage(campaign, "application")
    created = school.post(f"/api/campaigns/{campaign.pk}/applications/")
    assert created.status_code == 201, created.content
    app = created.json()
    url = f"/api/applications/{app['id']}/"
    form = school.patch(url, {"version": app["version"], "applied_tier": "示范型", "highlights": "三个课堂全覆盖"})
    assert form.status_code == 200, form.content
    rows = school.get(f"{url}scores/").json()
    for row in rows:
        clause = True if row["clause_requirement"] else None
        saved = school.put(
            f"{url}scores/{row['code']}/", {"version": row["version"], "score": row["points"], "clause_met": clause}
        )
        assert saved.status_code == 200, (row["code"], saved.content)
    detail = school.get(url).json()
    assert detail["progress"] == {"scored": 82, "total": 82}
    assert (detail["self_result"]["total"], detail["self_result"]["tier"]) == (110, "示范型")
    assert school.post(f"{url}submit/").json()["status"] == "submitted"

    # County review.
    clock.stage(campaign, "county_review")
    assert county.put(f"{url}county-scores/1.1.1/", {"version": 1, "score": 2}).status_code == 200
    assert county.post(f"{url}recommend/", {"recommend": True}).json()["status"] == "recommended"

    # City review: two experts score on their own and submit.
    clock.stage(campaign, "city_review")
    assert city.post(f"/api/campaigns/{campaign.pk}/assign-experts/").json() == {"created": 2, "understaffed": []}
    for expert, low in ((cast.expert, None), (second_expert, "1.3.4")):
        client = client_for(expert)
        (assignment,) = client.get("/api/assignments/").json()["results"]
        assert assignment["application"] == app["id"]
        base = f"/api/assignments/{assignment['id']}/"
        for row in client.get(base).json()["scores"]:
            score = 0 if row["code"] == low else row["points"]
            clause = True if row["clause_requirement"] else None
            saved = client.put(f"{base}scores/{row['code']}/", {"version": row["version"], "score": score, "clause_met": clause})
            assert saved.status_code == 200, saved.content
        assert client.post(f"{base}submit/").status_code == 200

    review = city.get(url).json()["city_review"]["combined"]
    assert review["experts"] == 2
    assert [f["code"] for f in review["flagged"]] == ["1.3.4"]  # 1 and 0: a gap for discussion
    assert review["result"]["total"] == 109.5

    # Decision and publication.
    decided = city.post(f"{url}decide/", {"reason": ""})
    assert decided.status_code == 200, decided.content
    assert decided.json()["decision"]["tier"] == "示范型"
    clock.stage(campaign, "decision")
    published = city.post(f"/api/campaigns/{campaign.pk}/publish/")
    assert published.status_code == 200, published.content

    results = school.get(f"/api/results/{campaign.pk}/").json()["results"]
    assert [(r["school"]["code"], r["tier"]) for r in results] == [(cast.school_a.code, "示范型")]
    assert school.get(url).json()["status"] == "published"
    assert Notification.objects.filter(user=cast.school_user_a, kind="published").exists()
    # Every step is in the audit trail under the person who took it, not as anonymous.
    actors = set(AuditRecord.objects.filter(seq__gt=first).values_list("actor_name", flat=True))
    assert actors == {"schoola", "countya", "cityadmin", "expert", "expert2"}
