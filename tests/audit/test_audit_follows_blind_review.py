"""The audit trail keeps the city's blind review blind: until the campaign is published, only
platform and city administrators read the records of expert assignments, expert scores and
the city's decisions; a county administrator sees them once the results are out."""

from __future__ import annotations

import csv
import io
import re

import pytest
from openpyxl import load_workbook

from campuseval.accounts.models import RoleAssignment, User
from campuseval.audit.context import Actor, acting_as
from campuseval.audit.models import AuditRecord
from campuseval.campaigns import services as s
from tests.campaigns import conftest as campaign_fixtures
from tests.campaigns.conftest import make_campaign
from tests.campaigns.test_city_helpers import expert_scores, recommended
from tests.conftest import PASSWORD

EXPERT_NAME, EXPERT_LOGIN = "李建禾", "expert02"
DROPPED_NAME, DROPPED_LOGIN = "王晓岚", "expert03"


clock = campaign_fixtures.clock


@pytest.fixture
def review(cast, clock):
    """County A's school in the city review: one expert has scored 6.4.1 and submitted, one
    expert was assigned and then unassigned, and the city has decided the tier."""
    from campuseval.rubrics.models import Rubric
    from campuseval.rubrics.services import rubrics_load_shipped

    rubrics_load_shipped()
    campaign = make_campaign(cast, Rubric.objects.get(code="taizhou-2022"))
    app = recommended(cast, campaign, cast.school_a)
    clock.stage(campaign, "city_review")
    expert = _expert(cast, EXPERT_LOGIN, EXPERT_NAME)
    dropped = _expert(cast, DROPPED_LOGIN, DROPPED_NAME)
    city = Actor(cast.city_admin.pk, cast.city_admin.username, None)
    with acting_as(city):
        assignment = s.expert_assign(by=cast.city_admin, application=app, expert=expert)
        s.expert_unassign(
            by=cast.city_admin,
            assignment=s.expert_assign(by=cast.city_admin, application=app, expert=dropped),
        )
    with acting_as(Actor(expert.pk, expert.username, None)):
        s.expert_score_save(
            by=expert, assignment=assignment, code="6.4.1", score="1", expected_version=0
        )
        expert_scores(assignment, skip={"6.4.1"})
        s.expert_submit(by=expert, assignment=assignment)
    with acting_as(city):
        s.application_decide(
            by=cast.city_admin, application=app, tier="合格型", reason="案例材料不足"
        )
    return campaign, app


def _expert(cast, username, full_name):
    user = User.objects.create_user(
        username, password=PASSWORD, full_name=full_name, home_county=cast.county_b
    )
    RoleAssignment.objects.create(user=user, role="expert", region=cast.city)
    return user


def _seq(object_type, **lookup) -> int:
    return AuditRecord.objects.filter(object_type=object_type, **lookup).values_list(
        "seq", flat=True
    )[0]


def score_seq() -> int:
    return _seq("campaigns.expertscore")


def assignment_seq() -> int:
    return _seq("campaigns.expertassignment", action="create", object_repr__startswith=EXPERT_NAME)


def dropped_seq() -> int:
    return _seq("campaigns.expertassignment", action="delete")


def decision_seq() -> int:
    return _seq("campaigns.application", after__has_key="decided_tier")


def listed(client) -> tuple[str, set[int]]:
    page = client.get("/audit/").content.decode()
    return page, {int(n) for n in re.findall(r'href="/audit/(\d+)/"', page)}


def exported(client) -> str:
    wb = load_workbook(io.BytesIO(client.get("/audit/export.xlsx").content))
    xlsx = "\n".join(str(c) for row in wb["审计记录"].iter_rows(values_only=True) for c in row)
    text = client.get("/audit/export.csv").content.decode("utf-8-sig")
    return xlsx + "\n" + "\n".join(",".join(row) for row in csv.reader(io.StringIO(text)))


def test_during_the_city_review_the_county_list_names_no_expert_and_shows_no_score(
    client, cast, review
):
    client.force_login(cast.county_admin_a)

    page, seqs = listed(client)

    assert EXPERT_NAME not in page and EXPERT_LOGIN not in page and DROPPED_NAME not in page
    assert score_seq() not in seqs and assignment_seq() not in seqs and decision_seq() not in seqs
    # The county still reads its own work on the application.
    assert _seq("campaigns.application", action="create") in seqs


def test_during_the_city_review_the_county_gets_404_for_an_expert_record_or_the_decision(
    client, cast, review
):
    client.force_login(cast.county_admin_a)

    for seq in (score_seq(), assignment_seq(), dropped_seq(), decision_seq()):
        assert client.get(f"/audit/{seq}/").status_code == 404


def test_during_the_city_review_the_county_export_holds_no_expert_score_or_decision(
    client, cast, review
):
    client.force_login(cast.county_admin_a)

    text = exported(client)

    assert EXPERT_NAME not in text and EXPERT_LOGIN not in text and DROPPED_NAME not in text
    for key in ("6.4.1", "decided_tier", "combined_total", "scored_tier", "合格型", "案例材料不足"):
        assert key not in text
    assert cast.school_a.name in text  # the county's own records are still exported


@pytest.mark.parametrize("who", ["city_admin", "platform_admin"])
def test_the_city_and_platform_administrators_read_the_review_as_it_runs(client, cast, review, who):
    client.force_login(getattr(cast, who))

    page, seqs = listed(client)
    detail = client.get(f"/audit/{score_seq()}/").content.decode()
    decision = client.get(f"/audit/{decision_seq()}/").content.decode()

    assert f"{EXPERT_NAME}（{EXPERT_LOGIN}）" in page
    assert {score_seq(), assignment_seq(), dropped_seq(), decision_seq()} <= seqs
    assert "6.4.1" in detail
    assert "合格型" in decision and "案例材料不足" in decision
    assert EXPERT_LOGIN in exported(client)


def test_after_publication_the_county_reads_the_experts_scores_and_the_decision(
    client, cast, clock, review
):
    campaign, _ = review
    clock.stage(campaign, "decision")
    s.campaign_publish(by=cast.city_admin, campaign=campaign)
    client.force_login(cast.county_admin_a)

    page, seqs = listed(client)
    decision = client.get(f"/audit/{decision_seq()}/")

    assert f"{EXPERT_NAME}（{EXPERT_LOGIN}）" in page
    assert {score_seq(), assignment_seq(), decision_seq()} <= seqs
    assert "6.4.1" in client.get(f"/audit/{score_seq()}/").content.decode()
    assert decision.status_code == 200 and "合格型" in decision.content.decode()
    assert EXPERT_LOGIN in exported(client)
    # An assignment withdrawn during the review is gone from the table: its record stays the city's.
    assert dropped_seq() not in seqs and DROPPED_NAME not in page


def test_another_county_of_the_city_never_reads_county_a_records(client, cast, review):
    other = User.objects.create_user("countyb", password=PASSWORD)
    RoleAssignment.objects.create(user=other, role="county_admin", region=cast.county_b)
    client.force_login(other)

    _, seqs = listed(client)

    assert score_seq() not in seqs and decision_seq() not in seqs
