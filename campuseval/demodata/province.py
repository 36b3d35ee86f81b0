"""`campuseval demo --province`: a province-sized data set for the dashboards, written in bulk.

One province (示例省, 370000), its cities (37xx00, GB/T 2260: a city shares the province's
first two digits, a county the city's first four), 8–12 counties each, about 20,000 schools
with one year of facts, three years of campaigns per city (the two older ones published, the
current year's spread over every stage across the cities), about 9 % of a city's schools
applying per campaign with their indicator scores, expert panels and state histories, and one
published plan per city. Two halves:

- ``province_plan`` is pure: from the seed, the sizes and the moment ``now`` it draws every
  region, school, account, campaign and application with its history of states (no database;
  the same arguments always give an equal plan);
- ``province_create`` writes a plan into an empty database: rubrics through their service,
  everything else with ``bulk_create`` or one ``executemany`` per table (the workflow services
  would take hours at this size). Scores are drawn per application from its own random stream
  and scored by the engine; then the dashboards' summary is rebuilt
  (``analytics.services.rebuild``).

The rows bypass the workflow and its audit trail: one audit record names the run. Everything
is fictitious: names are built from syllables, phone numbers cannot be dialled.
"""

from __future__ import annotations

import datetime as dt
import math
import random
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone

from campuseval.accounts.models import Role, RoleAssignment, User
from campuseval.analytics.services import rebuild
from campuseval.audit.context import acting_as
from campuseval.audit.services import Entry, audit_append
from campuseval.bulk import insert_rows
from campuseval.campaigns.models import (
    Application,
    ApplicationEvent,
    Campaign,
    ExpertAssignment,
    ExpertScore,
    IndicatorScore,
    Stage,
    Status,
)
from campuseval.campaigns.rules import RECOMMENDED_ONWARD
from campuseval.engine import Rubric as EngineRubric
from campuseval.engine import SchoolInput, score_school
from campuseval.plans.models import Plan, ProgressReport, Target
from campuseval.regions.models import Region, School, SchoolFacts
from campuseval.rubrics.models import Rubric
from campuseval.rubrics.services import rubrics_load_shipped

from .generate import (
    CATEGORY,
    DEFAULT_PASSWORD,
    DEFAULT_SEED,
    GIVEN_FIRST,
    GIVEN_SECOND,
    LAG_MODES,
    NAME_SUFFIX,
    PLACE_FIRST,
    PLACE_SECOND,
    SURNAMES,
    FactsSpec,
    RegionSpec,
    _facts,
)
from .services import DEMO_ACTOR, START_OVER

PROVINCE_CODE = "370000"
PROVINCE_NAME = "示例省"
DEFAULT_CITIES = 16
DEFAULT_SCHOOLS = 20_000
MAX_CITIES = 99  # two digits of the code
COUNTIES_PER_CITY = (8, 12)
EXPERTS_PER_CITY = 6
QUOTA = 10  # 每县推荐总数上限
APPLY_SHARE = (0.08, 0.10)  # of a city's schools, per campaign
TEACHING_POINT_SHARE = 0.08
MAIN_RUBRIC, OTHER_RUBRIC = "taizhou-2022", "weifang-2022"  # every fourth city uses the other
PLATFORM_ADMIN = "p-admin"
OBSERVER = "p-observer"

TP = School.Stage.TEACHING_POINT
URBAN, RURAL = School.Location.URBAN.value, School.Location.RURAL.value
# The stage mix by location (weights): secondary kinds only in towns, as in the city demo.
STAGE_MIX = {
    URBAN: (("小学", 55), ("初中", 20), ("高中", 10), ("九年一贯制", 8), ("完全中学", 5), ("十二年一贯制", 2)),
    RURAL: (("小学", 70), ("初中", 15), ("九年一贯制", 15)),
}
CENTRAL_STAGES = ("小学", "九年一贯制")
# 区, 县, county-level 市: code suffixes 02.., 21.., 81.. and each kind's share of urban schools.
COUNTY_KINDS = (("区", 2, 0.80), ("县", 21, 0.35), ("市", 81, 0.55))

# The current year's campaigns: each city's in one stage, in turn.
CURRENT_STAGES = (Stage.APPLICATION, Stage.COUNTY_REVIEW, Stage.CITY_REVIEW, Stage.DECISION, Stage.PUBLISHED)
# The applications' statuses at each stage of their campaign (weights).
STATUS_MIX: dict[str, tuple[tuple[str, int], ...]] = {
    Stage.APPLICATION: ((Status.DRAFT, 55), (Status.SUBMITTED, 45)),
    Stage.COUNTY_REVIEW: (
        (Status.SUBMITTED, 35), (Status.RECOMMENDED, 35), (Status.NOT_RECOMMENDED, 18), (Status.RETURNED, 12),
    ),
    Stage.CITY_REVIEW: ((Status.UNDER_REVIEW, 62), (Status.RECOMMENDED, 13), (Status.NOT_RECOMMENDED, 25)),
    Stage.DECISION: ((Status.DECIDED, 55), (Status.UNDER_REVIEW, 25), (Status.NOT_RECOMMENDED, 20)),
    # A published campaign: the county's rejections, and a few schools that never finished.
    Stage.PUBLISHED: ((Status.PUBLISHED, 74), (Status.NOT_RECOMMENDED, 20), (Status.RETURNED, 3), (Status.DRAFT, 3)),
}
STATUSES_AT: dict[str, frozenset[str]] = {k: frozenset(s for s, _w in v) for k, v in STATUS_MIX.items()}
# Statuses whose county scores exist (the county scored before it decided).
COUNTY_SCORED = frozenset({Status.RECOMMENDED, Status.NOT_RECOMMENDED, Status.UNDER_REVIEW, Status.DECIDED, Status.PUBLISHED})
PANEL = frozenset({Status.UNDER_REVIEW, Status.DECIDED, Status.PUBLISHED})
MINUTE = dt.timedelta(minutes=1)


