"""The world the permission matrix runs in: the shared cast, plus one object of each kind in
scope and out of scope, at one moment of the campaign (the city review, see ``World``).

Three places matter for every scoped object:

- ``in``: school A's (county A of 滁州市): seen by the city administrator, the county
  administrator of A, school A's user, the observer of the city, and the expert assigned to it;
- ``sib``: school B's (county B of the same city): in the city's scope, outside county A's and
  school A's (and outside the expert's: another expert reviews it);
- ``out``: 瑶海区 of 合肥市 (another city): outside everybody's scope but the platform
  administrator's.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import struct
import zlib
from dataclasses import dataclass, field
from typing import Any

from django.core.files.base import ContentFile

from tests.campaigns.conftest import START, Clock
from tests.conftest import Cast, _user

# The roles of the matrix, in the order of its tables; "anonymous" is no log-in at all.
ROLES = (
    "platform_admin",
    "city_admin",
    "county_admin_a",
    "school_user_a",
    "school_user_b",
    "expert",
    "observer",
    "department_user",
    "outsider",
    "anonymous",
)

CODE = "1.1.1"  # an indicator of the Taizhou 2022 rubric, for the per-indicator routes
YEAR = 2022


def png_bytes() -> bytes:
    """A real 1x1 PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00"))
        + chunk(b"IEND", b"")
    )


@dataclass
class World:
    """Every object the matrix addresses, by place (``in``, ``sib``, ``out``)."""

    cast: Cast
    clock: Clock
    campaign: Any  # 滁州市, Taizhou 2022: at its city review while the matrix runs
    other_campaign: Any  # 合肥市, same dates
    published: Any  # 滁州市, 2021: published (the results pages)
    applications: dict[str, Any]
    # in: the cast's expert's; sib: another expert's of 滁州市; out: an expert's of 合肥市
    assignments: dict[str, Any]
    evidence: dict[str, Any]
    links: dict[str, Any]
    schools: dict[str, Any]
    counties: dict[str, Any]
    audit_seqs: dict[str, int]
    users: dict[str, Any]  # in: school A's user account; out: 合肥市's city administrator
    roles: dict[str, Any]  # the role assignment of each of those accounts
    jobs: dict[str, Any]  # in: the platform administrator's import; out: someone else's
    notifications: dict[str, Any] = field(default_factory=dict)  # per matrix role, and "out"
    sessions: dict[str, str] = field(default_factory=dict)  # role → session key, once logged in
    plans: dict[str, Any] = field(default_factory=dict)  # in: 滁州市's published plan; out: 合肥市's
    # What hangs on each plan: a reported KPI, a progress report on it waiting for a decision,
    # and a construction task (in: 琅琊区's teaching point; out: 瑶海区's school).
    plan_targets: dict[str, Any] = field(default_factory=dict)
    plan_reports: dict[str, Any] = field(default_factory=dict)
    plan_tasks: dict[str, Any] = field(default_factory=dict)
    # A finished bulk export (in: the city administrator's; out: 合肥市's administrator's).
    export_jobs: dict[str, Any] = field(default_factory=dict)
    # The certificates of last year's campaign (in: school A's, sib: school B's).
    certificates: dict[str, Any] = field(default_factory=dict)
    # An objection to each campaign's 公示 (written directly: the matrix needs the object, not its workflow).
    objections: dict[str, Any] = field(default_factory=dict)

    def user(self, role: str) -> Any:
        return None if role == "anonymous" else getattr(self.cast, role)


def _campaign(
    cast: Cast, rubric: Any, *, by: Any, city: Any, year: int, shift: dt.timedelta = dt.timedelta(0)
) -> Any:
    from campuseval.campaigns.services import campaign_open

    return campaign_open(
        by=by,
        city=city,
        year=year,
        name=f"{year}年{city.name}智慧校园创建",
        rubric=rubric,
        opens_at=START - dt.timedelta(days=1) + shift,
        application_deadline=dt.datetime(2022, 8, 1, 23, 59, tzinfo=dt.UTC) + shift,
        county_review_deadline=dt.datetime(2022, 8, 31, 23, 59, tzinfo=dt.UTC) + shift,
        city_review_deadline=dt.datetime(2022, 9, 30, 23, 59, tzinfo=dt.UTC) + shift,
        publication_deadline=dt.datetime(2022, 10, 15, 23, 59, tzinfo=dt.UTC) + shift,
    )


def _submitted(campaign: Any, school: Any, by: Any) -> Any:
    """An application at full marks, submitted."""
    from campuseval.campaigns import services as s

    app = s.application_create(by=by, campaign=campaign, school=school)
    app = s.application_update(
        by=by, application=app, expected_version=app.version, applied_tier="合格型"
    )
    rubric = campaign.rubric.engine_rubric()
    s.self_scores_save(
        by=by,
        application=app,
        scores=[
            s.ScoreInput(i.code, i.points, True if i.has_clause else None, expected_version=0)
            for i in rubric.indicators
        ],
    )
    return s.application_submit(by=by, application=app)


