"""Benchmark: the dashboards at province scale, against the raw SQL of their main aggregate.

Goals: each dashboard page answers in under 300 ms at the 95th percentile on a 2-core machine,
on SQLite, with the province demo loaded (about 20,000 schools, 5,400 applications over three
years); rebuilding the dashboards' summary of the whole province takes under 60 s. The script
prints the figures and whether each goal is met; a missed goal never makes it fail.

For the province (370000) and one city, as the platform administrator (``force_login``), each
page is requested 2 times to warm up, then ``--repeat`` times (default 20):

- the region dashboard, ``/dashboards/<code>/``;
- the schools behind its certified count, ``/dashboards/<code>/schools/?what=certified``.

The raw SQL (certified applications by county and tier, what the coverage chart counts) runs
as many times; the ratio page p95 / SQL p95 says how much the page adds to the one query it
cannot do without. p95 is the nearest rank (of 20: the second slowest).

The database: the current one (``DATABASE_URL``, else var/campuseval.sqlite3), into which you
first run ``campuseval migrate`` and ``campuseval demo --province``; or, with ``--build``, a
fresh SQLite file in a temporary folder, migrated and filled here (the build is timed too):

    .venv/bin/python bench/bench_dashboards.py --build
    DATABASE_URL=sqlite:////tmp/province.sqlite3 .venv/bin/python bench/bench_dashboards.py
"""

from __future__ import annotations

import argparse
import functools
import math
import os
import statistics
import sys
import tempfile
import time
import traceback
import warnings
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import Figure, measure, p95, python_loop_ms, record

PAGE_GOAL_MS = 300.0
REBUILD_GOAL_S = 60.0
PROVINCE = "370000"