class ProvinceRefused(Exception):
    """The database is not empty."""


# --- the plan: pure data ----------------------------------------------------------------------


@dataclass(frozen=True)
class PSchool:
    code: str
    name: str
    stage: str
    location: str
    county_code: str
    central_code: str | None
    head_name: str
    contact_name: str
    contact_phone: str
    facts: FactsSpec


@dataclass(frozen=True)
class PAccount:
    username: str
    full_name: str
    role: str
    region_code: str | None = None
    home_county_code: str | None = None


@dataclass(frozen=True)
class PCampaign:
    key: str
    city_code: str
    year: int
    name: str
    rubric_code: str
    stage: str  # the stage at the plan's ``now``
    opens_at: dt.datetime
    application_deadline: dt.datetime
    county_review_deadline: dt.datetime
    city_review_deadline: dt.datetime
    publication_deadline: dt.datetime
    published_at: dt.datetime | None


@dataclass(frozen=True)
class PEvent:
    at: dt.datetime
    from_status: str
    to_status: str
    actor: str | None  # username; None: the school (no school accounts in this data set)


@dataclass(frozen=True)
class PAssignment:
    expert: str
    assigned_at: dt.datetime
    submitted_at: dt.datetime | None


@dataclass(frozen=True)
class PApplication:
    campaign_key: str
    school_code: str
    status: str
    quality: float  # 0..1: how well the school scores
    history: tuple[PEvent, ...]
    panel: tuple[PAssignment, ...] = ()

    def last(self, *statuses: str) -> dt.datetime | None:
        """When the application last moved into one of ``statuses``."""
        found = [e.at for e in self.history if e.to_status in statuses]
        return found[-1] if found else None


@dataclass(frozen=True)
class ProvincePlan:
    seed: int
    now: dt.datetime
    first_year: int  # the oldest campaigns' year, and the year of the schools' facts
    regions: tuple[RegionSpec, ...]
    schools: tuple[PSchool, ...]
    accounts: tuple[PAccount, ...]
    campaigns: tuple[PCampaign, ...]
    applications: tuple[PApplication, ...]

    def city_codes(self) -> list[str]:
        return [r.code for r in self.regions if r.level == Region.Level.CITY]


