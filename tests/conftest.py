"""The shared cast: a small region tree, schools in and out of scope, and one user per role.

滁州市 (city) has counties A 琅琊区 and B 南谯区; 合肥市 is another city with county 瑶海区.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import pytest

os.environ.setdefault("CAMPUSEVAL_TESTING", "1")

PASSWORD = "Demo-Passw0rd!"


@dataclass
class Cast:
    province: object
    city: object
    county_a: object
    county_b: object
    other_city: object
    other_county: object
    school_a: object
    school_b: object
    teaching_point_a: object
    school_other: object
    platform_admin: object
    city_admin: object
    county_admin_a: object
    school_user_a: object
    school_user_b: object
    expert: object
    observer: object
    outsider: object


def _school(code, name, county, stage="小学", location="urban", central=None):
    from campuseval.regions.models import School

    return School.objects.create(
        code=code, name=name, stage=stage, location=location, county=county, central_school=central
    )


def _user(username, role=None, **place):
    from campuseval.accounts.models import RoleAssignment, User

    user = User.objects.create_user(username=username, password=PASSWORD, full_name=f"测试{username}")
    if role:
        RoleAssignment.objects.create(user=user, role=role, **place)
    return user


@pytest.fixture
def cast(db) -> Cast:
    from campuseval.regions.models import Region

    province = Region.objects.create(code="340000", name="安徽省", level="province")
    city = Region.objects.create(code="341100", name="滁州市", level="city", parent=province)
    county_a = Region.objects.create(code="341102", name="琅琊区", level="county", parent=city)
    county_b = Region.objects.create(code="341103", name="南谯区", level="county", parent=city)
    other_city = Region.objects.create(code="340100", name="合肥市", level="city", parent=province)
    other_county = Region.objects.create(code="340102", name="瑶海区", level="county", parent=other_city)
    school_a = _school("2134000001", "琅琊区示例第一小学", county_a)
    school_b = _school("2134000002", "南谯区示例第一小学", county_b, location="rural")
    tp_a = _school("2134000003", "琅琊区示例教学点", county_a, stage="教学点", location="rural", central=school_a)
    school_other = _school("2134000004", "瑶海区示例第一小学", other_county)
    expert = _user("expert", "expert", region=city)
    expert.home_county = county_b
    expert.save()
    return Cast(
        province=province,
        city=city,
        county_a=county_a,
        county_b=county_b,
        other_city=other_city,
        other_county=other_county,
        school_a=school_a,
        school_b=school_b,
        teaching_point_a=tp_a,
        school_other=school_other,
        platform_admin=_user("platform", "platform_admin"),
        city_admin=_user("cityadmin", "city_admin", region=city),
        county_admin_a=_user("countya", "county_admin", region=county_a),
        school_user_a=_user("schoola", "school_user", school=school_a),
        school_user_b=_user("schoolb", "school_user", school=school_b),
        expert=expert,
        observer=_user("observer", "observer", region=city),
        outsider=_user("outsider"),
    )


# The browser fixtures are defined once, here, so that one Playwright session serves every
# module that drives a browser.
from tests.browser import browser, shots  # noqa: E402,F401
