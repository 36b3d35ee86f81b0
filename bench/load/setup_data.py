"""The load test's own data in the production database, made before every run of ``make load``.

``setup(schools=200)`` runs with Django set up against PostgreSQL (``campuseval_prod``, straight
to port 5432, not through PgBouncer: ``bench/load_test.py`` sets ``DATABASE_URL``) and returns
the plan the locust users follow (accounts, their applications, assignments). Everything goes
through the project's own services, as the demo does (``campuseval/demodata``): regions and
schools through the import services, roles through ``accounts.services.role_grant``, campaigns,
applications, scores, submissions, recommendations and the expert's assignments through
``campaigns.services``; every write is audited as 压测数据. Accounts are written in bulk with one
password hash, as ``demodata.services`` does: ``user_create`` hashes each password (PBKDF2,
about half a second), which would take minutes for a few hundred accounts sharing one password.

What it makes, all fictitious and apart from the demo city (滁州市, 34xxxx):

- a region tree of its own: 压测省 990000 (no province has code 99), 压测市 990100 and four
  counties 990101..990104 (压测一区 .. 压测四区);
- ``schools`` schools 压测小学0001.. (学校标识码 2199100001..), each with a school user
  ``load-school-0001``.. and facts, spread over the four counties;
- 20 more schools 压测初审学校01..20 (2199200001..) in the first two counties, whose users
  ``load-review-01``.. only serve the set-up (they submit and are recommended here);
- ``load-county-1`` and ``load-county-2``, county administrators of 压测一区 and 压测二区;
  ``load-expert``, an expert of 压测市 from 压测四区; ``load-city``, the city administrator who
  opens the campaigns (the set-up's actor, not a simulated user);
- campaign **A** (压测：申报与自评), in its application stage: a draft application for each of
  the ``schools`` schools, every indicator already self-assessed once (deadline day: schools are
  revising), and the 20 review schools' applications submitted, which the county users score
  and recommend while the others still fill in (the rulebook lets a county act from the
  application stage on: ``rules.COUNTY_STAGES``);
- campaign **B** (压测：市级终评), in its city review stage, with 8 of the review schools
  recommended and assigned to ``load-expert`` (one expert per application). The experts score
  only while the city review runs, and a campaign is in one stage at a time, so the expert's
  part needs this second campaign of the same city: it is opened with its deadlines ahead, the
  schools apply and are recommended, and then its application and county deadlines are moved
  into the past as history (``campaign_update(history=True)``, as the demo does).

Every account has the password ``LOAD_PASSWORD`` and no two-factor; none must change it.

A rerun reuses what exists (found by region code, school code, user name and campaign name),
creates what is missing (e.g. more schools for more users) and moves the campaigns' deadlines
so that A is still in its application stage and B in its city review. It never reads or writes
anything outside the region 990000 and the ``load-`` accounts; it refuses to run if 990000 is
taken by something else. The scores the previous run saved stay (each run checks the values it
saves itself), and so does the evidence it uploaded.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Any

LOAD_PASSWORD = "Load-test-2026-campus"
ACTOR_NAME = "压测数据（bench/load）"
RUBRIC_CODE = "taizhou-2022"

PROVINCE = ("990000", "压测省")
CITY = ("990100", "压测市")
COUNTIES = (("990101", "压测一区"), ("990102", "压测二区"), ("990103", "压测三区"), ("990104", "压测四区"))
REVIEW_SCHOOLS = 20  # submitted in A, in the first two counties
EXPERT_SCHOOLS = 8  # of those, recommended in B and assigned to the expert
CAMPAIGN_A = "压测：智慧校园认定（申报与自评）"
CAMPAIGN_B = "压测：智慧校园认定（市级终评）"


class SetupRefused(Exception):
    """The database holds something under the load test's names that is not the load test's."""


@dataclass
class Plan:
    """What the locust users do, written to a JSON file for the locustfile."""

    password: str
    campaign_a: int
    campaign_b: int
    schools: list[dict[str, Any]] = field(default_factory=list)  # username, application, school
    counties: list[dict[str, Any]] = field(default_factory=list)  # username, applications
    expert: dict[str, Any] = field(default_factory=dict)  # username, assignments

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def school_code(n: int, review: bool = False) -> str:
    """学校标识码: 21 (小学), 99 (压测省), then a sequence of our own."""
    return f"2199{(200000 if review else 100000) + n:06d}"


def school_username(n: int) -> str:
    return f"load-school-{n:04d}"


def review_username(n: int) -> str:
    return f"load-review-{n:02d}"


def county_username(k: int) -> str:
    return f"load-county-{k}"


EXPERT_USERNAME = "load-expert"
CITY_USERNAME = "load-city"


def _facts(n: int) -> dict[str, Any]:
    """A middle-sized primary school's facts, varied a little by its number (no randomness:
    the same school gets the same facts on every run)."""
    classes = 18 + n % 13
    students = classes * (38 + n % 7)
    teachers = max(1, students // 17)
    return {
        "classes": classes,
        "students": students,
        "teachers": teachers,
        "teacher_computers": teachers + 2,
        "student_computers": students // 10 + 20,
        "classrooms": classes + 2,
        "multimedia_classrooms": classes + 2,
        "internet_bandwidth_mbps": 1000,
        "backbone_bandwidth_mbps": 1000 if n % 3 else 10000,
        "desktop_bandwidth_mbps": 100 if n % 4 else 1000,
        "wireless_coverage_pct": Decimal("100"),
        "video_retention_days": 30,
        "it_funds_share_pct": Decimal("8.00"),
        "teacher_space_pct": Decimal("100"),
        "student_space_pct": Decimal("100"),
        "teacher_resource_pct": Decimal("95.00"),
    }


def _baseline_scores(engine: Any) -> list[Any]:
    """Every indicator at half its points (rounded down to a half point), clauses met: the
    self-assessment a school has filled in once before deadline day."""
    from campuseval.campaigns import services as wf

    items = []
    for indicator in engine.indicators:
        score = Decimal(str(indicator.points)).to_integral_value(rounding="ROUND_FLOOR") / 2
        clause = True if indicator.has_clause else None
        items.append(wf.ScoreInput(indicator.code, score, clause, "", 0))
    return items


def _with_versions(application: Any, items: list[Any]) -> list[Any]:
    from campuseval.campaigns import services as wf
    from campuseval.campaigns.models import IndicatorScore

    versions = dict(IndicatorScore.objects.filter(application=application).values_list("code", "version"))
    return [wf.ScoreInput(i.code, i.score, i.clause_met, i.comment, versions.get(i.code, 0)) for i in items]


class _Setup:
    def __init__(self, schools: int, now: dt.datetime) -> None:
        from campuseval.rubrics.models import Rubric

        self.n = schools
        self.now = now
        rubric = Rubric.objects.filter(code=RUBRIC_CODE).order_by("-version").first()
        if rubric is None:
            raise SetupRefused(f"没有评估标准 {RUBRIC_CODE}：先运行 campuseval load_rubrics")
        self.rubric = rubric
        self.engine = rubric.engine_rubric()

    # --- regions, schools, accounts ---------------------------------------------------------

    def regions(self) -> None:
        from campuseval.regions.models import Region
        from campuseval.regions.services import regions_import

        ours = {PROVINCE[0]: PROVINCE[1], CITY[0]: CITY[1], **dict(COUNTIES)}
        for region in Region.objects.filter(code__in=list(ours)):
            if region.name != ours[region.code]:
                raise SetupRefused(f"行政区划代码 {region.code} 已是“{region.name}”，不是压测数据")
        rows = [{"code": PROVINCE[0], "name": PROVINCE[1], "level": "province", "parent_code": ""}]
        rows.append({"code": CITY[0], "name": CITY[1], "level": "city", "parent_code": PROVINCE[0]})
        rows += [{"code": c, "name": name, "level": "county", "parent_code": CITY[0]} for c, name in COUNTIES]
        regions_import(rows=rows)
        self.regions_by_code = Region.objects.in_bulk(list(ours), field_name="code")
        self.city = self.regions_by_code[CITY[0]]

    def schools(self) -> None:
        from campuseval.regions.models import School
        from campuseval.regions.services import facts_import, schools_import

        rows: list[dict[str, Any]] = []
        facts: list[dict[str, Any]] = []
        for n in range(1, self.n + 1):
            county = COUNTIES[(n - 1) % len(COUNTIES)][0]
            rows.append(self._school_row(school_code(n), f"压测小学{n:04d}", county, n))
            facts.append({"school_code": school_code(n), "year": self.now.year, "values": _facts(n)})
        for n in range(1, REVIEW_SCHOOLS + 1):
            county = COUNTIES[(n - 1) % 2][0]
            rows.append(self._school_row(school_code(n, True), f"压测初审学校{n:02d}", county, n))
            facts.append({"school_code": school_code(n, True), "year": self.now.year, "values": _facts(n)})
        known = set(School.objects.filter(code__in=[r["code"] for r in rows]).values_list("code", flat=True))
        new_rows = [r for r in rows if r["code"] not in known]
        if new_rows:
            schools_import(rows=new_rows)  # type: ignore[arg-type]
            codes = {r["code"] for r in new_rows}
            facts_import(rows=[f for f in facts if f["school_code"] in codes])  # type: ignore[arg-type]
        self.schools_by_code = School.objects.select_related("county").in_bulk(
            [r["code"] for r in rows], field_name="code"
        )

    @staticmethod
    def _school_row(code: str, name: str, county: str, n: int) -> dict[str, Any]:
        return {
            "code": code,
            "name": name,
            "stage": "小学",
            "location": "urban" if n % 3 else "rural",
            "county_code": county,
            "central_school_code": "",
            "address": f"{name}（压测地址）",
        }

    def accounts(self) -> None:
        """The accounts (bulk, one hash) and their roles (``role_grant``, one by one)."""
        from django.contrib.auth.hashers import make_password
        from django.contrib.auth.password_validation import validate_password

        from campuseval.accounts.models import Role, RoleAssignment, User
        from campuseval.accounts.services import USER_FIELDS, role_grant
        from campuseval.audit.services import audit_append, entry_for, snapshot

        wanted: list[tuple[str, str, dict[str, Any], dict[str, Any]]] = []  # username, full name, user fields, role
        for n in range(1, self.n + 1):
            school = self.schools_by_code[school_code(n)]
            wanted.append((school_username(n), f"压测学校用户{n:04d}", {}, {"role": Role.SCHOOL_USER, "school_id": school.pk}))
        for n in range(1, REVIEW_SCHOOLS + 1):
            school = self.schools_by_code[school_code(n, True)]
            wanted.append((review_username(n), f"压测初审学校用户{n:02d}", {}, {"role": Role.SCHOOL_USER, "school_id": school.pk}))
        for k in (1, 2):
            county = self.regions_by_code[COUNTIES[k - 1][0]]
            wanted.append((county_username(k), f"压测县级用户{k}", {}, {"role": Role.COUNTY_ADMIN, "region_id": county.pk}))
        far = self.regions_by_code[COUNTIES[3][0]]
        wanted.append((EXPERT_USERNAME, "压测专家", {"home_county": far}, {"role": Role.EXPERT, "region_id": self.city.pk}))
        wanted.append((CITY_USERNAME, "压测市级用户", {}, {"role": Role.CITY_ADMIN, "region_id": self.city.pk}))

        existing = User.objects.in_bulk([w[0] for w in wanted], field_name="username")
        missing = [w for w in wanted if w[0] not in existing]
        if missing:
            validate_password(LOAD_PASSWORD)
            hashed = make_password(LOAD_PASSWORD)  # one hash for all: they share the password
            users = [
                User(username=u, full_name=name, password=hashed, must_change_password=False, **extra)
                for u, name, extra, _role in missing
            ]
            for user in users:
                user.full_clean(exclude=["home_county"], validate_unique=False, validate_constraints=False)
            User.objects.bulk_create(users, batch_size=500)
            audit_append([
                entry_for("create", user, after=snapshot(user, USER_FIELDS), region_code=CITY[0]) for user in users
            ])
            existing = User.objects.in_bulk([w[0] for w in wanted], field_name="username")
        held = set(
            RoleAssignment.objects.filter(user__in=list(existing.values())).values_list("user_id", "role")
        )
        for username, _name, _extra, role in wanted:
            user = existing[username]
            if (user.pk, role["role"]) not in held:
                role_grant(user=user, **role)
        self.users = existing

    # --- campaigns ------------------------------------------------------------------------

    def _day(self, days: float) -> dt.datetime:
        return self.now + dt.timedelta(days=days)

    def campaign_a(self) -> Any:
        """In its application stage, at least a week before its deadline."""
        from campuseval.campaigns import services as wf
        from campuseval.campaigns.models import Campaign

        city_admin = self.users[CITY_USERNAME]
        campaign = Campaign.objects.filter(city=self.city, name=CAMPAIGN_A).first()
        dates = {
            "opens_at": self._day(-3),
            "application_deadline": self._day(30),
            "county_review_deadline": self._day(60),
            "city_review_deadline": self._day(90),
            "publication_deadline": self._day(120),
        }
        if campaign is None:
            return wf.campaign_open(
                by=city_admin, city=self.city, year=self.now.year, name=CAMPAIGN_A, rubric=self.rubric,
                experts_per_application=1, **dates,
            )
        if campaign.application_deadline < self._day(7) or campaign.opens_at > self.now:
            campaign = wf.campaign_update(by=city_admin, campaign=campaign, history=True, **dates)
        return campaign

    def campaign_b(self) -> Any:
        """In its city review, with the expert's assignments."""
        from campuseval.campaigns import services as wf
        from campuseval.campaigns.models import Campaign

        city_admin = self.users[CITY_USERNAME]
        campaign = Campaign.objects.filter(city=self.city, name=CAMPAIGN_B).first()
        if campaign is None:
            campaign = wf.campaign_open(
                by=city_admin, city=self.city, year=self.now.year, name=CAMPAIGN_B, rubric=self.rubric,
                experts_per_application=1,
                opens_at=self._day(-20), application_deadline=self._day(1 / 24),
                county_review_deadline=self._day(2 / 24), city_review_deadline=self._day(60),
                publication_deadline=self._day(90),
            )
            for n in range(1, EXPERT_SCHOOLS + 1):
                application = self._submitted(campaign, n)
                county = self.users[county_username(1 + (n - 1) % 2)]
                wf.application_recommend(by=county, application=application, recommend=True, note="压测：同意推荐")
            campaign = wf.campaign_update(
                by=city_admin, campaign=campaign, history=True,
                application_deadline=self._day(-2), county_review_deadline=self._day(-1),
            )
        elif campaign.city_review_deadline < self._day(7):
            campaign = wf.campaign_update(
                by=city_admin, campaign=campaign, history=True,
                city_review_deadline=self._day(60), publication_deadline=self._day(90),
            )
        return campaign

    def _submitted(self, campaign: Any, n: int) -> Any:
        """Review school ``n``'s application in the campaign, fully self-assessed and submitted."""
        from campuseval.campaigns import services as wf
        from campuseval.campaigns.models import Application, Status

        school = self.schools_by_code[school_code(n, True)]
        user = self.users[review_username(n)]
        application = Application.objects.filter(campaign=campaign, school=school).first()
        if application is None:
            application = wf.application_create(by=user, campaign=campaign, school=school)
        if application.status in (Status.DRAFT, Status.RETURNED):
            wf.self_scores_save(by=user, application=application, scores=_with_versions(application, _baseline_scores(self.engine)))
            application.refresh_from_db()
            if not application.applied_tier:
                application = wf.application_update(
                    by=user, application=application, expected_version=application.version,
                    applied_tier=campaign.tier_names[-1],
                )
            application = wf.application_submit(by=user, application=application)
        return application

    # --- the plan -------------------------------------------------------------------------

    def plan(self, a: Any, b: Any) -> Plan:
        from campuseval.campaigns import services as wf
        from campuseval.campaigns.models import Application, ExpertAssignment, Status

        plan = Plan(password=LOAD_PASSWORD, campaign_a=a.pk, campaign_b=b.pk)
        baseline = _baseline_scores(self.engine)
        for n in range(1, self.n + 1):
            school = self.schools_by_code[school_code(n)]
            user = self.users[school_username(n)]
            application = Application.objects.filter(campaign=a, school=school).first()
            if application is None:
                application = wf.application_create(by=user, campaign=a, school=school)
                wf.self_scores_save(by=user, application=application, scores=baseline)
            if application.status != Status.DRAFT:
                raise SetupRefused(f"{school} 的压测申报状态为“{application.get_status_display()}”，应为草稿")
            plan.schools.append({"username": user.username, "application": application.pk, "school": school.code})
        reviewed: dict[int, list[int]] = {1: [], 2: []}
        for n in range(1, REVIEW_SCHOOLS + 1):
            application = self._submitted(a, n)
            reviewed[1 + (n - 1) % 2].append(application.pk)
        for k in (1, 2):
            plan.counties.append({"username": county_username(k), "applications": reviewed[k]})

        expert = self.users[EXPERT_USERNAME]
        city_admin = self.users[CITY_USERNAME]
        for application in Application.objects.filter(campaign=b).order_by("pk"):
            if application.status == Status.RECOMMENDED:
                wf.expert_assign(by=city_admin, application=application, expert=expert)
        assignments = ExpertAssignment.objects.filter(application__campaign=b, expert=expert, submitted_at=None)
        plan.expert = {"username": expert.username, "assignments": list(assignments.order_by("pk").values_list("pk", flat=True))}
        return plan


def setup(*, schools: int = 200) -> Plan:
    """Create or reuse the load test's data for ``schools`` simulated schools; return the plan.

    Django must be set up (``bench/load_test.py`` does it) against the production database.
    """
    from django.db import transaction
    from django.utils import timezone

    from campuseval.audit.context import Actor, acting_as

    with acting_as(Actor(None, ACTOR_NAME, None)), transaction.atomic():
        work = _Setup(schools, timezone.now())
        work.regions()
        work.schools()
        work.accounts()
        a = work.campaign_a()
        b = work.campaign_b()
        return work.plan(a, b)