class _Names:
    """Unique place names and fictitious person names and phone numbers, from one RNG."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        places = [a + b for a in PLACE_FIRST for b in PLACE_SECOND]
        rng.shuffle(places)
        self.places = places
        self.used = 0

    def place(self) -> str:
        name = self.places[self.used % len(self.places)]
        round_ = self.used // len(self.places)
        self.used += 1
        return name if round_ == 0 else f"{name}{round_ + 1}"

    def person(self) -> str:
        r = self.rng
        return r.choice(SURNAMES) + r.choice(GIVEN_FIRST) + r.choice(GIVEN_SECOND)

    def phone(self, area: str) -> str:
        # A local number never begins with 0: none of these can be dialled.
        return f"{area}-00{self.rng.randrange(100000):05d}"


def _weighted(rng: random.Random, mix: Sequence[tuple[str, int]]) -> str:
    return rng.choices([k for k, _w in mix], weights=[w for _k, w in mix])[0]


def _split(rng: random.Random, total: int, parts: int) -> list[int]:
    """``total`` split into ``parts`` uneven parts (largest remainders), summing exactly."""
    weights = [rng.uniform(0.5, 1.5) for _ in range(parts)]
    shares = [total * w / sum(weights) for w in weights]
    out = [math.floor(s) for s in shares]
    for i in sorted(range(parts), key=lambda i: out[i] - shares[i])[: total - sum(out)]:
        out[i] += 1
    return out


def _local(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=timezone.get_current_timezone())


def province_plan(
    *, seed: int = DEFAULT_SEED, cities: int = DEFAULT_CITIES, schools: int = DEFAULT_SCHOOLS,
    now: dt.datetime, rubrics: Sequence[str] = (MAIN_RUBRIC, OTHER_RUBRIC),
) -> ProvincePlan:
    """Everything the province demo writes except the scores (which need the rubrics): the
    same arguments always give an equal plan."""
    if not 1 <= cities <= MAX_CITIES:
        raise ValueError(f"cities must be 1..{MAX_CITIES}")
    rng = random.Random(f"province|{seed}")
    names = _Names(rng)
    regions = [RegionSpec(PROVINCE_CODE, PROVINCE_NAME, Region.Level.PROVINCE, None)]
    counties_of: dict[str, list[RegionSpec]] = {}
    kinds: dict[str, tuple[str, int, float]] = {}
    for c in range(1, cities + 1):
        city = RegionSpec(f"{PROVINCE_CODE[:2]}{c:02d}00", f"{names.place()}市", Region.Level.CITY, PROVINCE_CODE)
        regions.append(city)
        n = rng.randint(*COUNTIES_PER_CITY)
        districts = rng.randint(2, 4)
        county_level_cities = rng.randint(0, 2)
        others = n - districts - county_level_cities
        layout = [COUNTY_KINDS[0]] * districts + [COUNTY_KINDS[1]] * others + [COUNTY_KINDS[2]] * county_level_cities
        taken: Counter[str] = Counter()
        counties_of[city.code] = []
        for kind in layout:
            suffix, start, _urban = kind
            code = f"{city.code[:4]}{start + taken[suffix]:02d}"
            taken[suffix] += 1
            county = RegionSpec(code, f"{names.place()}{suffix}", Region.Level.COUNTY, city.code)
            kinds[code] = kind
            counties_of[city.code].append(county)
            regions.append(county)
    all_counties = [c for cs in counties_of.values() for c in cs]
    school_rows = _schools(rng, names, all_counties, kinds, schools)
    accounts = _accounts(names, regions, counties_of)
    today = timezone.localdate(now)
    first_year = today.year - 2
    campaigns = [
        _campaign(city, year, today, n, rubrics)
        for n, city in enumerate(r for r in regions if r.level == Region.Level.CITY)
        for year in range(first_year, today.year + 1)
    ]
    applications: list[PApplication] = []
    by_city: dict[str, list[PSchool]] = {}
    for s in school_rows:
        by_city.setdefault(s.county_code[:4] + "00", []).append(s)
    for campaign in campaigns:
        applications += _applications(seed, campaign, by_city.get(campaign.city_code, []), accounts, now)
    return ProvincePlan(
        seed, now, first_year, tuple(regions), tuple(school_rows), tuple(accounts), tuple(campaigns),
        tuple(applications),
    )


def _schools(
    rng: random.Random, names: _Names, counties: list[RegionSpec], kinds: dict[str, tuple[str, int, float]], total: int,
) -> list[PSchool]:
    rows: list[PSchool] = []
    sequence = 0
    for county, n in zip(counties, _split(rng, total, len(counties)), strict=True):
        urban_share = kinds[county.code][2]
        points = round(n * TEACHING_POINT_SHARE) if n >= 5 else 0
        drafts: list[tuple[str, str]] = []
        for _ in range(n - points):
            location = URBAN if rng.random() < urban_share else RURAL
            drafts.append((_weighted(rng, STAGE_MIX[location]), location))
        numbers: Counter[str] = Counter()
        mine: list[PSchool] = []
        area = f"05{county.code[2:4]}"  # an area code of the province's kind (05xx)
        for stage, location in drafts + [(TP, RURAL)] * points:
            central_code = None
            if stage == TP:
                candidates = [s for s in mine if s.stage in CENTRAL_STAGES and s.location == RURAL] or [
                    s for s in mine if s.stage in CENTRAL_STAGES
                ]
                if candidates:
                    central_code = rng.choice(candidates).code
                else:  # no school to attach it to: a small primary school instead
                    stage = "小学"
            sequence += 1
            numbers[stage] += 1
            lag = tuple(m for m in LAG_MODES if m in rng.sample(LAG_MODES, 2)) if rng.random() < 0.15 else ()
            school = PSchool(
                code=f"{CATEGORY[stage]}{PROVINCE_CODE[:2]}{sequence:06d}",
                name=f"{county.name}第{numbers[stage]}{NAME_SUFFIX[stage]}",
                stage=stage, location=location, county_code=county.code, central_code=central_code,
                head_name=names.person(), contact_name=names.person(), contact_phone=names.phone(area),
                facts=_facts(rng, location, stage, lag),
            )
            mine.append(school)
        rows += mine
    return rows


def _accounts(names: _Names, regions: list[RegionSpec], counties_of: dict[str, list[RegionSpec]]) -> list[PAccount]:
    out = [
        PAccount(PLATFORM_ADMIN, names.person(), Role.PLATFORM_ADMIN),
        PAccount(OBSERVER, names.person(), Role.OBSERVER, PROVINCE_CODE),
    ]
    for city in (r for r in regions if r.level == Region.Level.CITY):
        out.append(PAccount(city_admin_username(city.code), names.person(), Role.CITY_ADMIN, city.code))
        counties = counties_of[city.code]
        out += [PAccount(f"p-county-{c.code}", names.person(), Role.COUNTY_ADMIN, c.code) for c in counties]
        out += [
            PAccount(
                expert_name(city.code, n), names.person(), Role.EXPERT, city.code,
                home_county_code=counties[(n - 1) % len(counties)].code,
            )
            for n in range(1, EXPERTS_PER_CITY + 1)
        ]
    return out


def city_admin_username(city_code: str) -> str:
    return f"p-city-{city_code[:4]}"


def expert_name(city_code: str, n: int) -> str:
    return f"p-expert-{city_code[:4]}-{n}"


def _campaign(city: RegionSpec, year: int, today: dt.date, n: int, rubrics: Sequence[str]) -> PCampaign:
    rubric = rubrics[1] if len(rubrics) > 1 and n % 4 == 3 else rubrics[0]
    key = f"{city.code}-{year}"
    name = f"{city.name}{year}年度智慧校园创建"
    if year < today.year:  # history: published in the summer
        return PCampaign(
            key, city.code, year, name, rubric, Stage.PUBLISHED,
            _local(dt.date(year, 3, 1), 8), _local(dt.date(year, 4, 30), 23, 59), _local(dt.date(year, 5, 31), 23, 59),
            _local(dt.date(year, 6, 30), 23, 59), _local(dt.date(year, 7, 31), 23, 59), _local(dt.date(year, 7, 20), 10),
        )
    stage = CURRENT_STAGES[n % len(CURRENT_STAGES)]
    k = CURRENT_STAGES.index(stage)
    opens = today - dt.timedelta(days=20 + 15 * k)
    app, county, city_review, publication = (_local(opens + dt.timedelta(days=30 + 15 * i), 23, 59) for i in range(4))
    return PCampaign(
        key, city.code, year, name, rubric, stage, _local(opens, 8), app, county, city_review, publication,
        published_at=_local(today - dt.timedelta(days=7), 10) if stage == Stage.PUBLISHED else None,
    )


def _applications(
    seed: int, campaign: PCampaign, schools: list[PSchool], accounts: list[PAccount], now: dt.datetime,
) -> list[PApplication]:
    rng = random.Random(f"province|{seed}|{campaign.key}")
    candidates = [s for s in schools if s.stage != TP]
    k = min(len(candidates), round(len(schools) * rng.uniform(*APPLY_SHARE)))
    chosen = sorted(rng.sample(candidates, k), key=lambda s: (s.county_code, s.code))
    statuses = {s.code: _weighted(rng, STATUS_MIX[campaign.stage]) for s in chosen}
    # The county's recommendations stay within the quota: the rest were not recommended.
    onward: Counter[str] = Counter()
    for s in chosen:
        if statuses[s.code] in RECOMMENDED_ONWARD:
            onward[s.county_code] += 1
            if onward[s.county_code] > QUOTA:
                statuses[s.code] = Status.NOT_RECOMMENDED
    experts = [a for a in accounts if a.role == Role.EXPERT and a.region_code == campaign.city_code]
    out = []
    for s in chosen:
        app_rng = random.Random(f"province|{seed}|{campaign.key}|{s.code}")
        status = statuses[s.code]
        if status in RECOMMENDED_ONWARD:
            quality = app_rng.uniform(0.55, 0.97)
        elif status == Status.NOT_RECOMMENDED:
            quality = app_rng.uniform(0.15, 0.55)
        else:
            quality = app_rng.uniform(0.2, 0.95)
        eligible = [e.username for e in experts if e.home_county_code != s.county_code]
        history, panel = _history(app_rng, campaign, s, status, now, eligible)
        out.append(PApplication(campaign.key, s.code, status, round(quality, 4), history, panel))
    return out


class _Clock:
    """Event times inside the campaign's stage windows, in order, never after ``now``."""

    def __init__(self, rng: random.Random, c: PCampaign, now: dt.datetime) -> None:
        self.rng, self.now, self.at = rng, now - MINUTE, c.opens_at
        end = c.published_at or c.publication_deadline
        self.windows: dict[str, tuple[dt.datetime, dt.datetime]] = {
            Stage.APPLICATION: (c.opens_at, c.application_deadline),
            Stage.COUNTY_REVIEW: (c.application_deadline, c.county_review_deadline),
            Stage.CITY_REVIEW: (c.county_review_deadline, c.city_review_deadline),
            Stage.DECISION: (c.city_review_deadline, end),
        }

    def next(self, stage: str, lo: float = 0.05, hi: float = 0.5) -> dt.datetime:
        start, end = self.windows[stage]
        start = max(start, self.at + MINUTE)
        end = min(end, self.now)
        if end > start:
            start += (end - start) * self.rng.uniform(lo, hi)
        self.at = start.replace(microsecond=0)
        return self.at


