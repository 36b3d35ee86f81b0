"""`campuseval demo`: the demo city written into an empty database."""

from __future__ import annotations

import io
import re
from collections import Counter

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Count, Q

from campuseval.accounts.models import RoleAssignment, User
from campuseval.audit.models import AuditRecord
from campuseval.audit.services import verify_chain
from campuseval.demodata.generate import DEFAULT_PASSWORD, generate_demo
from campuseval.regions.models import Region, School, SchoolFacts

from .test_generate import CHUZHOU, TEACHING_POINTS

TP = School.Stage.TEACHING_POINT


def demo(*args: str) -> str:
    out = io.StringIO()
    call_command("demo", "--no-campaigns", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def built(db):
    """The demo city for the default seed; returns what the command printed."""
    return demo()


def test_it_creates_chuzhou_and_its_eight_counties(built):
    city = Region.objects.get(code="341100")
    counties = Region.objects.filter(level="county").order_by("code")

    assert (city.name, city.level, city.parent.code, city.parent.name) == (
        "滁州市",
        "city",
        "340000",
        "安徽省",
    )
    assert {c.code: c.name for c in counties} == CHUZHOU
    assert all(c.parent_id == city.pk for c in counties)


def test_it_has_494_schools_of_which_175_rural_besides_67_teaching_points(built):
    schools = School.objects.exclude(stage=TP)

    assert schools.count() == 494
    assert schools.filter(location="rural").count() == 175
    assert School.objects.filter(stage=TP).count() == 67


def test_it_attaches_teaching_points_per_county_to_central_schools_there(built):
    per_county = dict(
        Region.objects.filter(level="county")
        .annotate(n=Count("schools", filter=Q(schools__stage=TP)))
        .values_list("code", "n")
    )

    assert per_county == TEACHING_POINTS
    for point in School.objects.filter(stage=TP).select_related("central_school"):
        assert point.central_school.county_id == point.county_id
        assert point.central_school.stage in ("小学", "九年一贯制")
        assert point.central_school.location == "rural"
    assert not School.objects.exclude(stage=TP).filter(central_school__isnull=False).exists()


def test_every_school_and_facts_row_passes_full_clean(built):
    schools = School.objects.select_related("county__parent", "central_school")
    for school in schools:
        school.full_clean()
    for facts in SchoolFacts.objects.select_related("school")[:60]:
        facts.full_clean()
    assert SchoolFacts.objects.filter(year=2022).count() == 561
    assert len({s.code for s in schools}) == 561


def test_it_creates_accounts_for_every_role(built):
    roles = Counter(RoleAssignment.objects.values_list("role", flat=True))

    assert roles == {
        "platform_admin": 1,
        "city_admin": 1,
        "county_admin": 8,
        "school_user": 561,
        "expert": 12,
        "observer": 1,
    }
    assert not User.objects.filter(must_change_password=True).exists()
    assert not School.objects.exclude(
        code__in=[
            u.removeprefix("school-") for u in User.objects.values_list("username", flat=True)
        ]
    ).exists()
    for county in CHUZHOU:
        assert RoleAssignment.objects.get(user__username=f"county-{county}").region.code == county
    for assignment in RoleAssignment.objects.select_related("region", "school")[:40]:
        assignment.full_clean()


def test_experts_have_home_counties_and_a_role_in_the_city(built):
    experts = User.objects.filter(username__startswith="expert").select_related("home_county")

    assert [e.username for e in experts] == [f"expert{n:02d}" for n in range(1, 13)]
    assert {e.home_county.code for e in experts} == set(CHUZHOU)
    assert all(e.roles.get().region.code == "341100" for e in experts)


def test_every_role_can_log_in_with_the_demo_password(built, client):
    school = School.objects.exclude(stage=TP).first()
    point = School.objects.filter(stage=TP).first()
    usernames = ["admin", "city", "county-341126", "expert01", "observer"]
    usernames += [f"school-{school.code}", f"school-{point.code}"]

    for username in usernames:
        response = client.post(
            "/accounts/login/", {"username": username, "password": DEFAULT_PASSWORD}
        )

        assert response.status_code == 302, username
        assert response["Location"] == "/todo/", username  # their own work, not the forced password change
        client.logout()


def test_it_prints_counts_accounts_password_and_url(built):
    assert "494" in built and "175" in built and "67" in built
    for name in CHUZHOU.values():
        assert name in built
    for username in (
        "admin",
        "city",
        "county-341102",
        "school-",
        "expert01",
        "expert12",
        "observer",
    ):
        assert username in built
    assert DEFAULT_PASSWORD in built
    assert "首次登录无需修改密码" in built
    assert "http://127.0.0.1:8000/accounts/login/" in built


def test_it_leaves_an_audit_record_for_the_run_and_for_each_object(built):
    records = AuditRecord.objects.all()
    objects = 10 + 561 + 561 + 584 + 584

    assert records.count() == 1 + objects
    run = records.get(action="import")
    assert run.object_type == "demo.dataset"
    assert run.after["schools"] == 561 and run.after["seed"] == 4
    created = Counter(records.filter(action="create").values_list("object_type", flat=True))
    assert created == {
        "regions.region": 10,
        "regions.school": 561,
        "regions.schoolfacts": 561,
        "accounts.user": 584,
        "accounts.roleassignment": 584,
    }
    role = records.get(
        object_type="accounts.roleassignment", object_repr__endswith="县级管理员 · 琅琊区"
    )
    assert role.region_code == "341102"
    assert all(r.actor_name.startswith("演示数据") for r in records)
    assert not any("password" in (r.after or {}) for r in records)
    assert verify_chain()[1] == []


def test_it_uses_only_fictitious_phone_numbers(built):
    phones = list(School.objects.values_list("contact_phone", flat=True))
    phones += list(User.objects.values_list("phone", flat=True))

    assert all(re.fullmatch(r"0550-00\d{5}", p) for p in phones)


def test_it_refuses_a_database_that_already_has_schools(built):
    with pytest.raises(CommandError, match="空数据库.*要重新开始"):
        demo("--seed", "5")

    assert School.objects.count() == 561


def test_it_refuses_a_database_that_has_a_region(db):
    Region.objects.create(code="340000", name="安徽省", level="province")

    with pytest.raises(CommandError, match="已有行政区域或学校"):
        demo()
    assert not User.objects.exists()


def test_it_refuses_when_a_demo_username_is_taken(db):
    User.objects.create_user(username="admin", password=DEFAULT_PASSWORD)

    with pytest.raises(CommandError, match="admin"):
        demo()
    assert not School.objects.exists()


def test_if_empty_skips_a_database_that_is_not_empty(built):
    out = demo("--if-empty")

    assert "未生成演示数据" in out
    assert School.objects.count() == 561
    # `make run` again still tells how to log in.
    assert "演示账号（密码为 Demo-2022-campus，除非已修改）" in out
    assert "county-341125（定远县）" in out


def test_it_refuses_a_password_that_breaks_the_rules_and_writes_nothing(db):
    with pytest.raises(CommandError, match="密码"):
        demo("--password", "short")

    assert not Region.objects.exists() and not User.objects.exists()
    assert not AuditRecord.objects.exists()


def test_it_accepts_a_seed_a_year_and_a_password(db, client):
    demo("--seed", "11", "--year", "2021", "--password", "Another-Demo-9")

    assert SchoolFacts.objects.filter(year=2021).count() == 561
    assert (
        client.post(
            "/accounts/login/", {"username": "city", "password": "Another-Demo-9"}
        ).status_code
        == 302
    )


class Rollback(Exception):
    pass


SCHOOL_FIELDS = ("code", "name", "stage", "location", "county__code", "central_school__code")
SCHOOL_FIELDS += ("address", "head_name", "contact_name", "contact_phone")


def written(seed: str):
    """Build the demo for ``seed`` in a transaction that is then rolled back; what was written."""
    try:
        with transaction.atomic():
            demo("--seed", seed)
            snapshot = (
                list(School.objects.order_by("code").values_list(*SCHOOL_FIELDS)),
                list(SchoolFacts.objects.order_by("school__code").values()),
                list(
                    User.objects.order_by("username").values_list(
                        "username", "full_name", "phone", "home_county__code"
                    )
                ),
                list(
                    RoleAssignment.objects.order_by("user__username").values_list(
                        "user__username", "role", "region__code", "school__code"
                    )
                ),
            )
            raise Rollback
    except Rollback:
        return snapshot


def _without_ids(facts):
    return [{k: v for k, v in row.items() if k not in ("id", "school_id")} for row in facts]


def test_the_same_seed_writes_the_same_data(db):
    first, second, other = written("3"), written("3"), written("9")

    assert first[0] == second[0] and first[2:] == second[2:]
    assert _without_ids(first[1]) == _without_ids(second[1])
    assert first[0] != other[0]


def test_what_it_writes_is_the_plan(built):
    spec = generate_demo()
    written_schools = dict(School.objects.values_list("code", "name"))

    assert written_schools == {s.code: s.name for s in spec.schools}
    facts = SchoolFacts.objects.get(school__code=spec.schools[0].code)
    assert facts.students == spec.schools[0].facts.students
    assert facts.wireless_coverage_pct == spec.schools[0].facts.wireless_coverage_pct
