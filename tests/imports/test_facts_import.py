"""Importing school facts by school and year."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import Workbook

from campuseval.audit.models import AuditRecord
from campuseval.engine.facts import FACTS
from campuseval.imports.kinds.base import RowError
from campuseval.imports.models import ImportJob
from campuseval.regions.models import SchoolFacts

from .conftest import last_job, login, read, upload, xlsx

pytestmark = pytest.mark.django_db

NUMBERS = [n for n in FACTS if n != "stage"]
HEADERS = ["学校标识码", "年度", *[FACTS[n] for n in NUMBERS]]


def _row(code, year, **values):
    return [code, year, *[values.get(n) for n in NUMBERS]]


def test_it_imports_and_then_updates_facts(client, cast, django_capture_on_commit_callbacks):
    rows = [
        _row("2134000001", 2024, students=720, student_computers=90, wireless_coverage_pct=95.5),
        _row("2134000003", 2024, students=35),
        _row("2134000001", 2023, students=700),
    ]
    login(client, cast.county_admin_a)
    upload(client, "facts", xlsx(HEADERS, rows), django_capture_on_commit_callbacks)
    assert last_job().summary == {"created": 3, "updated": 0, "unchanged": 0}, last_job().errors

    upload(client, "facts", xlsx(HEADERS, rows), django_capture_on_commit_callbacks)
    assert last_job().summary == {"created": 0, "updated": 0, "unchanged": 3}
    rows[0][2 + NUMBERS.index("students")] = 725
    upload(client, "facts", xlsx(HEADERS, rows), django_capture_on_commit_callbacks)

    assert last_job().summary == {"created": 0, "updated": 1, "unchanged": 2}
    assert SchoolFacts.objects.count() == 3
    facts = SchoolFacts.objects.get(school=cast.school_a, year=2024)
    assert (facts.students, facts.wireless_coverage_pct) == (725, Decimal("95.50"))
    update = AuditRecord.objects.get(object_type="regions.schoolfacts", action="update")
    assert (update.before, update.after, update.region_code) == ({"students": 720}, {"students": 725}, "341102")


def test_it_reads_a_percentage_formatted_cell(client, cast, django_capture_on_commit_callbacks):
    from io import BytesIO

    wb = Workbook()
    ws = wb.active
    ws.append(["学校标识码", "年度", "无线网络覆盖率（%）"])
    ws.append(["2134000001", 2024, 0.955])
    ws["C2"].number_format = "0.0%"
    out = BytesIO()
    wb.save(out)

    login(client, cast.county_admin_a)
    upload(client, "facts", out.getvalue(), django_capture_on_commit_callbacks)

    assert last_job().status == ImportJob.Status.DONE, last_job().errors
    assert SchoolFacts.objects.get().wireless_coverage_pct == Decimal("95.50")


def test_it_keeps_facts_whose_columns_are_left_out(client, cast, django_capture_on_commit_callbacks):
    SchoolFacts.objects.create(school=cast.school_a, year=2024, students=700, teachers=40)

    login(client, cast.county_admin_a)
    upload(client, "facts", xlsx(["学校标识码", "年度", "学生数"], [["2134000001", 2024, 710]]), django_capture_on_commit_callbacks)

    facts = SchoolFacts.objects.get()
    assert (facts.students, facts.teachers) == (710, 40)


def test_it_lists_every_bad_row_and_saves_nothing(client, cast, django_capture_on_commit_callbacks):
    rows = [
        _row("2134000001", 2024, students=720),
        _row("2134000001", 2024, students=1),
        _row("2134000002", 2024, students=1),  # county B: out of scope
        _row("2134009999", 2024),
        _row("2134000003", 1990, students=-3, classes=2.5),
        _row("2134000003", 2022, classrooms=5, multimedia_classrooms=6, teacher_space_pct=101),
    ]
    login(client, cast.county_admin_a)
    upload(client, "facts", xlsx(HEADERS, rows), django_capture_on_commit_callbacks)

    job = last_job()
    assert [RowError.from_dict(e).text for e in job.errors] == [
        "第 3 行 A 列（学校标识码）：与第 2 行重复（同一学校同一年度在文件中只能出现一次）",
        "第 4 行 A 列（学校标识码）：找不到学校标识码为 2134000002 的学校，或该校不在您的管理范围内",
        "第 5 行 A 列（学校标识码）：找不到学校标识码为 2134009999 的学校，或该校不在您的管理范围内",
        "第 6 行 B 列（年度）：应为 2000 到 2100 之间的四位年份",
        "第 6 行 C 列（班级数）：应为整数",
        "第 6 行 D 列（学生数）：应为不大于 2000000000 的非负整数",
        "第 7 行 I 列（配备交互式多媒体设备的普通教室数）：配备多媒体的教室数不能多于普通教室数",
        "第 7 行 P 列（开通实名制网络空间的教师占比（%））：应为 0 到 100 之间的数（不带 % 号也可以）",
    ]
    assert not SchoolFacts.objects.exists()
    assert client.get(reverse("imports:job_errors", args=[job.pk])).status_code == 200


def test_it_lets_a_city_admin_import_for_the_whole_city(client, cast, django_capture_on_commit_callbacks):
    rows = [_row("2134000001", 2024, students=1), _row("2134000002", 2024, students=2), _row("2134000004", 2024)]
    login(client, cast.city_admin)
    upload(client, "facts", xlsx(HEADERS, rows), django_capture_on_commit_callbacks)

    assert [RowError.from_dict(e).text for e in last_job().errors] == [
        "第 4 行 A 列（学校标识码）：找不到学校标识码为 2134000004 的学校，或该校不在您的管理范围内"
    ]


def test_it_gives_the_error_sheet_the_uploaded_rows(client, cast, django_capture_on_commit_callbacks):
    login(client, cast.county_admin_a)
    upload(client, "facts", xlsx(HEADERS, [_row("2134000001", "去年")]), django_capture_on_commit_callbacks)

    sheet = read(client.get(reverse("imports:job_errors", args=[last_job().pk])).content)

    assert sheet[0][-1] == "错误"
    assert sheet[1][:2] == ["2134000001", "去年"]
    assert sheet[1][-1] == "B 列（年度）：应为 2000 到 2100 之间的四位年份"
