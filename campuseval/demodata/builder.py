"""The demo's cast for the campaigns: the city, its schools and users, and their stories.

``_Builder`` knows the demo city as ``demo_create`` left it, acts as its users, sets dates,
draws each school's profile and its story in each campaign, and picks the schools that apply.
The workflow steps each user takes are in ``steps``, the five campaigns in ``stages``.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from django.utils import timezone

from campuseval.accounts.models import User
from campuseval.audit.context import Actor, acting_as
from campuseval.campaigns import services as wf
from campuseval.campaigns.models import Application, Campaign
from campuseval.campaigns.selectors import result_for
from campuseval.engine import Rubric as EngineRubric
from campuseval.engine import SchoolResult
from campuseval.engine.facts import FactValue
from campuseval.regions.models import Region, School, SchoolFacts

from .generate import CITY, county_username, school_username
from .stories import _Profile, _Story, _story


class _Builder:
    def __init__(self, *, seed: int, year: int) -> None:
        self.seed = seed
        self.rng = random.Random(f"campaigns|{seed}")  # campaign-level choices
        self.year = year
        self.today = timezone.localdate()
        self.city = Region.objects.get(code=CITY[0])
        self.users = User.objects.in_bulk(field_name="username")
        self.city_admin = self.users["city"]
        schools = (
            School.objects.filter(county__parent=self.city)
            .exclude(stage=School.Stage.TEACHING_POINT)
            .select_related("county")
            .order_by("county__code", "code")
        )
        self.schools = list(schools)
        facts = SchoolFacts.objects.filter(school__in=self.schools, year__lte=year)
        self.facts: dict[int, SchoolFacts] = {}
        for row in facts.select_related("school").order_by("school_id", "year"):
            self.facts[row.school_id] = row  # the latest year up to the demo's
        self.profiles = {s.pk: self._profile(s) for s in self.schools}
        self.taken: set[int] = set()
        self.engines: dict[int, EngineRubric] = {}
        self.stories: dict[tuple[int, int], _Story] = {}
        # Each campaign's random stream, named for its part in the demo rather than by its
        # name, which carries the year: the same seed tells the same stories in any year.
        self.streams: dict[int, str] = {}

    def engine(self, campaign: Campaign) -> EngineRubric:
        if campaign.rubric_id not in self.engines:
            self.engines[campaign.rubric_id] = campaign.rubric.engine_rubric()
        return self.engines[campaign.rubric_id]

    # --- dates ----------------------------------------------------------------------------

    def day(self, offset: int, hour: int = 23, minute: int = 59) -> dt.datetime:
        """A local time ``offset`` days from today (deadlines at 23:59, openings at 08:00)."""
        day = self.today + dt.timedelta(days=offset)
        return dt.datetime.combine(
            day, dt.time(hour, minute), tzinfo=timezone.get_current_timezone()
        )

    def move(self, campaign: Campaign, **dates: dt.datetime) -> Campaign:
        with self.acting(self.city_admin):
            # Time has passed for the demo's campaigns: their dates are history, nobody is told.
            fields: dict[str, Any] = dict(dates)
            return wf.campaign_update(by=self.city_admin, campaign=campaign, history=True, **fields)

    # --- people ---------------------------------------------------------------------------

    @contextmanager
    def acting(self, user: User) -> Iterator[None]:
        """Record the demo's writes as the user who would make them, marked as demo data."""
        with acting_as(Actor(user.pk, f"{user.get_username()}（演示数据）", None)):
            yield

    def school_user(self, school: School) -> User:
        return self.users[school_username(school.code)]

    def county_user(self, school: School) -> User:
        return self.users[county_username(school.county.code)]

    # --- schools and stories --------------------------------------------------------------

    def _profile(self, school: School) -> _Profile:
        row = self.facts.get(school.pk)
        facts: dict[str, FactValue] = row.as_engine_facts() if row else {"stage": school.stage}
        q = 0.5 + (0.05 if school.location == School.Location.URBAN else -0.05)
        if row is not None:
            q += 0.015 * (float(row.it_funds_share_pct or 8) - 8)
            q += 0.04 * ((row.internet_bandwidth_mbps or 0) >= 2000)
            q += 0.04 * ((row.backbone_bandwidth_mbps or 0) >= 10000)
            q += 0.04 * ((row.desktop_bandwidth_mbps or 0) >= 1000)
        q += self.rng.gauss(0, 0.15)
        quality = min(0.97, max(0.05, q))
        return _Profile(
            quality=quality,
            honest=self.rng.random() < 0.6,
            ready=self.rng.random() < quality**2.5,
            facts=facts,
        )

    def story(self, campaign: Campaign, school: School) -> _Story:
        """What the school does in the campaign (drawn once, from its own random stream)."""
        key = (campaign.pk, school.pk)
        if key not in self.stories:
            stream = self.streams.get(campaign.pk, campaign.name)
            rng = random.Random(f"campaigns|{self.seed}|{stream}|{school.code}")
            profile = self.profiles[school.pk]
            self.stories[key] = _story(rng, campaign, self.engine(campaign), school, profile)
        return self.stories[key]

    def pick(self, n: int, campaign: Campaign, *, cover: bool = False) -> list[School]:
        """``n`` schools not yet in a demo campaign, spread over the counties by their size;
        better schools are likelier to apply. With ``cover``, first two recommended schools
        for each outcome (every tier, and 未达标 after the experts' review)."""
        free = [s for s in self.schools if s.pk not in self.taken]
        # Weighted sampling without replacement: the largest u ** (1 / weight) win.
        keyed = sorted(
            free,
            key=lambda s: self.rng.random() ** (1 / (0.2 + self.profiles[s.pk].quality)),
            reverse=True,
        )
        chosen: list[School] = []
        if cover:
            wanted = Counter({name: 2 for name in [*campaign.tier_names, None]})
            for school in keyed:
                story = self.story(campaign, school)
                if story.recommended and wanted[story.outcome] > 0:
                    wanted[story.outcome] -= 1
                    chosen.append(school)
                if not +wanted:
                    break
        per_county = Counter(s.county_id for s in free)
        share = {c: n * k / len(free) for c, k in per_county.items()}
        quota = {c: math.floor(v) for c, v in share.items()}
        for c in sorted(share, key=lambda c: (quota[c] - share[c], c))[: n - sum(quota.values())]:
            quota[c] += 1
        for school in chosen:
            quota[school.county_id] -= 1
        for school in keyed:
            if len(chosen) < n and quota[school.county_id] > 0 and school not in chosen:
                quota[school.county_id] -= 1
                chosen.append(school)
        for school in keyed:  # still short where covering schools went over a county share
            if len(chosen) < n and school not in chosen:
                chosen.append(school)
        self.taken.update(s.pk for s in chosen)
        return sorted(chosen, key=lambda s: (s.county.code, s.code))

    def result(self, application: Application, scores: Sequence[wf.ScoreInput]) -> SchoolResult:
        """The engine's result for the application, as its pages show it (capped at the
        applied tier when its campaign caps: ``campaigns.selectors`` decides)."""
        return result_for(
            application,
            {s.code: float(s.score) for s in scores if s.score is not None},
            {s.code: bool(s.clause_met) for s in scores if s.clause_met is not None},
            rubric=self.engine(application.campaign),
        )