def _history(
    rng: random.Random, c: PCampaign, school: PSchool, status: str, now: dt.datetime, experts: list[str],
) -> tuple[tuple[PEvent, ...], tuple[PAssignment, ...]]:
    """The application's states from its first draft to ``status``, each in its stage's window."""
    clock = _Clock(rng, c, now)
    county = f"p-county-{school.county_code}"
    city = city_admin_username(c.city_code)
    events = [PEvent(clock.next(Stage.APPLICATION, 0.0, 0.4), "", Status.DRAFT, None)]

    def move(to: str, stage: str, actor: str | None, lo: float = 0.05, hi: float = 0.5) -> None:
        events.append(PEvent(clock.next(stage, lo, hi), events[-1].to_status, to, actor))

    if status == Status.DRAFT:
        return tuple(events), ()
    move(Status.SUBMITTED, Stage.APPLICATION, None)
    if status not in (Status.SUBMITTED, Status.RETURNED) and rng.random() < 0.1:
        move(Status.RETURNED, Stage.APPLICATION, county)  # returned and submitted again in time
        move(Status.SUBMITTED, Stage.APPLICATION, None)
    if status == Status.SUBMITTED:
        return tuple(events), ()
    if status == Status.RETURNED:
        move(Status.RETURNED, Stage.COUNTY_REVIEW, county)
        return tuple(events), ()
    move(Status.NOT_RECOMMENDED if status == Status.NOT_RECOMMENDED else Status.RECOMMENDED, Stage.COUNTY_REVIEW, county)
    if status in (Status.RECOMMENDED, Status.NOT_RECOMMENDED):
        return tuple(events), ()
    move(Status.UNDER_REVIEW, Stage.CITY_REVIEW, city, 0.0, 0.15)  # the experts are assigned
    assigned = events[-1].at
    panel = []
    for expert in rng.sample(experts, min(2, len(experts))):
        done = status != Status.UNDER_REVIEW or c.stage != Stage.CITY_REVIEW or rng.random() < 0.55
        if done:
            clock.at = assigned
            submitted: dt.datetime | None = clock.next(Stage.CITY_REVIEW, 0.1, 0.9)
        else:
            submitted = None
        panel.append(PAssignment(expert, assigned, submitted))
    clock.at = max([assigned, *(p.submitted_at for p in panel if p.submitted_at)])
    if status in (Status.DECIDED, Status.PUBLISHED):
        move(Status.DECIDED, Stage.DECISION, city)
    if status == Status.PUBLISHED:
        assert c.published_at is not None
        events.append(PEvent(c.published_at, Status.DECIDED, Status.PUBLISHED, city))
    return tuple(events), tuple(panel)


