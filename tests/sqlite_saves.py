"""Run by ``tests/imports/test_sqlite_beside_the_worker.py`` in its own process: the default
SQLite file database, the background worker polling beside it, and many score saves at once
through the pages. Prints one JSON line: how many saves were answered with what."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import threading
import time
from collections import Counter

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "campuseval.settings")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402

THREADS, SAVES = int(sys.argv[1]), int(sys.argv[2])
WORKER = sys.argv[3] if len(sys.argv) > 3 else "worker"  # db_worker: the old set-up, to compare


def main() -> None:
    setup_test_environment()
    call_command("migrate", verbosity=0)
    call_command("load_rubrics", verbosity=0)
    from campuseval.accounts.models import RoleAssignment, User
    from campuseval.campaigns import services as s
    from campuseval.regions.models import Region, School
    from campuseval.rubrics.models import Rubric

    province = Region.objects.create(code="340000", name="安徽省", level="province")
    city = Region.objects.create(code="341100", name="滁州市", level="city", parent=province)
    county = Region.objects.create(code="341102", name="琅琊区", level="county", parent=city)
    admin = User.objects.create_user("cityadmin", password="x")
    RoleAssignment.objects.create(user=admin, role="city_admin", region=city)
    now = timezone.now()
    campaign = s.campaign_open(
        by=admin, city=city, year=now.year, name="并发保存", rubric=Rubric.objects.get(code="taizhou-2022"),
        opens_at=now - dt.timedelta(days=1), application_deadline=now + dt.timedelta(days=10),
        county_review_deadline=now + dt.timedelta(days=20), city_review_deadline=now + dt.timedelta(days=30),
        publication_deadline=now + dt.timedelta(days=40),
    )
    codes = [i.code for i in campaign.rubric.engine_rubric().indicators]
    users = []
    for n in range(THREADS):
        school = School.objects.create(code=f"21340000{n:02d}", name=f"示例学校{n}", stage="小学", county=county)
        user = User.objects.create_user(f"school{n}", password="x")
        RoleAssignment.objects.create(user=user, role="school_user", school=school)
        application = s.application_create(by=user, campaign=campaign, school=school)
        users.append((user, application))
    connection.close()

    worker = subprocess.Popen([sys.executable, "-m", "django", WORKER, "--interval", "0.05"])
    answers: Counter[str] = Counter()
    lock = threading.Lock()

    def save(user: User, application_pk: int) -> None:
        client = Client()
        client.force_login(user)
        for k in range(SAVES):
            code = codes[k % len(codes)]
            version = k // len(codes)
            response = client.post(
                f"/campaigns/applications/{application_pk}/scores/{code}/",
                {"score": "0", "version": str(version), "comment": f"第 {k} 次"},
                HTTP_HX_REQUEST="true",
            )
            with lock:
                answers[str(response.status_code)] += 1
        connection.close()

    try:
        time.sleep(0.5)  # the worker is polling
        threads = [threading.Thread(target=save, args=(u, a.pk)) for u, a in users]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        worker.terminate()
        worker.wait(timeout=10)
    print(json.dumps({"answers": answers, "worker_exit": worker.returncode}))


if __name__ == "__main__":
    main()
