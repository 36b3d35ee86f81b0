"""The five demo campaigns, one at each stage of the workflow as it stands today.

The services compare deadlines with the real clock, so each campaign is opened with the
deadlines still ahead that its work needs, the work is done, and then ``campaign_update``
moves the passed deadlines back into the past, one at a time and always in order, until the
campaign sits in its stage today.

Each campaign is named for the year it opens in (its ``year`` too), so the names follow the
clock, not ``--year`` (the year of the schools' facts): the three batches of 认定 are numbered
among the batches that open in the same year, and last year's campaign is last year's.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from campuseval.campaigns import services as wf
from campuseval.campaigns.models import Campaign
from campuseval.rubrics.models import Rubric

from .steps import _Steps

WITHDRAW_REASON = "学校今年暂不申报，计划完善录播教室后明年再申报。"
CITY_NAME = "滁州市智慧校园"
# The days from today on which the three batches of 认定 open, the earliest first.
BATCHES = {"decision": -110, "city": -80, "application": -21}
ZH_ORDINALS = "一二三"


class _Campaigns(_Steps):
    def batch(self, key: str) -> dict[str, Any]:
        """The name, year, opening and stream of one batch of 认定, e.g. 2026年…认定（第二批）:
        the year it opens in, numbered among that year's batches."""
        opens_at = self.day(BATCHES[key], 8, 0)
        same_year = [k for k, days in BATCHES.items() if self.day(days).year == opens_at.year]
        n = ZH_ORDINALS[same_year.index(key)]
        return {
            "name": f"{opens_at.year}年{CITY_NAME}认定（第{n}批）",
            "year": opens_at.year,
            "opens_at": opens_at,
            "stream": f"认定|{key}",
        }

    def application_stage(self, rubric: Rubric) -> Campaign:
        """(1) 申报与自评 now: drafts partly scored, submissions, one returned and being revised."""
        campaign = self.open(
            **self.batch("application"),
            rubric=rubric,
            application_deadline=self.day(24),
            county_review_deadline=self.day(45),
            city_review_deadline=self.day(75),
            publication_deadline=self.day(90),
            quota_total=10,
        )
        roles = ["returned", "withdrawn", *["submitted"] * 10, *["partial"] * 10, *["new"] * 2]
        self.rng.shuffle(roles)
        for school, role in zip(self.pick(len(roles), campaign), roles, strict=True):
            if role in ("submitted", "returned"):
                application = self.submit(self.apply(campaign, school))
                if role == "returned":
                    self.revise(application, self.county_return(application))
            elif role == "withdrawn":
                application = self.apply(campaign, school, share=0.3, form=False)
                user = self.school_user(school)
                with self.acting(user):
                    wf.application_withdraw(
                        by=user, application=application, reason=WITHDRAW_REASON
                    )
            elif role == "partial":
                share = round(self.rng.uniform(0.15, 0.9), 2)
                self.apply(campaign, school, share=share, form=self.rng.random() < 0.6)
            else:
                self.apply(campaign, school, share=0, form=False)
        return campaign

    def county_stage(self, rubric: Rubric) -> Campaign:
        """(2) 县级初评 now: recommended and not, some still to review, one returned, quotas."""
        opens_at = self.day(-50, 8, 0)
        campaign = self.open(
            name=f"{opens_at.year}年{CITY_NAME}达标创建（试点）",
            year=opens_at.year,
            stream="达标创建",
            rubric=rubric,
            opens_at=opens_at,
            application_deadline=self.day(1),
            county_review_deadline=self.day(14),
            city_review_deadline=self.day(45),
            publication_deadline=self.day(60),
            quota_total=4,
            quota_per_tier={rubric.engine_rubric().tiers[0].name: 1},
        )
        schools = self.pick(24, campaign)
        late = self.rng.choice(schools)  # a draft that missed the deadline
        submitted = [self.submit(self.apply(campaign, s)) for s in schools if s is not late]
        self.apply(campaign, late, share=0.5)
        self.move(campaign, application_deadline=self.day(-6))
        order = list(range(len(submitted)))
        self.rng.shuffle(order)
        returned, pending = order[0], set(order[1 : 1 + len(order) * 3 // 10])
        for n, application in enumerate(submitted):  # county by county, in code order
            if n == returned:
                self.revise(application, self.county_return(application))
            elif n not in pending:
                self.county_review(application, score=True)
        return campaign

    def _reviewed(self, campaign: Campaign, n: int, application_deadline: dt.datetime) -> None:
        """``n`` schools apply (every outcome among them) and submit; after the application
        deadline, which moves back to ``application_deadline``, their counties decide."""
        schools = self.pick(n, campaign, cover=True)
        submitted = [self.submit(self.apply(campaign, school)) for school in schools]
        self.move(campaign, application_deadline=application_deadline)
        for application in submitted:
            self.county_review(application)

    def city_stage(self, rubric: Rubric) -> Campaign:
        """(3) 市级终评 now: experts assigned automatically, some submitted, one flagged gap."""
        campaign = self.open(
            **self.batch("city"),
            rubric=rubric,
            application_deadline=self.day(1),
            county_review_deadline=self.day(2),
            city_review_deadline=self.day(20),
            publication_deadline=self.day(35),
            quota_total=10,
        )
        self._reviewed(campaign, 24, self.day(-40))
        self.move(campaign, county_review_deadline=self.day(-10))
        self.assign(campaign)
        self.expert_work(campaign, everyone=False)
        return campaign

    def decision_stage(self, rubric: Rubric) -> Campaign:
        """(4) 认定与公布 now: every application decided, one override with a reason, unpublished."""
        campaign = self.open(
            **self.batch("decision"),
            rubric=rubric,
            application_deadline=self.day(1),
            county_review_deadline=self.day(2),
            city_review_deadline=self.day(3),
            publication_deadline=self.day(15),
            quota_total=10,
        )
        self._reviewed(campaign, 20, self.day(-75))
        self.move(campaign, county_review_deadline=self.day(-45))
        self.assign(campaign)
        self.expert_work(campaign)
        self.move(campaign, city_review_deadline=self.day(-5))
        self.decide(campaign, override=True)
        return campaign

    def published(self, rubric: Rubric) -> Campaign:
        """(5) Last year's campaign, published: the public results page has every tier."""
        year = self.today.year - 1
        campaign = self.open(
            name=f"{year}年{CITY_NAME}认定",
            year=year,
            stream="认定|published",
            rubric=rubric,
            opens_at=self.day(-30, 8, 0),
            application_deadline=self.day(1),
            county_review_deadline=self.day(2),
            city_review_deadline=self.day(3),
            publication_deadline=self.day(4),
            quota_total=10,
        )
        self._reviewed(campaign, 24, self.day(-20))
        self.move(campaign, county_review_deadline=self.day(-10))
        self.assign(campaign)
        self.expert_work(campaign)
        self.move(campaign, city_review_deadline=self.day(-2))
        self.decide(campaign, override=False)
        campaign = self.publish(campaign)
        # Then it happened last year: its dates (and publication) go back into that year.
        tz = timezone.get_current_timezone()
        return self.move(
            campaign,
            opens_at=dt.datetime(year, 4, 1, 8, 0, tzinfo=tz),
            application_deadline=dt.datetime(year, 5, 31, 23, 59, tzinfo=tz),
            county_review_deadline=dt.datetime(year, 6, 30, 23, 59, tzinfo=tz),
            city_review_deadline=dt.datetime(year, 9, 15, 23, 59, tzinfo=tz),
            publication_deadline=dt.datetime(year, 10, 31, 23, 59, tzinfo=tz),
            published_at=dt.datetime(year, 10, 25, 10, 0, tzinfo=tz),
        )