def _evidence(school: Any, application: Any, by: Any) -> tuple[Any, Any]:
    """A PNG file stored for the school and linked to the application's first indicator."""
    from campuseval.evidence.models import EvidenceItem, EvidenceLink

    data = png_bytes()
    item = EvidenceItem.objects.create(
        school=school,
        kind=EvidenceItem.Kind.FILE,
        title=f"{school.name}网络拓扑图",
        file=ContentFile(data, name="topology.png"),
        original_name="topology.png",
        content_type="image/png",
        size=len(data),
        sha256=hashlib.sha256(data + school.code.encode()).hexdigest(),
        created_by=by,
    )
    link = EvidenceLink.objects.create(evidence=item, application=application, code=CODE)
    return item, link


def _plan(region: Any, by: Any, school: Any, lead: Any = None) -> tuple[Any, Any, Any, Any]:
    """A published plan of the city with one construction-task target (its 任务分解表) and one
    reported KPI; a progress report on the KPI waiting for a decision, and a school's task."""
    from decimal import Decimal

    from campuseval.plans import services as ps
    from campuseval.plans.models import Target

    plan = ps.plan_create(by=by, region=region, title=f"{region.name}智慧学校建设规划", start_year=2022, end_year=2023)
    ps.target_add(
        by=by, plan=plan, text="教学点智慧课堂", kind=Target.Kind.COUNT, measure=Target.Measure.TASKS,
        category="教学点智慧课堂", year=2023, due=dt.date(2023, 12, 31), value=Decimal(1), unit="个",
    )
    kpi = ps.target_add(
        by=by, plan=plan, project="师生信息素养提升工程", text="培养首席信息官", kind=Target.Kind.KPI,
        measure=Target.Measure.REPORTED, year=2023, due=dt.date(2023, 12, 31), value=Decimal(100), unit="名",
        lead=lead,
    )
    task = ps.task_add(by=by, plan=plan, school=school, category="教学点智慧课堂", year=2023)
    plan = ps.plan_publish(by=by, plan=plan)
    report = ps.report_submit(by=by, target=kpi, as_of=dt.date(2022, 6, 30), value=Decimal(10))
    return plan, kpi, report, task


