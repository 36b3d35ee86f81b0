"""Facts per year: added and changed by those who may change the school, checked, recorded."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from campuseval.audit.models import AuditRecord
from campuseval.regions.models import SchoolFacts

from .conftest import login

pytestmark = pytest.mark.django_db


def _new(school):
    return reverse("regions:facts_create", args=[school.code])


def _edit(school, year):
    return reverse("regions:facts_edit", args=[school.code, year])


def test_it_adds_a_years_facts(client, cast):
    response = login(client, cast.county_admin_a).post(
        _new(cast.school_a), {"year": 2024, "students": 720, "student_computers": 90, "wireless_coverage_pct": "95.5"}
    )

    assert response.status_code == 302
    facts = SchoolFacts.objects.get(school=cast.school_a, year=2024)
    assert (facts.students, facts.wireless_coverage_pct, facts.teachers) == (720, Decimal("95.5"), None)
    record = AuditRecord.objects.get(object_type="regions.schoolfacts")
    assert record.action == "create"
    assert record.region_code == "341102"
    assert record.after["students"] == 720


def test_it_lets_a_school_user_add_the_own_schools_facts(client, cast):
    response = login(client, cast.school_user_a).post(_new(cast.school_a), {"year": 2024, "teachers": 40})

    assert response.status_code == 302
    assert SchoolFacts.objects.get(school=cast.school_a).teachers == 40


def test_it_explains_bad_values_and_saves_nothing(client, cast):
    response = login(client, cast.county_admin_a).post(
        _new(cast.school_a),
        {"year": 1999, "students": -1, "classrooms": 10, "multimedia_classrooms": 12, "wireless_coverage_pct": "120"},
    )

    errors = response.context["form"].errors
    assert errors["year"] == ["确保该值大于或等于2000。"]
    assert errors["students"] == ["确保该值大于或等于0。"]
    assert errors["multimedia_classrooms"] == ["配备多媒体的教室数不能多于普通教室数"]
    assert errors["wireless_coverage_pct"] == ["无线网络覆盖率（%）应在 0 到 100 之间"]
    assert not SchoolFacts.objects.exists()


def test_it_refuses_a_second_row_for_the_same_year(client, cast):
    SchoolFacts.objects.create(school=cast.school_a, year=2024, students=1)

    response = login(client, cast.county_admin_a).post(_new(cast.school_a), {"year": 2024, "students": 2})

    assert response.context["form"].errors == {"year": ["2024 年的数据已经存在，请在历史表中点“编辑”修改"]}
    assert SchoolFacts.objects.get().students == 1


def test_it_changes_a_year_with_before_and_after(client, cast):
    SchoolFacts.objects.create(school=cast.school_a, year=2024, students=700, teachers=40)
    client = login(client, cast.county_admin_a)
    assert client.get(_edit(cast.school_a, 2024)).context["form"].initial["students"] == 700

    response = client.post(_edit(cast.school_a, 2024), {"students": 720, "teachers": 40})

    assert response.status_code == 302
    record = AuditRecord.objects.get(object_type="regions.schoolfacts", action="update")
    assert (record.before, record.after) == ({"students": 700}, {"students": 720})


def test_it_answers_404_for_a_year_without_facts(client, cast):
    assert login(client, cast.county_admin_a).get(_edit(cast.school_a, 2020)).status_code == 404


@pytest.mark.parametrize(("who", "school"), [("county_admin_a", "school_b"), ("school_user_b", "school_a")])
def test_it_answers_404_outside_the_write_scope(client, cast, who, school):
    SchoolFacts.objects.create(school=getattr(cast, school), year=2024)
    client = login(client, getattr(cast, who))

    assert client.get(_new(getattr(cast, school))).status_code == 404
    assert client.get(_edit(getattr(cast, school), 2024)).status_code == 404


@pytest.mark.parametrize("who", ["observer", "expert", "outsider"])
def test_it_is_forbidden_to_roles_that_never_enter_facts(client, cast, who):
    assert login(client, getattr(cast, who)).get(_new(cast.school_a)).status_code == 403
