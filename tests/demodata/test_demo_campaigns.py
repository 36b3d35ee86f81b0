"""`campuseval demo`: one campaign at each stage of the workflow, as it stands today.

The demo is built once for the module (twice, to check that a seed gives the same campaigns)
inside a transaction that is rolled back at the end; the tests only read it, or make
requests that leave nothing behind that matters.
"""

from __future__ import annotations

import io
from collections import Counter
from dataclasses import dataclass

import pytest
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from campuseval.audit.models import AuditRecord
from campuseval.campaigns.models import (
    Application,
    Campaign,
    ExpertAssignment,
    ExpertScore,
    IndicatorScore,
    Stage,
)
from campuseval.campaigns.selectors import combined_result
from campuseval.campaigns.services import quota_usage
from campuseval.notifications.models import Notification
from campuseval.regions.models import Region

# The demo's campaigns, one in each stage today; their names carry the year they open in.
STAGES = (Stage.APPLICATION, Stage.COUNTY_REVIEW, Stage.CITY_REVIEW, Stage.DECISION, Stage.PUBLISHED)


def demo(*args: str) -> str:
    out = io.StringIO()
    call_command("demo", *args, stdout=out)
    return out.getvalue()


def written() -> dict[str, object]:
    """What the campaigns hold, without ids or times: states, tiers, every score."""
    return {
        "campaigns": list(
            Campaign.objects.order_by("name").values_list(
                "name", "year", "rubric__code", "quota_total", "quota_per_tier"
            )
        ),
        "applications": list(
            Application.objects.order_by("campaign__name", "school__code").values_list(
                "campaign__name",
                "school__code",
                "status",
                "applied_tier",
                "highlights",
                "scored_tier",
                "combined_total",
                "decided_tier",
                "override_reason",
                "county_note",
            )
        ),
        "scores": list(
            IndicatorScore.objects.order_by(
                "application__campaign__name", "application__school__code", "code"
            ).values_list(
                "application__school__code",
                "code",
                "self_score",
                "clause_met",
                "county_score",
                "county_comment",
                "changed_after_return",
            )
        ),
        "experts": [
            (school, expert, submitted is not None, code, score, clause)
            for school, expert, submitted, code, score, clause in ExpertScore.objects.order_by(
                "assignment__application__school__code", "assignment__expert__username", "code"
            ).values_list(
                "assignment__application__school__code",
                "assignment__expert__username",
                "assignment__submitted_at",
                "code",
                "score",
                "clause_met",
            )
        ],
    }


class Rollback(Exception):
    pass


@dataclass
class Built:
    output: str
    first: dict[str, object]  # a first build with the same seed, rolled back

    def campaign(self, stage: Stage) -> Campaign:
        now = timezone.now()
        (campaign,) = [c for c in Campaign.objects.all() if c.stage_at(now) == stage]
        return campaign


def test_no_campaigns_builds_only_the_city(db):
    out = demo("--no-campaigns")

    assert not Campaign.objects.exists()
    assert "年度创建（" not in out
    assert Region.objects.filter(level="county").count() == 8