def _setup(build_dir: str | None) -> None:
    if build_dir is not None:
        os.environ["CAMPUSEVAL_VAR_DIR"] = build_dir
        os.environ["DATABASE_URL"] = f"sqlite:///{Path(build_dir) / 'province.sqlite3'}"
    os.environ.pop("CAMPUSEVAL_TESTING", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "campuseval.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)  # whitenoise, no collectstatic
    import django

    django.setup()


def _build(args: argparse.Namespace) -> None:
    from django.core.management import call_command

    from campuseval.demodata.province import province_create

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    result = province_create(seed=args.seed, cities=args.cities, schools=args.schools)
    seconds = time.perf_counter() - started
    parts = ", ".join(f"{label} {t:.1f}" for label, t in result.timings)
    print(f"build: {seconds:.1f} s ({parts})")


def _static_storage() -> Any:
    """Without collectstatic's manifest the pages cannot name their static files: fall back to
    the plain storage (the URLs cost the same to build)."""
    from django.conf import settings
    from django.test import override_settings

    backend = settings.STORAGES["staticfiles"]["BACKEND"]
    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    if "Manifest" in backend and not manifest.exists():
        print(f"note: no {manifest}; static files served by StaticFilesStorage for the run")
        storages = {**settings.STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
        return override_settings(STORAGES=storages)
    return override_settings()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--build", action="store_true", help="build the province demo into a fresh temporary SQLite file")
    parser.add_argument("--seed", type=int, default=4)
    parser.add_argument("--cities", type=int, default=16)
    parser.add_argument("--schools", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--city", help="the city to measure (6-digit code; default: the first)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="campuseval-bench-") as tmp:
        _setup(tmp if args.build else None)
        if args.build:
            _build(args)
        with _static_storage():
            return _run(args)


def _run(args: argparse.Namespace) -> int:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from campuseval.accounts.models import Role, User
    from campuseval.analytics.models import ApplicationSummary
    from campuseval.analytics.services import rebuild
    from campuseval.regions.models import Region, School

    province = Region.objects.filter(level=Region.Level.PROVINCE).order_by("code").first()
    admin = User.objects.filter(roles__role=Role.PLATFORM_ADMIN).order_by("username").first()
    if province is None or admin is None:
        print("no province or platform administrator here: run `campuseval demo --province` first, or pass --build")
        return 0
    city = (
        Region.objects.get(code=args.city) if args.city
        else Region.objects.filter(level=Region.Level.CITY, parent=province).order_by("code").first()
    )
    print(
        f"database: {connection.vendor} {connection.settings_dict['NAME']}; {School.objects.count():,} schools, "
        f"{ApplicationSummary.objects.count():,} summary rows; province {province.code} {province.name}, "
        f"city {city.code if city else '-'} {city.name if city else ''}"
    )
    print(f"requests: {args.warmup} warm-up, then {args.repeat} timed, each page; p95 = nearest rank")
    print(f"this machine now: a loop of 5,000,000 Python additions takes {python_loop_ms():.0f} ms (the best of 3)")
    print(f"goal: p95 < {PAGE_GOAL_MS:.0f} ms, rebuild < {REBUILD_GOAL_S:.0f} s")

    client = Client()
    client.force_login(admin)
    met: list[bool] = []
    for region in [r for r in (province, city) if r is not None]:
        prefix = region.code[: {"province": 2, "city": 4}.get(region.level, 6)]
        raw = measure(functools.partial(_raw_sql, connection, prefix), args.repeat, args.warmup)
        raw_p95 = p95(raw)
        print(f"\n{region.level} {region.code} {region.name}")
        print(f"  raw SQL (certified by county and tier)   median {statistics.median(raw):7.2f} ms  p95 {raw_p95:7.2f} ms")
        for label, url in (
            ("dashboard", f"/dashboards/{region.code}/"),
            ("schools ?what=certified", f"/dashboards/{region.code}/schools/?what=certified"),
        ):
            ok = _page(client, f"{region.level} {label}", url, args, raw, connection, CaptureQueriesContext)
            met.append(ok)

    print("\nrebuild of the whole summary (analytics.services.rebuild):")
    started = time.perf_counter()
    try:
        rows = rebuild()
    except Exception:  # report and go on: the goal is then not met
        traceback.print_exc()
        rows, seconds = 0, math.inf
    else:
        seconds = time.perf_counter() - started
    rebuild_ok = seconds < REBUILD_GOAL_S
    record(Figure(
        benchmark="bench_dashboards", name=f"dashboards' summary of the province rebuilt ({rows:,} applications)",
        unit="s", samples=[seconds], goal=f"< {REBUILD_GOAL_S:.0f} s", met=rebuild_ok, note="one run",
    ))
    print(
        f"  {rows:,} applications in {seconds:.1f} s  goal < {REBUILD_GOAL_S:.0f} s: "
        f"{'met' if rebuild_ok else 'NOT met'}"
    )
    pages_ok = bool(met) and all(met)
    print(f"\npages p95 < {PAGE_GOAL_MS:.0f} ms: {'met' if pages_ok else 'NOT met'}; "
          f"rebuild < {REBUILD_GOAL_S:.0f} s: {'met' if rebuild_ok else 'NOT met'}")
    return 0


def _raw_sql(connection: Any, prefix: str) -> list[Any]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT region_code, decided_tier, COUNT(*) FROM analytics_applicationsummary "
            "WHERE region_code LIKE %s AND status = 'published' AND decided_tier <> '' "
            "GROUP BY region_code, decided_tier",
            [prefix + "%"],
        )
        return cursor.fetchall()


def _page(
    client: Any, label: str, url: str, args: argparse.Namespace, raw: list[float], connection: Any, capture: Any,
) -> bool:
    def get() -> None:
        response = client.get(url)
        if response.status_code != 200:
            raise RuntimeError(f"HTTP {response.status_code}: {response.content[:300].decode(errors='replace')}")

    try:
        with capture(connection) as captured:
            get()
        queries = len(captured)  # now: the next request clears the log
        times = measure(get, args.repeat, args.warmup)
    except Exception as exc:  # the pages may still be changing: say what broke and go on
        print(f"  {label:<40} ERROR {url}: {type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}")
        return False
    page_p95, raw_p95 = p95(times), p95(raw)
    ok = page_p95 < PAGE_GOAL_MS
    print(
        f"  {label:<40} median {statistics.median(times):7.1f} ms  p95 {page_p95:7.1f} ms  "
        f"({queries} queries; p95 / SQL p95 = {page_p95 / raw_p95 if raw_p95 else math.inf:.0f}x)  "
        f"goal: {'met' if ok else 'NOT met'}"
    )
    record(Figure(
        benchmark="bench_dashboards", name=f"dashboard page: {label} ({url})", unit="ms", samples=times,
        baseline_name="the raw SQL of its main aggregate", baseline=raw, goal=f"p95 < {PAGE_GOAL_MS:.0f} ms", met=ok,
        note=f"{queries} queries",
    ))
    return ok


if __name__ == "__main__":
    raise SystemExit(main())