# --- scores: drawn per application, scored by the engine --------------------------------------


@dataclass
class _Scores:
    own: list[float | None]
    clauses: list[bool | None]
    county: list[float | None] | None
    experts: list[tuple[list[float], list[bool | None]]]  # per submitted panel member
    applied: str
    scored_tier: str = ""
    total: Decimal | None = None


def _half(rng: random.Random, points: float) -> float:
    return math.floor(rng.random() * points * 2) / 2


def draw_scores(rng: random.Random, rubric: EngineRubric, app: PApplication) -> _Scores:
    """The school's self-assessment, the county's and each submitted expert's scores (half
    points within 0..points), the applied tier and, with a panel, the tier its scores give."""
    q = app.quality
    n = len(rubric.indicators)
    filled = n if app.status != Status.DRAFT else math.ceil(n * rng.uniform(0.3, 1.0))
    own: list[float | None] = []
    clauses: list[bool | None] = []
    for i, ind in enumerate(rubric.indicators):
        if i >= filled:
            own.append(None)
            clauses.append(None)
            continue
        if ind.requirement == "basic":
            p = 0.999 if q >= 0.5 else 0.9
        elif ind.requirement == "demo":
            p = 0.97 if q >= 0.85 else q * 0.6
        else:  # the rest make the total: a better school more often full, else partly
            p = 0.6 * max(0.0, (q - 0.25) / 0.75) ** 1.3
        own.append(ind.points if rng.random() < p else _half(rng, ind.points * (0.4 + 0.6 * q if not ind.requirement else 1)))
        clauses.append((rng.random() < (0.97 if q >= 0.85 else q * 0.7)) if ind.has_clause else None)
    names = [t.name for t in rubric.tiers]  # highest first
    mine = score_school(rubric, _input(rubric, app.school_code, own, clauses), path=False).uncapped_tier
    applied = mine or names[-1]
    if mine is not None and names.index(mine) > 0 and rng.random() < 0.15:
        applied = names[names.index(mine) - 1]  # an ambitious school applies for one more
    # Reviewers take half a point here and there, rarely where a ★ or ▲ requirement hangs on it.
    strict = [0.002 if ind.requirement else 0.12 for ind in rubric.indicators]
    county = None
    if app.status in COUNTY_SCORED:
        county = [s - 0.5 if s and rng.random() < p else s for s, p in zip(own, strict, strict=True)]
    experts = []
    for member in app.panel:
        if member.submitted_at is None or county is None:
            continue
        scores, votes = [], []
        for ind, base, clause, p in zip(rubric.indicators, county, clauses, strict, strict=True):
            value = base or 0.0
            roll = rng.random()
            if roll < p and value >= 0.5:
                value -= 0.5
            elif roll > 0.95:
                value = min(ind.points, value + 0.5)
            scores.append(value)
            votes.append((clause if rng.random() > 0.05 else not clause) if clause is not None else None)
        experts.append((scores, votes))
    out = _Scores(own, clauses, county, experts, applied)
    if experts and app.status in (Status.DECIDED, Status.PUBLISHED):
        means = [sum(e[0][i] for e in experts) / len(experts) for i in range(n)]
        votes_by = [[e[1][i] for e in experts if e[1][i] is not None] for i in range(n)]
        combined = [sum(bool(v) for v in vs) * 2 > len(vs) if vs else None for vs in votes_by]
        result = score_school(rubric, _input(rubric, app.school_code, means, combined, applied), path=False)
        out.scored_tier = result.tier or ""
        out.total = Decimal(str(round(result.total, 3)))
    return out


def _input(
    rubric: EngineRubric, code: str, scores: Sequence[float | None], clauses: Sequence[bool | None],
    applied: str | None = None,
) -> SchoolInput:
    codes = [i.code for i in rubric.indicators]
    return SchoolInput(
        code,
        {c: s for c, s in zip(codes, scores, strict=True) if s is not None},
        {c: m for c, m in zip(codes, clauses, strict=True) if m is not None},
        applied_tier=applied,
    )


# --- the writer -------------------------------------------------------------------------------


@dataclass
class ProvinceResult:
    plan: ProvincePlan
    counts: dict[str, int] = field(default_factory=dict)
    timings: list[tuple[str, float]] = field(default_factory=list)

    @property
    def seconds(self) -> float:
        return sum(t for _label, t in self.timings)


def province_refusal() -> str | None:
    regions = Region.objects.count()
    if regions:
        return f"数据库中已有 {regions} 个行政区域；省级演示数据只写入空数据库。"
    if School.objects.exists():
        return "数据库中已有学校；省级演示数据只写入空数据库。"
    return None


