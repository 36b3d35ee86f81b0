"""Benchmark: import 10,000 schools from one .xlsx file, then the same file again.

Target (issue 3): under 30 s on a 2-core machine, on SQLite, the whole job: reading the
workbook, checking every row, writing in batches with one audit record per school. The
second run must update (here: find every school unchanged) without creating duplicates; a
third run changes one school in ten. The database is a fresh SQLite file in a temporary
folder (migrated first, not timed). Run: `.venv/bin/python bench/bench_import.py`.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from io import BytesIO
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import Figure, line, record

TARGET_SECONDS = 30.0


def _setup(var_dir: str) -> None:
    os.environ["CAMPUSEVAL_VAR_DIR"] = var_dir
    os.environ.pop("DATABASE_URL", None)
    os.environ.pop("CAMPUSEVAL_TESTING", None)
    os.environ["CAMPUSEVAL_TASKS_IMMEDIATE"] = "1"  # run the job inline, as the worker would
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "campuseval.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _workbook(schools: int, rename_share: float = 0.0) -> bytes:
    from openpyxl import Workbook

    from campuseval.regions.exports import SCHOOL_HEADERS

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("学校")
    ws.append(list(SCHOOL_HEADERS.values()))
    rng, renames = random.Random(2024), random.Random(7)
    points = schools // 10  # one row in ten is a teaching point, its central school in the file
    centrals: list[str] = []
    for i in range(schools):
        county = f"3411{(i % 8) + 2:02d}"
        code = f"21{'34'}{i:06d}"
        name = f"滁州市第{i + 1}号示例学校"
        if renames.random() < rename_share:
            name += "（更名）"
        if i >= schools - points:
            central = centrals[i % len(centrals)]
            row = [code, name, "教学点", "乡村", f"3411{(int(central[4:]) % 8) + 2:02d}", central]
        else:
            centrals.append(code)
            row = [code, name, rng.choice(["小学", "初中", "九年一贯制"]), rng.choice(["城镇", "乡村"]), county, ""]
        ws.append(row + [f"示例路 {i} 号", "", "", f"0550-{i:07d}"])
    out = BytesIO()
    wb.save(out)
    return out.getvalue()


def _import(content: bytes, user: object) -> tuple[float, object]:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from campuseval.imports.models import ImportJob
    from campuseval.imports.services import import_job_create

    started = time.perf_counter()
    job = import_job_create(kind="schools", upload=SimpleUploadedFile("学校.xlsx", content), by=user)  # type: ignore[arg-type]
    elapsed = time.perf_counter() - started
    job = ImportJob.objects.get(pk=job.pk)
    if job.status != ImportJob.Status.DONE:
        raise SystemExit(f"the import did not finish: {job.status} {job.errors[:5]}")
    return elapsed, job


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--schools", type=int, default=10_000)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="campuseval-bench-") as var_dir:
        _setup(var_dir)
        from campuseval.accounts.models import RoleAssignment, User
        from campuseval.audit.models import AuditRecord
        from campuseval.regions.models import Region, School

        province = Region.objects.create(code="340000", name="安徽省", level="province")
        city = Region.objects.create(code="341100", name="滁州市", level="city", parent=province)
        for n in range(2, 10):
            Region.objects.create(code=f"3411{n:02d}", name=f"示例县{n}", level="county", parent=city)
        admin = User.objects.create_user(username="bench_city_admin", password=None)
        RoleAssignment.objects.create(user=admin, role="city_admin", region=city)

        content = _workbook(args.schools)
        print(f"file: {args.schools:,} schools, {len(content) / 1024 / 1024:.1f} MB")

        first, job = _import(content, admin)
        print(
            f"first import:  {first:6.2f} s  {job.summary}  "
            f"= {first / TARGET_SECONDS:.2f} of the {TARGET_SECONDS:.0f} s target"
        )
        audit_after_first = AuditRecord.objects.filter(object_type="regions.school").count()

        second, job = _import(content, admin)
        print(f"same again:    {second:6.2f} s  {job.summary}")
        changed = _workbook(args.schools, rename_share=0.1)
        third, job = _import(changed, admin)
        print(f"10% renamed:   {third:6.2f} s  {job.summary}")

        schools = School.objects.count()
        points = School.objects.filter(stage="教学点", central_school__isnull=False).count()
        audit = AuditRecord.objects.filter(object_type="regions.school")
        print(
            f"schools in the database: {schools:,} (teaching points attached: {points:,}); "
            f"audit records: {audit_after_first:,} after the first run, {audit.count():,} now"
        )
        correct = schools == args.schools and audit_after_first == args.schools
        for label, seconds, goal in (
            (f"school import of {args.schools:,} rows (.xlsx), into an empty database", first, True),
            (f"the same {args.schools:,} rows again (every school unchanged)", second, False),
            (f"the same {args.schools:,} rows, one school in ten renamed", third, False),
        ):
            figure = record(Figure(
                benchmark="bench_import", name=label, unit="s", samples=[seconds],
                goal=f"< {TARGET_SECONDS:.0f} s" if goal else "", met=(seconds < TARGET_SECONDS) if goal else None,
                note="one run each: the whole job (read, check every row, write in batches, audit)" if goal else "",
            ))
            print(line(figure))
        print("the database holds what the file says" if correct else "NOT OK: the database does not hold what the file says")
        return 0 if correct else 1


if __name__ == "__main__":
    raise SystemExit(main())