def build_world(cast: Cast, clock: Clock) -> World:
    """Walk the campaigns to their city review through the services, then add the rest."""
    from campuseval.accounts.models import RoleAssignment
    from campuseval.audit.models import AuditRecord
    from campuseval.campaigns import services as s
    from campuseval.imports.models import ImportJob
    from campuseval.notifications.models import Notification
    from campuseval.notifications.services import notify
    from campuseval.regions.services import facts_save
    from campuseval.rubrics.models import Rubric
    from campuseval.rubrics.services import rubrics_load_shipped

    rubrics_load_shipped()
    taizhou = Rubric.objects.get(code="taizhou-2022")

    # Accounts of 合肥市 (nobody of the matrix) and a second expert of 滁州市 from county A.
    other_admin = _user("cityadmin_hf", "city_admin", region=cast.other_city)
    other_expert = _user("expert_hf", "expert", region=cast.other_city)
    expert_a = _user("expert_a", "expert", region=cast.city)
    expert_a.home_county = cast.county_a
    expert_a.save(update_fields=["home_county"])

    # A campaign published last year (results pages), then this year's two campaigns.
    published = _campaign(
        cast, taizhou, by=cast.city_admin, city=cast.city, year=2021, shift=-dt.timedelta(days=365)
    )
    # Schools A and B certified last year (written directly: the matrix needs the certificates).
    from campuseval.campaigns.models import Application

    for school, tier in ((cast.school_a, "示范型"), (cast.school_b, "合格型")):
        Application.objects.create(
            campaign=published, school=school, status="decided", applied_tier=tier, decided_tier=tier,
            decided_by=cast.city_admin, decided_at=published.city_review_deadline,
        )
    clock.at(START - dt.timedelta(days=200))
    s.campaign_publish(by=cast.city_admin, campaign=published)

    clock.at(START)
    campaign = _campaign(cast, taizhou, by=cast.city_admin, city=cast.city, year=YEAR)
    other_campaign = _campaign(cast, taizhou, by=other_admin, city=cast.other_city, year=YEAR)

    clock.stage(campaign, "application")
    app_a = _submitted(campaign, cast.school_a, cast.school_user_a)
    app_b = _submitted(campaign, cast.school_b, cast.school_user_b)
    app_other = _submitted(other_campaign, cast.school_other, other_admin)
    evidence, links = {}, {}
    for place, school, app, by in (
        ("in", cast.school_a, app_a, cast.school_user_a),
        ("sib", cast.school_b, app_b, cast.school_user_b),
        ("out", cast.school_other, app_other, other_admin),
    ):
        evidence[place], links[place] = _evidence(school, app, by)
        facts_save(
            school=school, year=YEAR, values={"classes": 12, "students": 480, "teachers": 30}
        )

    clock.stage(campaign, "county_review")
    # The service leaves the role to the view: the county administrator of A acts for every
    # county here, only to bring the applications to the city review.
    app_a, app_b, app_other = (
        s.application_recommend(by=cast.county_admin_a, application=app, recommend=True)
        for app in (app_a, app_b, app_other)
    )

    clock.stage(campaign, "city_review")
    assignments = {
        "in": s.expert_assign(by=cast.city_admin, application=app_a, expert=cast.expert),
        "sib": s.expert_assign(by=cast.city_admin, application=app_b, expert=expert_a),
        "out": s.expert_assign(by=other_admin, application=app_other, expert=other_expert),
    }

    users = {"in": cast.school_user_a, "out": other_admin}
    roles = {place: RoleAssignment.objects.get(user=user) for place, user in users.items()}

    job_fields = dict(
        kind=ImportJob.Kind.REGIONS,
        file="imports/matrix.xlsx",  # never read: the errors are of the file as a whole
        original_name="行政区域.xlsx",
        status=ImportJob.Status.INVALID,
        errors=[{"row": 0, "column": "", "header": "", "message": "工作表为空"}],
    )
    jobs = {
        "in": ImportJob.objects.create(created_by=cast.platform_admin, **job_fields),
        "out": ImportJob.objects.create(created_by=other_admin, **job_fields),
    }

    world = World(
        cast=cast,
        clock=clock,
        campaign=campaign,
        other_campaign=other_campaign,
        published=published,
        applications={place: a.application for place, a in assignments.items()},
        assignments=assignments,
        evidence=evidence,
        links=links,
        schools={"in": cast.school_a, "sib": cast.school_b, "out": cast.school_other},
        counties={"in": cast.county_a, "sib": cast.county_b, "out": cast.other_county},
        audit_seqs={
            place: AuditRecord.objects.filter(region_code=county.code)
            .order_by("seq")
            .values_list("seq", flat=True)[0]
            for place, county in (
                ("in", cast.county_a),
                ("sib", cast.county_b),
                ("out", cast.other_county),
            )
        },
        users=users,
        roles=roles,
        jobs=jobs,
    )
    # 滁州市's 装备信息中心 leads the KPI of 滁州市's plan; its 处室用户 is a column of the matrix.
    from campuseval.regions.models import Department

    department = Department.objects.create(region=cast.city, name="装备信息中心")
    cast.department_user = _user("chushi_matrix", "department_user", department=department)  # type: ignore[attr-defined]
    for place, region, by, school, lead in (
        ("in", cast.city, cast.city_admin, cast.teaching_point_a, department),
        ("out", cast.other_city, other_admin, cast.school_other, None),
    ):
        (
            world.plans[place], world.plan_targets[place], world.plan_reports[place], world.plan_tasks[place]
        ) = _plan(region, by, school, lead)
    from django.core.files.base import ContentFile

    from campuseval.exportjobs.models import ExportJob

    for place, by, export_campaign in (("in", cast.city_admin, published), ("out", other_admin, other_campaign)):
        export = ExportJob(kind="certificates", campaign=export_campaign, created_by=by, status="done",
                           file_name="证书.zip", total=0, expires_at=clock.now + dt.timedelta(days=1))
        export.file.save(f"matrix-{place}.zip", ContentFile(b"PK\x05\x06" + bytes(18)), save=True)
        world.export_jobs[place] = export
    from campuseval.certificates.models import Certificate

    for place, school in (("in", cast.school_a), ("sib", cast.school_b)):
        world.certificates[place] = Certificate.objects.get(campaign=published, application__school=school)
    from campuseval.campaigns.models import Objection

    for place, by in (("in", cast.city_admin), ("out", other_admin)):
        application = world.applications[place]
        world.objections[place] = Objection.objects.create(
            campaign=application.campaign, application=application, submitter="某家长", text="对认定有异议",
            received_on=application.campaign.opens_at.date(), recorded_by=by,
        )
    for role in (*ROLES[:-1], "out"):
        user = other_admin if role == "out" else getattr(cast, role)
        notify(
            [user],
            kind="matrix",
            message=f"给{user.username}的通知",
            url="/inbox/",
            dedupe_key=f"matrix-{role}",
        )
        world.notifications[role] = Notification.objects.get(user=user, dedupe_key=f"matrix-{role}")
    return world