def province_create(
    *, seed: int = DEFAULT_SEED, cities: int = DEFAULT_CITIES, schools: int = DEFAULT_SCHOOLS,
    password: str = DEFAULT_PASSWORD, now: dt.datetime | None = None,
    progress: Callable[[str, int, float], None] | None = None,
) -> ProvinceResult:
    """Write the province demo into an empty database, in one transaction; raise
    ProvinceRefused when there are regions or schools already. ``progress`` hears each part
    as it ends (its label, rows and seconds)."""
    refusal = province_refusal()
    if refusal:
        raise ProvinceRefused(f"{refusal}{START_OVER.replace('campuseval demo', 'campuseval demo --province')}")
    writer = _Writer(now or timezone.now(), progress)
    with transaction.atomic(), acting_as(DEMO_ACTOR):
        writer.run(seed, cities, schools, password)
    if connection.vendor == "postgresql":
        # A million rows just loaded, the summaries rewritten many times over: plan queries on
        # fresh statistics, and read indexes without the dead rows (VACUUM cannot run in a
        # transaction: a test's, say; there statistics alone).
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")
    return writer.result


APPLICATION_COLUMNS = (
    "campaign_id", "school_id", "status", "applied_tier", "head_name", "contact_name", "contact_phone", "classes",
    "students", "teachers", "highlights", "version", "submitted_at", "county_note", "county_decided_at",
    "scored_tier", "combined_total", "decided_tier", "override_reason", "decided_by_id", "decided_at",
    "created_at", "updated_at",
)
SCORE_COLUMNS = (
    "application_id", "code", "self_score", "clause_met", "comment", "county_score", "county_comment",
    "changed_after_return", "carried_from_id", "version", "updated_at", "updated_by_id",
)
ASSIGNMENT_COLUMNS = ("application_id", "expert_id", "assigned_by_id", "automatic", "assigned_at", "submitted_at")
EXPERT_SCORE_COLUMNS = ("assignment_id", "code", "score", "clause_met", "comment", "version", "updated_at")
EVENT_COLUMNS = ("application_id", "at", "actor_id", "from_status", "to_status", "note")
HIGHLIGHTS = (
    "千兆校园网和无线网络覆盖全部教学区域",
    "录播教室常态化开展“三个课堂”",
    "智慧课堂覆盖全部班级，课堂数据用于学情分析",
    "家校共育平台打通作业、通知与综合素质评价",
    "开设人工智能与编程校本课程",
)