@pytest.fixture(scope="module")
def built(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        try:
            with transaction.atomic():
                demo()
                first = written()
                raise Rollback
        except Rollback:
            pass
        yield Built(output=demo(), first=first)
        transaction.set_rollback(True)


def statuses(campaign: Campaign) -> Counter[str]:
    return Counter(campaign.applications.values_list("status", flat=True))


def test_it_builds_one_campaign_in_each_stage_today(built):
    now = timezone.now()

    assert sorted(c.stage_at(now) for c in Campaign.objects.all()) == sorted(STAGES)
    assert {c.city.code for c in Campaign.objects.all()} == {"341100"}
    assert built.campaign(Stage.COUNTY_REVIEW).rubric.code == "weifang-2022"
    assert built.campaign(Stage.CITY_REVIEW).rubric.code == "taizhou-2022"
    assert 20 <= built.campaign(Stage.APPLICATION).applications.count() <= 40


def test_each_campaign_is_named_for_the_year_it_opens_in(built):
    for campaign in Campaign.objects.all():
        year = timezone.localtime(campaign.opens_at).year
        assert campaign.year == year, campaign.name
        assert campaign.name.startswith(f"{year}年滁州市智慧校园"), campaign.name
    last_year = timezone.localdate().year - 1
    assert built.campaign(Stage.PUBLISHED).name == f"{last_year}年滁州市智慧校园认定"
    county = built.campaign(Stage.COUNTY_REVIEW)
    assert county.name == f"{county.year}年滁州市智慧校园达标创建（试点）"
    # The three batches of 认定 are numbered in order among the batches of their year.
    batches: dict[int, list[str]] = {}
    for stage in (Stage.DECISION, Stage.CITY_REVIEW, Stage.APPLICATION):  # as they opened
        campaign = built.campaign(stage)
        batches.setdefault(campaign.year, []).append(campaign.name)
    for year, names in batches.items():
        assert names == [f"{year}年滁州市智慧校园认定（第{n}批）" for n in "一二三"[: len(names)]]


def test_every_campaign_keeps_its_deadlines_in_order(built):
    for campaign in Campaign.objects.all():
        campaign.full_clean()  # Campaign.clean checks the order of the dates


def test_the_application_campaign_has_partial_drafts_submissions_and_a_revision(built):
    campaign = built.campaign(Stage.APPLICATION)
    indicators = len(campaign.rubric.engine_rubric().indicators)

    counts = statuses(campaign)
    assert counts["draft"] >= 5 and counts["submitted"] >= 5 and counts["returned"] == 1
    scored = [
        a.scores.exclude(self_score=None).count()
        for a in campaign.applications.filter(status="draft")
    ]
    assert any(0 < n < indicators for n in scored)  # partly scored drafts
    returned = campaign.applications.get(status="returned")
    commented = returned.scores.exclude(county_comment="")
    assert commented.count() >= 1
    assert returned.scores.filter(changed_after_return=True).exists()  # being revised
    assert returned.county_note
    assert Notification.objects.filter(kind="returned", url__contains=f"/{returned.pk}/").exists()


def test_the_county_campaign_recommends_refuses_and_returns_within_its_quotas(built):
    campaign = built.campaign(Stage.COUNTY_REVIEW)

    counts = statuses(campaign)
    assert counts["recommended"] >= 1 and counts["not_recommended"] >= 1
    assert counts["returned"] == 1 and counts["submitted"] >= 1  # some still to review
    assert campaign.quota_total is not None and campaign.quota_per_tier
    for county in Region.objects.filter(level="county"):
        usage = quota_usage(campaign, county)
        assert usage["used"] <= usage["cap"]
        for tier in usage["tiers"].values():
            assert tier["cap"] is None or tier["used"] <= tier["cap"]
    refused = campaign.applications.filter(status="not_recommended")
    assert all(
        a.events.filter(to_status="not_recommended").exclude(note="").exists() for a in refused
    )
    reviewed = campaign.applications.filter(status__in=["recommended", "not_recommended"])
    assert all(a.scores.exclude(county_score=None).exists() for a in reviewed)


def test_the_city_campaign_has_automatic_assignments_some_submitted_and_one_gap(built):
    campaign = built.campaign(Stage.CITY_REVIEW)
    reviewed = list(campaign.applications.filter(status="under_review").select_related("school"))

    assert reviewed
    assignments = ExpertAssignment.objects.filter(application__campaign=campaign).select_related(
        "expert", "application__school"
    )
    for application in reviewed:
        assert application.assignments.count() == campaign.experts_per_application
    for assignment in assignments:
        assert assignment.automatic
        assert assignment.expert.home_county_id != assignment.application.school.county_id
    submitted = assignments.exclude(submitted_at=None).count()
    assert 0 < submitted < assignments.count()
    gaps = [g for a in reviewed if (r := combined_result(a)) for g in r.flagged]
    assert len(gaps) == 1


def test_the_decision_campaign_decides_engine_tiers_with_one_audited_override(built):
    campaign = built.campaign(Stage.DECISION)

    assert set(statuses(campaign)) == {"decided", "not_recommended"}
    assert campaign.published_at is None
    decided = campaign.applications.filter(status="decided")
    overridden = [a for a in decided if a.decided_tier != a.scored_tier]
    assert len(overridden) == 1
    override = overridden[0]
    assert override.override_reason
    assert all(not a.override_reason for a in decided if a != override)
    record = AuditRecord.objects.get(
        object_type="campaigns.application",
        object_id=str(override.pk),
        after__status="decided",
    )
    assert record.after["override_reason"] == override.override_reason
    assert record.actor_name.startswith("city")


def test_last_years_campaign_is_published_with_every_tier(built, client):
    campaign = built.campaign(Stage.PUBLISHED)

    last_year = timezone.localdate().year - 1
    assert campaign.year == last_year and campaign.published_at.year == last_year
    assert campaign.publication_deadline < timezone.now()
    tiers = Counter(
        a.decided_tier or "未达标" for a in campaign.applications.filter(status="published")
    )
    assert set(tiers) == {"示范型", "优秀型", "合格型", "未达标"}
    assert (
        Notification.objects.filter(kind="published", url__contains=f"/{campaign.pk}/").count()
        == 561
    )

    page = client.get(reverse("results:detail", kwargs={"campaign_id": campaign.pk}))
    assert page.status_code == 200  # no log-in
    certified = campaign.applications.exclude(decided_tier="").select_related("school").first()
    assert certified.school.name in page.content.decode()


def test_each_write_is_recorded_as_the_user_who_would_make_it(built):
    expert_records = AuditRecord.objects.filter(object_type="campaigns.expertscore")
    self_records = AuditRecord.objects.filter(
        object_type="campaigns.indicatorscore", action="create"
    )

    assert expert_records.exists() and self_records.exists()
    assert all(r.actor_name.startswith("expert") for r in expert_records[:200])
    assert all(r.actor_name.startswith("school-") for r in self_records[:200])
    assert all(r.actor_id is not None for r in expert_records[:200])


def test_the_audit_chain_verifies_after_the_demo(built):
    out = io.StringIO()
    call_command("audit", "verify", stdout=out)

    assert out.getvalue().startswith("ok")


def test_the_same_seed_builds_the_same_campaigns(built):
    assert written() == built.first


def test_it_prints_each_campaign_with_its_stage_dates_and_counts(built):
    out = built.output

    for stage in STAGES:
        assert f"[{stage.label}] {built.campaign(stage).name}" in out
    last_year = timezone.localdate().year - 1
    assert "申报与自评截止" in out and f"公布时间 {last_year}-10-25 10:00" in out
    assert "专家评审：" in out and "分差待议：1 个指标" in out
    assert "改判 1 份" in out
