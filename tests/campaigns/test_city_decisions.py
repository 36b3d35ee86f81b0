"""/campaigns/<id>/decisions/: combined scores, the engine's tier by default, overrides with a
reason, and publication."""

from __future__ import annotations

import pytest
from django.urls import reverse

from campuseval.audit.models import AuditRecord
from campuseval.campaigns import services as s
from campuseval.campaigns.models import Status

from .test_city_helpers import recommended, reviewed


def decisions(campaign):
    return reverse("campaigns:decisions", kwargs={"pk": campaign.pk})


def decide(campaign, application):
    return reverse("campaigns:decide", kwargs={"pk": campaign.pk, "application_id": application.pk})


@pytest.fixture
def app(cast, campaign):
    return recommended(cast, campaign, cast.school_a, tier="示范型")


def test_it_shows_experts_submitted_the_combined_total_and_the_scored_tier(client, cast, campaign, clock, app):
    assignments = reviewed(cast, campaign, clock, app, [{"1.5.2": 1}, {}], submit=False)
    s.expert_submit(by=assignments[0].expert, assignment=assignments[0])
    client.force_login(cast.city_admin)
    page = client.get(decisions(campaign)).content.decode()
    assert cast.school_a.name in page
    assert "1/2" in page  # experts submitted
    assert "108" in page  # 110 minus the 2 points the one submitted expert took off 1.5.2
    assert "示范型（评分得出）" in page


def test_the_combination_follows_the_campaign_setting(client, cast, campaign, clock, app):
    # Five experts; one gives 0 of 3 on 1.5.2. Mean: 2.4; without the highest and lowest: 3.
    reviewed(cast, campaign, clock, app, [{"1.5.2": 0}, {}, {}, {}, {}])
    client.force_login(cast.city_admin)
    assert "109.4" in client.get(decisions(campaign)).content.decode()
    s.campaign_update(by=cast.city_admin, campaign=campaign, combine="trimmed_mean")
    page = client.get(decisions(campaign)).content.decode()
    assert "109.4" not in page
    assert ">110<" in page


def test_the_scored_tier_is_capped_at_the_applied_tier_when_the_campaign_says_so(client, cast, campaign, clock):
    app = recommended(cast, campaign, cast.school_a, tier="合格型")
    reviewed(cast, campaign, clock, app, [{}, {}])
    client.force_login(cast.city_admin)
    assert "合格型（评分得出）" in client.get(decisions(campaign)).content.decode()
    s.campaign_update(by=cast.city_admin, campaign=campaign, cap_at_applied_tier=False)
    assert "示范型（评分得出）" in client.get(decisions(campaign)).content.decode()


def test_the_decision_defaults_to_the_scored_tier(client, cast, campaign, clock, app):
    reviewed(cast, campaign, clock, app, [{}, {}])
    client.force_login(cast.city_admin)
    page = client.get(decisions(campaign)).content.decode()
    assert '<option value="示范型" selected>' in page
    response = client.post(decide(campaign, app), {"tier": "示范型", "reason": ""})
    assert response.status_code == 302
    app.refresh_from_db()
    assert (app.status, app.decided_tier, app.override_reason) == (Status.DECIDED, "示范型", "")


def test_another_tier_needs_a_reason_and_nothing_is_saved_without_one(client, cast, campaign, clock, app):
    reviewed(cast, campaign, clock, app, [{}, {}])
    client.force_login(cast.city_admin)
    response = client.post(decide(campaign, app), {"tier": "优秀型", "reason": "  "})
    page = response.content.decode()
    assert "认定等级与评分得出的等级（示范型）不同，须填写理由" in page
    assert '<option value="优秀型" selected>' in page  # what was chosen is kept
    app.refresh_from_db()
    assert app.status == Status.UNDER_REVIEW


def test_an_override_with_a_reason_is_kept_in_the_audit_trail(client, cast, campaign, clock, app):
    reviewed(cast, campaign, clock, app, [{}, {}])
    client.force_login(cast.city_admin)
    client.post(decide(campaign, app), {"tier": "", "reason": "现场核查发现录播教室未启用"})
    app.refresh_from_db()
    assert (app.decided_tier, app.override_reason) == ("", "现场核查发现录播教室未启用")
    record = AuditRecord.objects.filter(object_type="campaigns.application", object_id=str(app.pk)).order_by("-seq").first()
    assert record.after["override_reason"] == "现场核查发现录播教室未启用"
    assert record.after["decided_tier"] == ""
    page = client.get(decisions(campaign)).content.decode()
    assert "改判" in page and "现场核查发现录播教室未启用" in page


def test_an_unknown_tier_is_refused(client, cast, campaign, clock, app):
    reviewed(cast, campaign, clock, app, [{}])
    client.force_login(cast.city_admin)
    page = client.post(decide(campaign, app), {"tier": "金牌", "reason": "x"}).content.decode()
    assert "认定等级须为：示范型、优秀型、合格型 或 未达标" in page


def test_publishing_is_refused_while_applications_are_undecided(client, cast, campaign, clock, app):
    reviewed(cast, campaign, clock, app, [{}, {}])
    client.force_login(cast.city_admin)
    page = client.post(reverse("campaigns:publish", kwargs={"pk": campaign.pk}), follow=True).content.decode()
    assert "不能公布：还有 1 份推荐申报未认定：琅琊区示例第一小学" in page
    campaign.refresh_from_db()
    assert campaign.published_at is None


def test_publishing_after_every_decision_notifies_and_opens_the_public_page(client, cast, campaign, clock, app):
    reviewed(cast, campaign, clock, app, [{}, {}])
    client.force_login(cast.city_admin)
    client.post(decide(campaign, app), {"tier": "示范型"})
    clock.stage(campaign, "decision")
    client.force_login(cast.city_admin)  # sessions expire after 30 idle minutes
    page = client.post(reverse("campaigns:publish", kwargs={"pk": campaign.pk}), follow=True).content.decode()
    assert "已公布" in page
    assert reverse("results:detail", kwargs={"campaign_id": campaign.pk}) in page
    app.refresh_from_db()
    assert app.status == Status.PUBLISHED


@pytest.mark.parametrize("user", ["county_admin_a", "school_user_a", "expert", "observer"])
def test_other_roles_get_403(client, cast, campaign, user):
    client.force_login(getattr(cast, user))
    assert client.get(decisions(campaign)).status_code == 403
    assert client.post(reverse("campaigns:publish", kwargs={"pk": campaign.pk})).status_code == 403