class _Writer:
    def __init__(self, now: dt.datetime, progress: Callable[[str, int, float], None] | None) -> None:
        self.now = now
        self.progress = progress
        self.result: ProvinceResult
        self.timings: list[tuple[str, float]] = []
        self.counts: dict[str, int] = {}
        self.adapt = connection.ops.adapt_datetimefield_value
        self.decimals: dict[float, Decimal] = {}

    @contextmanager
    def part(self, label: str) -> Iterator[None]:
        started = time.perf_counter()
        yield
        seconds = time.perf_counter() - started
        self.timings.append((label, seconds))
        if self.progress is not None:
            self.progress(label, self.counts.get(label, 0), seconds)

    def dec(self, value: float | None) -> Decimal | None:
        if value is None:
            return None
        if value not in self.decimals:
            self.decimals[value] = Decimal(str(value))
        return self.decimals[value]

    def db(self, value: dt.datetime | None) -> Any:
        return None if value is None else self.adapt(value)

    def run(self, seed: int, cities: int, schools: int, password: str) -> None:
        with self.part("规则"):
            rubrics_load_shipped()
            latest = {r.code: r for r in Rubric.objects.order_by("code", "version")}
            self.rubrics = {code: latest[code] for code in (MAIN_RUBRIC, OTHER_RUBRIC) if code in latest}
            self.counts["规则"] = len(self.rubrics)
        with self.part("规划数据"):
            plan = province_plan(seed=seed, cities=cities, schools=schools, now=self.now, rubrics=list(self.rubrics))
            self.result = ProvinceResult(plan)
            self.counts["规划数据"] = len(plan.applications)
        with self.part("行政区域"):
            self._regions(plan)
        with self.part("学校"):
            self._schools(plan)
        with self.part("学校基础数据"):
            self._facts(plan)
        with self.part("账号"):
            self._accounts(plan, password)
        with self.part("年度创建"):
            self._campaigns(plan)
        with self.part("申报"):
            drawn = self._applications(plan)
        with self.part("指标评分"):
            self._scores(plan, drawn)
        with self.part("专家评分"):
            self._panels(plan, drawn)
        with self.part("状态变化"):
            self._events(plan)
        with self.part("规划"):
            self._plans(plan)
        audit_append([Entry(
            action="import", object_type="demo.dataset", region_code=PROVINCE_CODE,
            object_repr=f"省级演示数据：{PROVINCE_NAME}（seed {seed}）", after={"seed": seed, **self.counts},
        )])
        with self.part("看板汇总"):
            self.counts["看板汇总"] = rebuild()
        self.result.counts, self.result.timings = self.counts, self.timings

    # --- regions, schools, accounts ---------------------------------------------------------

    def _regions(self, plan: ProvincePlan) -> None:
        self.regions: dict[str, Region] = {}
        for level in (Region.Level.PROVINCE, Region.Level.CITY, Region.Level.COUNTY):
            objs = []
            for r in plan.regions:
                if r.level == level:
                    region = Region(code=r.code, name=r.name, level=r.level, parent=self.regions.get(r.parent_code or ""))
                    region.full_clean(exclude=["parent"], validate_unique=False, validate_constraints=False)
                    objs.append(region)
            Region.objects.bulk_create(objs)
            self.regions.update({r.code: r for r in objs})
        self.counts["行政区域"] = len(self.regions)

    def _schools(self, plan: ProvincePlan) -> None:
        self.schools: dict[str, School] = {}
        for points in (False, True):  # central schools first
            objs = []
            for s in plan.schools:
                if (s.stage == TP) != points:
                    continue
                school = School(
                    code=s.code, name=s.name, stage=s.stage, location=s.location, county=self.regions[s.county_code],
                    central_school=self.schools[s.central_code] if s.central_code else None,
                    address=f"{PROVINCE_NAME}{self.regions[s.county_code].name}", head_name=s.head_name,
                    contact_name=s.contact_name, contact_phone=s.contact_phone,
                )
                school.full_clean(exclude=["county", "central_school"], validate_unique=False, validate_constraints=False)
                objs.append(school)
            School.objects.bulk_create(objs, batch_size=2000)
            self.schools.update({s.code: s for s in objs})
        self.counts["学校"] = len(self.schools)

    def _facts(self, plan: ProvincePlan) -> None:
        objs = [SchoolFacts(school=self.schools[s.code], year=plan.first_year, **asdict(s.facts)) for s in plan.schools]
        SchoolFacts.objects.bulk_create(objs, batch_size=2000)
        self.counts["学校基础数据"] = len(objs)

    def _accounts(self, plan: ProvincePlan, password: str) -> None:
        hashed = make_password(password)  # once: every account shares it
        users = [
            User(
                username=a.username, full_name=a.full_name, password=hashed, must_change_password=False,
                home_county=self.regions[a.home_county_code] if a.home_county_code else None,
            )
            for a in plan.accounts
        ]
        User.objects.bulk_create(users, batch_size=500)
        self.users = {u.username: u for u in users}
        roles = [
            RoleAssignment(user=u, role=a.role, region=self.regions[a.region_code] if a.region_code else None)
            for u, a in zip(users, plan.accounts, strict=True)
        ]
        for role in roles:
            role.full_clean(exclude=["user"], validate_unique=False, validate_constraints=False)
        RoleAssignment.objects.bulk_create(roles, batch_size=500)
        self.counts["账号"] = len(users)

    # --- campaigns and applications ---------------------------------------------------------

    def _campaigns(self, plan: ProvincePlan) -> None:
        objs = []
        for c in plan.campaigns:
            campaign = Campaign(
                city=self.regions[c.city_code], year=c.year, name=c.name, rubric=self.rubrics[c.rubric_code],
                opens_at=c.opens_at, application_deadline=c.application_deadline,
                county_review_deadline=c.county_review_deadline, city_review_deadline=c.city_review_deadline,
                publication_deadline=c.publication_deadline, published_at=c.published_at, quota_total=QUOTA,
                created_by=self.users[city_admin_username(c.city_code)],
            )
            campaign.full_clean(exclude=["city", "rubric", "created_by"], validate_unique=False, validate_constraints=False)
            assert campaign.stage_at(plan.now) == c.stage, (c.key, campaign.stage_at(plan.now), c.stage)
            objs.append(campaign)
        Campaign.objects.bulk_create(objs)
        self.campaigns = {c.key: obj for c, obj in zip(plan.campaigns, objs, strict=True)}
        self.engines = {key: c.rubric.engine_rubric() for key, c in self.campaigns.items()}
        self.counts["年度创建"] = len(objs)

    def _applications(self, plan: ProvincePlan) -> list[_Scores]:
        facts = {s.code: s.facts for s in plan.schools}
        schools = {s.code: s for s in plan.schools}
        drawn, rows = [], []
        for app in plan.applications:
            rng = random.Random(f"province|{plan.seed}|scores|{app.campaign_key}|{app.school_code}")
            scores = draw_scores(rng, self.engines[app.campaign_key], app)
            drawn.append(scores)
            s, f = schools[app.school_code], facts[app.school_code]
            decided = app.last(Status.DECIDED)
            city_admin = self.users[city_admin_username(app.campaign_key)]
            rows.append((
                self.campaigns[app.campaign_key].pk, self.schools[app.school_code].pk, app.status, scores.applied,
                s.head_name, s.contact_name, s.contact_phone, f.classes, f.students, f.teachers,
                rng.choice(HIGHLIGHTS), len(app.history), self.db(app.last(Status.SUBMITTED)), "",
                self.db(app.last(Status.RECOMMENDED, Status.NOT_RECOMMENDED)),
                scores.scored_tier if decided else "", scores.total if decided else None,
                scores.scored_tier if decided else "", "", city_admin.pk if decided else None, self.db(decided),
                self.db(app.history[0].at), self.db(app.history[-1].at),
            ))
        self.counts["申报"] = insert_rows(Application, APPLICATION_COLUMNS, rows)
        ids = {(c, s): pk for pk, c, s in Application.objects.values_list("pk", "campaign_id", "school_id")}
        self.app_ids = [
            ids[(self.campaigns[a.campaign_key].pk, self.schools[a.school_code].pk)] for a in plan.applications
        ]
        return drawn

    def _scores(self, plan: ProvincePlan, drawn: list[_Scores]) -> None:
        def rows() -> Iterator[tuple[Any, ...]]:
            for app, pk, scores in zip(plan.applications, self.app_ids, drawn, strict=True):
                rubric = self.engines[app.campaign_key]
                county = scores.county or [None] * len(rubric.indicators)
                when = self.db(app.last(Status.RECOMMENDED, Status.NOT_RECOMMENDED) or app.last(Status.SUBMITTED) or app.history[-1].at)
                for ind, own, clause, by_county in zip(rubric.indicators, scores.own, scores.clauses, county, strict=True):
                    yield (
                        pk, ind.code, self.dec(own), clause, "", self.dec(by_county), "", False, None, 1, when, None,
                    )

        self.counts["指标评分"] = insert_rows(IndicatorScore, SCORE_COLUMNS, rows())

    def _panels(self, plan: ProvincePlan, drawn: list[_Scores]) -> None:
        rows = []
        for app, pk in zip(plan.applications, self.app_ids, strict=True):
            by = self.users[city_admin_username(app.campaign_key)]
            for member in app.panel:
                rows.append((pk, self.users[member.expert].pk, by.pk, True, self.db(member.assigned_at), self.db(member.submitted_at)))
        insert_rows(ExpertAssignment, ASSIGNMENT_COLUMNS, rows)
        ids = {(a, e): pk for pk, a, e in ExpertAssignment.objects.values_list("pk", "application_id", "expert_id")}

        def score_rows() -> Iterator[tuple[Any, ...]]:
            for app, pk, scores in zip(plan.applications, self.app_ids, drawn, strict=True):
                rubric = self.engines[app.campaign_key]
                submitted = [m for m in app.panel if m.submitted_at is not None]
                for member, (values, votes) in zip(submitted, scores.experts, strict=True):
                    assignment = ids[(pk, self.users[member.expert].pk)]
                    when = self.db(member.submitted_at)
                    for ind, value, vote in zip(rubric.indicators, values, votes, strict=True):
                        yield (assignment, ind.code, self.dec(value), vote, "", 1, when)

        self.counts["专家分配"] = len(rows)
        self.counts["专家评分"] = insert_rows(ExpertScore, EXPERT_SCORE_COLUMNS, score_rows())

    def _events(self, plan: ProvincePlan) -> None:
        rows = (
            (pk, self.db(e.at), self.users[e.actor].pk if e.actor else None, e.from_status, e.to_status, "")
            for app, pk in zip(plan.applications, self.app_ids, strict=True)
            for e in app.history
        )
        self.counts["状态变化"] = insert_rows(ApplicationEvent, EVENT_COLUMNS, rows)

    # --- plans -------------------------------------------------------------------------------

    def _plans(self, plan: ProvincePlan) -> None:
        today = timezone.localdate(plan.now)
        year = today.year
        rng = random.Random(f"province|{plan.seed}|plans")
        plans = []
        for code in plan.city_codes():
            city = self.regions[code]
            p = Plan(
                region=city, title=f"{city.name}智慧校园建设三年行动（{year - 1}—{year + 1}年）", start_year=year - 1,
                end_year=year + 1, source="省级演示数据（生成）", status=Plan.Status.PUBLISHED, version=1,
                created_by=self.users[city_admin_username(code)],
            )
            p.full_clean(exclude=["region", "created_by"], validate_unique=False, validate_constraints=False)
            plans.append(p)
        Plan.objects.bulk_create(plans)
        targets: list[Target] = []
        reports: list[tuple[Target, Decimal]] = []
        quarter = _quarter_end(today)
        for p in plans:
            base = rng.choice((2, 3, 4, 5))
            ladder = (base, base * 2 + 2, base * 3 + 6)
            for n, (y, share) in enumerate(zip(range(year - 1, year + 2), ladder, strict=True), 1):
                targets.append(Target(
                    plan=p, region=p.region, project="智慧校园建成率", text=f"{y}年智慧校园建成率不低于{share}%",
                    kind=Target.Kind.COVERAGE, measure=Target.Measure.CERTIFIED, year=y, due=dt.date(y, 12, 31),
                    value=Decimal(share), unit="%", order=n,
                ))
            kpis = (
                ("教师信息技术应用能力提升工程2.0培训合格率", Decimal(100), "%", Decimal(rng.randint(70, 95))),
                ("建成智慧教室", Decimal(rng.randrange(300, 900, 50)), "间", Decimal(rng.randrange(100, 300, 10))),
            )
            for n, (text, value, unit, reached) in enumerate(kpis, 10):
                kpi = Target(
                    plan=p, region=p.region, project="行动计划指标", text=f"到{year + 1}年{text}达到{value}{unit}",
                    kind=Target.Kind.KPI, measure=Target.Measure.REPORTED, year=year + 1, due=dt.date(year + 1, 12, 31),
                    value=value, unit=unit, order=n, report_by=quarter,
                )
                targets.append(kpi)
                reports.append((kpi, reached))
        for t in targets:
            t.full_clean(exclude=["plan", "region", "parent"], validate_unique=False, validate_constraints=False)
        Target.objects.bulk_create(targets)
        ProgressReport.objects.bulk_create([
            ProgressReport(
                target=t, as_of=today - dt.timedelta(days=30), value=reached, note="按季度报送（演示）",
                status=ProgressReport.Status.ACCEPTED, reported_by=t.plan.created_by, decided_by=t.plan.created_by,
            )
            for t, reached in reports
        ])
        self.counts["规划"] = len(plans)


def _quarter_end(day: dt.date) -> dt.date:
    month = 3 * ((day.month - 1) // 3 + 1)
    return (dt.date(day.year + (month == 12), month % 12 + 1, 1) - dt.timedelta(days=1))
