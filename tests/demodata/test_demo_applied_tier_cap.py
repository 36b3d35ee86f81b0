"""The demo follows its campaign's "认定等级不超过申报类型" setting (cap_at_applied_tier), as
the rest of the product does: without the cap, a school is awarded the tier its scores reach
even above the one it applied for, and the demo expects just that."""

from __future__ import annotations

from dataclasses import replace

from campuseval.campaigns.selectors import self_result
from campuseval.demodata.campaigns import TAIZHOU, _Campaigns, _rubrics
from campuseval.demodata.generate import generate_demo
from campuseval.demodata.services import demo_create


def test_without_the_cap_a_school_is_decided_at_the_tier_its_scores_reach_above_its_applied_one(
    db,
):
    spec = generate_demo()
    demo_create(spec=spec, password="Demo-Passw0rd!", campaigns=False)
    builder = _Campaigns(seed=spec.seed, year=spec.year)
    opens_at = builder.day(-110, 8, 0)
    campaign = builder.open(
        name=f"{opens_at.year}年滁州市智慧校园认定（不限申报类型）",
        year=opens_at.year,
        rubric=_rubrics()[TAIZHOU],
        opens_at=opens_at,
        application_deadline=builder.day(1),
        county_review_deadline=builder.day(2),
        city_review_deadline=builder.day(3),
        publication_deadline=builder.day(15),
        cap_at_applied_tier=False,
    )
    names = campaign.tier_names  # highest first
    school, story = next(
        (s, story)
        for s in builder.schools
        if (story := builder.story(campaign, s)).recommended and story.outcome in names[:-1]
    )
    # A modest school applies for the lowest tier, although its scores reach a higher one.
    builder.stories[campaign.pk, school.pk] = replace(story, applied=names[-1])

    application = builder.submit(builder.apply(campaign, school))
    assert application.applied_tier == names[-1]
    expected = builder.result(application, story.own).tier  # what the demo's county goes by
    assert expected == self_result(application).tier  # what the school's pages show
    assert expected != names[-1]

    builder.move(campaign, application_deadline=builder.day(-75))
    builder.county_review(application)
    builder.move(campaign, county_review_deadline=builder.day(-45))
    builder.assign(campaign)
    builder.expert_work(campaign)
    builder.move(campaign, city_review_deadline=builder.day(-5))
    builder.decide(campaign, override=False)

    application.refresh_from_db()
    assert application.status == "decided"
    assert application.decided_tier == story.outcome
    assert names.index(application.decided_tier) < names.index(application.applied_tier)
