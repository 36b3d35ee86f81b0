"""Write a demo spec into an empty database, in one transaction, with its audit records.

Regions, schools and facts go through the same bulk import services as an uploaded file, so
they are validated and audited alike (one create record per object). Accounts are written here
in bulk: ``user_create`` hashes each password (PBKDF2, about half a second each), which would
take minutes for 584 accounts that share one demo password.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace

from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.db import models, transaction

from campuseval.accounts.models import RoleAssignment, User
from campuseval.accounts.services import USER_FIELDS
from campuseval.audit.context import Actor, acting_as
from campuseval.audit.services import Entry, audit_append, entry_for, snapshot
from campuseval.regions.models import Region, School
from campuseval.regions.services import facts_import, regions_import, schools_import

from .campaigns import CampaignSummary, demo_campaigns_create
from .generate import CITY, DemoSpec
from .plans import PlanSummary, demo_plans_create

DEMO_ACTOR = Actor(None, "演示数据（campuseval demo）", None)
START_OVER = (
    "要重新开始：删除数据库文件（默认 var/campuseval.sqlite3）或换一个空数据库（DATABASE_URL），"
    "然后运行 campuseval migrate 和 campuseval demo。"
)


class DemoRefused(Exception):
    """The database already holds data that the demo would clash with."""


@dataclass(frozen=True)
class DemoResult:
    regions: int
    schools: int
    facts: int
    users: int
    roles: int
    campaigns: tuple[CampaignSummary, ...] = ()
    plans: tuple[PlanSummary, ...] = ()


def demo_refusal(spec: DemoSpec) -> str | None:
    """Why the spec cannot be written here, or None when the database is empty enough."""
    if School.objects.exists() or Region.objects.exists():
        return "数据库中已有行政区域或学校；演示数据只写入空数据库。"
    taken = User.objects.filter(username__in=[a.username for a in spec.accounts])
    if taken.exists():
        names = ", ".join(taken.values_list("username", flat=True)[:5])
        return f"数据库中已有演示账号使用的用户名（{names}）；演示数据只写入空数据库。"
    return None


@transaction.atomic
def demo_create(*, spec: DemoSpec, password: str, campaigns: bool = True) -> DemoResult:
    """Create the spec's regions, schools, facts and accounts; every account gets ``password``.

    With ``campaigns``, then one campaign at each stage of the workflow (demo/campaigns.py).

    Raise DemoRefused when the database is not empty, and ValidationError when the password
    breaks the password rules. Demo accounts need not change the password at first log-in.
    """
    refusal = demo_refusal(spec)
    if refusal:
        raise DemoRefused(f"{refusal}{START_OVER}")
    validate_password(password)
    with acting_as(DEMO_ACTOR):
        audit_append([_run_entry(spec)])
        regions_import(
            rows=[
                {
                    "code": r.code,
                    "name": r.name,
                    "level": r.level,
                    "parent_code": r.parent_code or "",
                }
                for r in spec.regions
            ]
        )
        schools_import(
            rows=[
                {
                    "code": s.code,
                    "name": s.name,
                    "stage": s.stage,
                    "location": s.location,
                    "county_code": s.county_code,
                    "central_school_code": s.central_code or "",
                    "address": s.address,
                    "head_name": s.head_name,
                    "contact_name": s.contact_name,
                    "contact_phone": s.contact_phone,
                }
                for s in spec.schools
            ]
        )
        facts_import(
            rows=[
                {"school_code": s.code, "year": spec.year, "values": asdict(s.facts)}
                for s in spec.schools
            ]
        )
        users, roles = _accounts_create(spec, password)
        summaries = demo_campaigns_create(seed=spec.seed, year=spec.year) if campaigns else []
        plans = (
            demo_plans_create(
                city=Region.objects.get(code=CITY[0]), by=User.objects.get(username="city"), seed=spec.seed
            )
            if campaigns
            else []
        )
    return DemoResult(
        regions=len(spec.regions),
        schools=len(spec.schools),
        facts=len(spec.schools),
        users=len(users),
        roles=len(roles),
        campaigns=tuple(summaries),
        plans=tuple(plans),
    )


def _run_entry(spec: DemoSpec) -> Entry:
    """One record for the run as a whole; each object it creates gets its own record."""
    stages = Counter(s.stage for s in spec.schools)
    return Entry(
        action="import",
        object_type="demo.dataset",
        object_repr=f"演示数据：滁州市（seed {spec.seed}，{spec.year} 年）",
        region_code=CITY[0],
        after={
            "seed": spec.seed,
            "year": spec.year,
            "regions": len(spec.regions),
            "schools": len(spec.schools),
            "stages": dict(sorted(stages.items())),
            "accounts": len(spec.accounts),
        },
    )


def _clean(objects: Sequence[models.Model], exclude: list[str]) -> None:
    # Foreign keys point at rows just created and usernames are unique in the spec (checked
    # by demo_refusal against the database): skip the checks that cost a query per row.
    for obj in objects:
        obj.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)


def _accounts_create(spec: DemoSpec, password: str) -> tuple[list[User], list[RoleAssignment]]:
    regions = Region.objects.in_bulk(field_name="code")
    schools = School.objects.select_related("county").in_bulk(field_name="code")
    hashed = make_password(password)  # one hash for all: they share the password
    users = [
        User(
            username=a.username,
            full_name=a.full_name,
            phone=a.phone,
            password=hashed,
            must_change_password=False,
            home_county=regions[a.home_county_code] if a.home_county_code else None,
        )
        for a in spec.accounts
    ]
    _clean(users, exclude=["home_county"])
    User.objects.bulk_create(users, batch_size=500)
    roles = [
        RoleAssignment(
            user=user,
            role=a.role,
            region=regions[a.region_code] if a.region_code else None,
            school=schools[a.school_code] if a.school_code else None,
        )
        for user, a in zip(users, spec.accounts, strict=True)
    ]
    _clean(roles, exclude=["user", "region", "school"])
    RoleAssignment.objects.bulk_create(roles, batch_size=500)

    entries: list[Entry] = []
    for user, role in zip(users, roles, strict=True):
        code = role.region.code if role.region else role.school.county.code if role.school else ""
        entries.append(
            entry_for("create", user, after=snapshot(user, USER_FIELDS), region_code=code)
        )
        # As accounts.services does: name the account, not only the role and its place.
        entry = entry_for("create", role, after=snapshot(role), region_code=code)
        entries.append(replace(entry, object_repr=f"{user} · {role}"[:200]))
    audit_append(entries)
    return users, roles
