"""Deadline day, simulated (``make load``, issue 12): a locust load test of the production stack.

200 school users log in, open their self-assessment, save scores and upload small evidence files
for five minutes, while two county users review early submissions and an expert scores, all
against the stack ``scripts/serve-prod.sh start`` runs on this machine (nginx with HTTPS and a
self-signed certificate on 127.0.0.1:8443 -> gunicorn -> PgBouncer -> PostgreSQL
``campuseval_prod``, and the worker). Then a short capacity phase: a few school users without
thinking alternate windows of saves and of the bare endpoint ``GET /ping`` (same middleware, same
session and log-in check, nothing else), so that the save's throughput is measured against the
stack's own ceiling in the same run.

Steps: start the stack (unless ``--running``: it is already up and stays up); make or reuse the
load test's own data (``bench/load/setup_data.py``: its own region 990000, schools, accounts and
campaigns, never the demo's) with Django against PostgreSQL directly; run locust headless in its
own process (``bench/load/locustfile.py``, FastHttpUser, bounded by ``--run-time`` and stopping by
itself), while this process samples the CPU of every part of the stack and the database's lock
waits once a second; check every acknowledged save against the database
(``bench/load/verify.py``); print the figures and record them (``bench/_common.py``); stop the
stack it started.

Goals (from the issue), each reported, none making the script fail:

- no failed request: 0 answers 5xx (and none refused, none without an answer);
- every acknowledged save in the database with the value last saved;
- a save's p95 under 200 ms in the mixed phase (after every user has logged in);
- the save's throughput at least 40% of ``/ping``'s, both measured saturated by the same users.

Parameters: ``--users`` (school users, 200), ``--minutes`` (of the mixed phase, 5),
``--spawn-rate`` (users started per second, 2: each log-in costs about half a second of CPU for
PBKDF2, and the machine has 2 cores), ``--think`` (seconds between two actions of a school,
``10-30``: reading an indicator, choosing its score, a line of comment), ``--capacity-users``,
``--rounds``, ``--window``. ``--quick`` (or ``LOAD_QUICK=1``): 20 users, 30 seconds, two short
capacity rounds, to try it out. The stack's settings are the script's: ``PROD_HTTPS_PORT``,
``PROD_DB``, ``PROD_DIR``, ``PROD_WORKERS``, ``PROD_DEMO``, ``PG_URL``. Files of the run (plan,
locust's log and CSV, the raw results) go to ``PROD_DIR/load/``.

    .venv/bin/python bench/load_test.py            # 200 users, 5 minutes (about 9 minutes in all)
    .venv/bin/python bench/load_test.py --quick
    .venv/bin/python bench/load_test.py --running --users 50 --minutes 2
"""

from __future__ import annotations

import argparse
import ipaddress
import json
import os
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
LOAD = ROOT / "bench" / "load"
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(LOAD))
sys.path.insert(0, str(ROOT))

from _common import Figure, line, p95, record  # noqa: E402

BENCH = "load_test"
SAVE_P95_GOAL_MS = 200.0
THROUGHPUT_GOAL = 0.40
QUIET_PERCENT = 25.0  # the machine's CPU (all cores) under which a run starts
PG_URL = os.environ.get("PG_URL", "postgres://postgres@127.0.0.1:5432/postgres")
PROD_DIR = Path(os.environ.get("PROD_DIR", ROOT / "var" / "prod"))
HTTPS_PORT = int(os.environ.get("PROD_HTTPS_PORT", "8443"))
PROD_DB = os.environ.get("PROD_DB", "campuseval_prod")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=200, help="simulated school users (default 200)")
    parser.add_argument("--minutes", type=float, default=5.0, help="length of the mixed phase (default 5)")
    parser.add_argument("--spawn-rate", type=float, default=2.0, help="users started per second (default 2)")
    parser.add_argument("--think", default="10-30", help="seconds between two actions of a school (default 10-30)")
    parser.add_argument("--review-think", default="5-15", help="the same for the county users and the expert")
    parser.add_argument("--capacity-users", type=int, default=12, help="school users of the capacity phase")
    parser.add_argument("--rounds", type=int, default=4, help="capacity rounds (a /ping and a save window each)")
    parser.add_argument("--window", type=float, default=12.0, help="seconds of one capacity window")
    parser.add_argument("--quick", action="store_true", default=os.environ.get("LOAD_QUICK") == "1",
                        help="20 users, 30 seconds, 2 short rounds (also LOAD_QUICK=1)")
    parser.add_argument("--quiet-wait", type=float, default=300.0,
                        help="seconds to wait for other work on the machine to end before the run (default 300)")
    parser.add_argument("--running", action="store_true",
                        help="the stack is already running: neither start nor stop it")
    args = parser.parse_args()
    if args.quick:
        args.users, args.minutes, args.rounds, args.window = 20, 0.5, 2, 8.0
        args.capacity_users = min(args.capacity_users, 8)
    args.capacity_users = min(args.capacity_users, args.users)
    host = f"https://127.0.0.1:{HTTPS_PORT}"
    _loopback_only(host)

    started = False
    try:
        if not args.running:
            print("load: starting the production stack (scripts/serve-prod.sh start) ...", flush=True)
            subprocess.run([str(ROOT / "scripts" / "serve-prod.sh"), "start"], check=True, cwd=ROOT)
            started = True
        _wait_healthy(host)
        return _run(args, host)
    finally:
        if started:
            subprocess.run([str(ROOT / "scripts" / "serve-prod.sh"), "stop"], cwd=ROOT, check=False)


def _loopback_only(url: str) -> None:
    name = urlsplit(url).hostname or ""
    if not (name == "localhost" or ipaddress.ip_address(name).is_loopback):
        raise SystemExit(f"load: only this machine is a target, not {name}")


def _wait_healthy(host: str) -> None:
    import ssl
    import urllib.request

    context = ssl._create_unverified_context()  # the stack's self-signed certificate, on 127.0.0.1
    for _ in range(60):
        try:
            with urllib.request.urlopen(f"{host}/healthz", context=context, timeout=5) as answer:
                if answer.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.5)
    raise SystemExit(f"load: the stack does not answer {host}/healthz (scripts/serve-prod.sh start)")


def _django() -> None:
    """Django against PostgreSQL directly (not PgBouncer), with the stack's files."""
    base = PG_URL.rsplit("/", 1)[0]
    os.environ["DATABASE_URL"] = f"{base}/{PROD_DB}"
    key = PROD_DIR / "secret_key"
    os.environ["SECRET_KEY"] = key.read_text().strip() if key.exists() else "load-test-setup-only"
    if (PROD_DIR / "audit_key").exists():  # the set-up's audit records are signed as the stack's
        os.environ["CAMPUSEVAL_AUDIT_KEY_FILE"] = str(PROD_DIR / "audit_key")
    os.environ["CAMPUSEVAL_VAR_DIR"] = str(PROD_DIR / "var")
    os.environ.pop("CAMPUSEVAL_TESTING", None)
    os.environ.pop("DATABASE_POOLER", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "campuseval.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()


def _run(args: argparse.Namespace, host: str) -> int:
    out = PROD_DIR / "load"
    out.mkdir(parents=True, exist_ok=True)
    _django()
    import setup_data
    import verify
    from django.db import connections

    t = time.perf_counter()
    plan = setup_data.setup(schools=args.users)
    print(f"load: data ready in {time.perf_counter() - t:.1f} s: {len(plan.schools)} schools (campaign {plan.campaign_a}), "
          f"{sum(len(c['applications']) for c in plan.counties)} submitted for 2 county users, "
          f"{len(plan.expert['assignments'])} assignments for the expert (campaign {plan.campaign_b})", flush=True)
    connections.close_all()
    (out / "plan.json").write_text(json.dumps(plan.as_dict(), ensure_ascii=False, indent=1), encoding="utf-8")
    results = out / "results.json"
    results.unlink(missing_ok=True)

    duration = args.minutes * 60
    total = args.users + 3  # the two county users and the expert
    ramp = total / args.spawn_rate
    capacity = args.rounds * 2 * args.window
    run_time = int(ramp + duration + capacity + 5 + 120)  # a bound: the run stops itself before
    env = {
        **os.environ,
        "LOAD_PLAN": str(out / "plan.json"),
        "LOAD_OUT": str(results),
        "LOAD_DURATION": str(duration),
        "LOAD_THINK": args.think,
        "LOAD_REVIEW_THINK": args.review_think,
        "LOAD_CAPACITY_USERS": str(args.capacity_users),
        "LOAD_ROUNDS": str(args.rounds),
        "LOAD_WINDOW": str(args.window),
        "LOAD_RAMP_MAX": str(ramp + 120),
    }
    command = [
        str(ROOT / ".venv" / "bin" / "locust"), "-f", str(LOAD / "locustfile.py"), "--headless",
        "-u", str(total), "-r", str(args.spawn_rate), "-t", f"{run_time}s", "--stop-timeout", "15",
        "--host", host, "--csv", str(out / "locust"), "--logfile", str(out / "locust.log"),
        "--only-summary", "--loglevel", "INFO",
    ]
    logs = {name: _size(PROD_DIR / name) for name in ("nginx-access.log", "gunicorn-access.log", "gunicorn.log")}
    print(f"load: locust, {args.users} school users + 2 county users + 1 expert, spawn {args.spawn_rate}/s "
          f"(~{ramp:.0f} s), mixed {duration:.0f} s (think {args.think} s), then {args.rounds} rounds of "
          f"{args.window:.0f} s windows with {args.capacity_users} users; bounded at {run_time} s", flush=True)
    sampler = Sampler()
    sampler.start()
    _quiet(sampler, args.quiet_wait)
    with open(out / "locust.out", "w") as stdout:
        locust = subprocess.Popen(command, cwd=LOAD, env=env, stdout=stdout, stderr=subprocess.STDOUT)
        sampler.locust_pid = locust.pid
        try:
            code = locust.wait(timeout=run_time + 60)
        except subprocess.TimeoutExpired:
            locust.terminate()
            code = locust.wait(timeout=30)
        finally:
            sampler.stop()
    if not results.exists():
        print(f"load: locust ended ({code}) without results; see {out / 'locust.log'}", file=sys.stderr)
        return 1
    data = json.loads(results.read_text(encoding="utf-8"))
    checked = verify.verify(data["acks"], data["uncertain"])
    statuses = {name: _statuses(PROD_DIR / name, offset) for name, offset in logs.items() if name.endswith("access.log")}
    errors_logged = _tail(PROD_DIR / "gunicorn.log", logs["gunicorn.log"])
    figures = report(args, data, checked, statuses, errors_logged, sampler, out, code)
    if not args.quick:
        _write_benchmarks(args, figures)
    return 0


def _write_benchmarks(args: argparse.Namespace, figures: list[Figure]) -> None:
    """The run's figures into BENCHMARKS.md, between its ``load`` markers (bench/run_all.py)."""
    from run_all import machine, table, write_part

    write_part("load", [
        "## Deadline day, simulated (`make load`)",
        "",
        *machine(),
        f"- {args.users} school users, 2 county users and an expert for {args.minutes:g} minutes "
        f"(think {args.think} s, spawn {args.spawn_rate:g}/s), then {args.rounds} capacity rounds of "
        f"{args.window:g} s windows with {args.capacity_users} users; the stack of `make serve-prod`",
        "",
        *table([f.as_dict() for f in figures]),
        "",
    ])
    print("load: BENCHMARKS.md written (its load part)")


def _quiet(sampler: Sampler, wait: float) -> None:
    """On a machine shared with other work, wait (at most ``wait`` seconds) until it is quiet:
    the figures are of the stack, not of whatever else runs."""
    time.sleep(5)
    busy, until = sampler.machine_busy(5), time.time() + wait
    if busy >= QUIET_PERCENT:
        print(f"load: the machine is {busy:.0f}% busy before the run; waiting up to {wait:.0f} s for it to settle",
              flush=True)
    while busy >= QUIET_PERCENT and time.time() < until:
        time.sleep(5)
        busy = sampler.machine_busy(5)
    print(f"load: the machine before the run: {busy:.0f}% busy", flush=True)


def _size(path: Path) -> int:
    return path.stat().st_size if path.exists() else 0


def _tail(path: Path, offset: int) -> list[str]:
    if not path.exists():
        return []
    with open(path, "rb") as log:
        log.seek(offset)
        text = log.read().decode("utf-8", "replace")
    return [ln for ln in text.splitlines() if "[ERROR]" in ln or "Traceback" in ln or "WORKER TIMEOUT" in ln]


def _statuses(path: Path, offset: int) -> Counter[str]:
    """Status codes of the access log's lines written since ``offset`` (common log format)."""
    found: Counter[str] = Counter()
    for entry in _lines(path, offset):
        try:
            after = entry.split('"', 2)[2].split()
            found[after[0]] += 1
        except IndexError:
            continue
    return found


def _lines(path: Path, offset: int) -> list[str]:
    if not path.exists():
        return []
    with open(path, "rb") as log:
        log.seek(offset)
        return log.read().decode("utf-8", "replace").splitlines()


# --- the CPU of the stack, once a second -----------------------------------------------------


class Sampler(threading.Thread):
    """Cumulative CPU seconds of each part of the stack and of locust, and how many database
    sessions wait on a lock, once a second (a reading of /proc, no profiler in the workers)."""

    GROUPS = ("gunicorn", "postgres", "pgbouncer", "nginx", "worker", "locust")

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.locust_pid: int | None = None
        self.samples: list[tuple[float, dict[str, float], float, int]] = []  # t, cpu by group, machine busy, lock waits
        self._seen: dict[str, dict[int, float]] = {g: {} for g in self.GROUPS}
        self._done = threading.Event()

    def stop(self) -> None:
        self._done.set()
        self.join(timeout=5)

    def _pids(self) -> dict[str, list[int]]:
        import psutil

        def tree(pid_file: Path | None, pid: int | None = None) -> list[int]:
            try:
                if pid is None:
                    assert pid_file is not None
                    pid = int(pid_file.read_text().strip())
                parent = psutil.Process(pid)
                return [parent.pid, *(c.pid for c in parent.children(recursive=True))]
            except (OSError, ValueError, AssertionError, psutil.Error):
                return []

        postgres = [p.pid for p in psutil.process_iter(["name"]) if p.info["name"] == "postgres"]
        return {
            "gunicorn": tree(PROD_DIR / "gunicorn.pid"),
            "postgres": postgres,
            "pgbouncer": tree(PROD_DIR / "pgbouncer" / "pgbouncer.pid"),
            "nginx": tree(PROD_DIR / "nginx.pid"),
            "worker": tree(PROD_DIR / "worker.pid"),
            "locust": tree(None, self.locust_pid) if self.locust_pid else [],
        }

    def run(self) -> None:
        import psutil
        import psycopg

        base = PG_URL.rsplit("/", 1)[0]
        try:
            db = psycopg.connect(f"{base}/{PROD_DB}", autocommit=True)
        except psycopg.Error:
            db = None
        while not self._done.is_set():
            now = time.time()
            for group, pids in self._pids().items():
                for pid in pids:
                    try:
                        cpu = psutil.Process(pid).cpu_times()
                        self._seen[group][pid] = cpu.user + cpu.system
                    except psutil.Error:
                        continue  # gone: its last reading stays counted
            times = psutil.cpu_times()
            busy = times.user + times.nice + times.system + getattr(times, "softirq", 0) + getattr(times, "irq", 0)
            waits = 0
            if db is not None:
                try:
                    row = db.execute(
                        "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND wait_event_type = 'Lock'", [PROD_DB]
                    ).fetchone()
                    waits = int(row[0]) if row else 0
                except psycopg.Error:
                    waits = 0
            totals = {g: sum(seen.values()) for g, seen in self._seen.items()}
            self.samples.append((now, totals, busy, waits))
            self._done.wait(1.0)
        if db is not None:
            db.close()

    def usage(self, spans: list[tuple[float, float]]) -> tuple[dict[str, float], float]:
        """Over the spans: each group's CPU in % of one core, with ``other`` (every other
        process of the machine) and ``machine`` (all of it, in % of all its cores); and the
        mean number of database sessions waiting on a lock."""
        cpu: dict[str, float] = dict.fromkeys(self.GROUPS, 0.0)
        busy = wall = 0.0
        waits: list[int] = []
        for start, end in spans:
            inside = [s for s in self.samples if start <= s[0] <= end]
            if len(inside) < 2:
                continue
            first, last = inside[0], inside[-1]
            wall += last[0] - first[0]
            busy += last[2] - first[2]
            for group in self.GROUPS:
                cpu[group] += last[1][group] - first[1][group]
            waits += [s[3] for s in inside]
        if not wall:
            return {**cpu, "other": 0.0, "machine": 0.0}, 0.0
        shares = {g: 100 * v / wall for g, v in cpu.items()}
        shares["other"] = max(0.0, 100 * (busy - sum(cpu.values())) / wall)
        shares["machine"] = 100 * busy / wall / _cores()
        return shares, statistics.mean(waits) if waits else 0.0

    def machine_busy(self, seconds: float) -> float:
        """The machine's CPU over the last ``seconds``, in % of all its cores."""
        now = time.time()
        inside = [s for s in self.samples if s[0] >= now - seconds]
        if len(inside) < 2:
            return 0.0
        return 100 * (inside[-1][2] - inside[0][2]) / (inside[-1][0] - inside[0][0]) / _cores()


# --- the figures -----------------------------------------------------------------------------


def _ms(records: list[list[Any]], name: str, spans: list[tuple[float, float]] | None = None) -> list[float]:
    return [r[2] for r in records if r[0] == name and (spans is None or any(a <= r[1] < b for a, b in spans))]


def _rates(records: list[list[Any]], name: str, windows: list[tuple[float, float]], settle: float) -> list[float]:
    """Requests per second in each window: issued in it, done in its measured part (after
    ``settle`` seconds, so that the previous window's requests have left the queue)."""
    rates = []
    for start, end in windows:
        done = [r for r in records if r[0] == name and r[1] >= start and start + settle <= r[1] + r[2] / 1000 <= end]
        rates.append(len(done) / (end - start - settle))
    return rates


def report(args: argparse.Namespace, data: dict[str, Any], checked: list[Any], statuses: dict[str, Counter[str]],
           errors_logged: list[str], sampler: Sampler, out: Path, code: int) -> list[Figure]:
    records = data["records"]
    phases = [tuple(p) for p in data["phases"]]
    settle = float(data["settings"]["settle"])
    mixed = [(a, b) for n, a, b in phases if n == "mixed"]
    ramp = [(float(data["started"] or 0), mixed[0][0])] if mixed else []
    ping_windows = [(a, b) for n, a, b in phases if n == "ping"]
    save_windows = [(a, b) for n, a, b in phases if n == "save"]
    counts = data["counts"]

    five = [r for r in records if r[3] >= 500]
    no_answer = [r for r in records if r[3] == 0]
    client_errors = [r for r in records if 400 <= r[3] < 500]
    refused = sum(v for k, v in counts.items() if k.endswith("_refused") or k == "login_failed")
    conflicts = counts.get("school_conflicts", 0)
    nginx_5xx = sum(n for s, n in statuses.get("nginx-access.log", Counter()).items() if s.startswith("5"))
    gunicorn_5xx = sum(n for s, n in statuses.get("gunicorn-access.log", Counter()).items() if s.startswith("5"))

    saves = _ms(records, "save", mixed)
    ramp_saves = _ms(records, "save", ramp)
    save_rates = _rates(records, "save (capacity)", save_windows, settle)
    ping_rates = _rates(records, "ping (capacity)", ping_windows, settle)
    cpu_mixed, waits_mixed = sampler.usage(mixed)
    cpu_ping, waits_ping = sampler.usage(ping_windows)
    cpu_save, waits_save = sampler.usage(save_windows)
    locust_warned = counts.get("locust_cpu_warnings", 0) > 0 or "CPU usage above" in _read(out / "locust.log")
    mismatches = sum(len(c.mismatches) for c in checked)
    pairs = sum(c.pairs for c in checked)
    uncertain = sum(c.uncertain for c in checked)

    def cpu_text(cpu: dict[str, float]) -> str:
        parts = ", ".join(f"{g} {cpu[g]:.0f}%" for g in ("gunicorn", "postgres", "pgbouncer", "nginx", "locust", "other"))
        return f"CPU (% of one core): {parts}; the machine {cpu['machine']:.0f}% busy ({_cores()} cores)"

    users = f"{args.users} school users"
    figures: list[Figure] = []
    if saves:
        figures.append(Figure(
            BENCH, f"school save, mixed phase ({users}, think {args.think} s)", "ms", saves,
            goal=f"p95 < {SAVE_P95_GOAL_MS:.0f} ms", met=p95(saves) < SAVE_P95_GOAL_MS,
            note=f"{len(saves)} saves in {args.minutes:g} min ({len(saves) / (args.minutes * 60):.1f}/s); "
                 f"during the ramp (log-ins) {len(ramp_saves)} more, p95 {p95(ramp_saves) if ramp_saves else 0:.0f} ms; "
                 f"{cpu_text(cpu_mixed)}; lock waits {waits_mixed:.1f} sessions on average",
        ))
    if save_rates and ping_rates:
        ratio = statistics.median(save_rates) / statistics.median(ping_rates) if statistics.median(ping_rates) else 0.0
        figures.append(Figure(
            BENCH, f"save throughput, saturated ({args.capacity_users} users, no think time)", "requests/s", save_rates,
            baseline_name="GET /ping (bare endpoint, same session)", baseline=ping_rates,
            goal=f"save >= {THROUGHPUT_GOAL:.0%} of /ping", met=ratio >= THROUGHPUT_GOAL,
            note=f"ratio {ratio:.1%} (median of {len(save_rates)} windows each); "
                 f"saves: {cpu_text(cpu_save)}, lock waits {waits_save:.1f}; "
                 f"/ping: {cpu_text(cpu_ping)}, lock waits {waits_ping:.1f}",
        ))
    figures.append(Figure(
        BENCH, "failed requests (answers 5xx)", "requests", [float(len(five))], goal="0", met=not five,
        note=f"{len(records)} requests; without an answer {len(no_answer)}, 4xx {len(client_errors)}, "
             f"refused by the page {refused}, edit conflicts {conflicts}; nginx's log 5xx {nginx_5xx}, "
             f"gunicorn's {gunicorn_5xx}; by request: {dict(Counter(r[0] for r in five))}",
    ))
    figures.append(Figure(
        BENCH, "acknowledged saves not in the database as last saved", "rows", [float(mismatches)], goal="0",
        met=mismatches == 0,
        note=f"{pairs} (application, indicator) pairs checked: "
             + ", ".join(f"{c.kind} {c.pairs}" for c in checked)
             + f"; {uncertain} left unchecked (their last request failed)",
    ))
    for name, label in (("login", "log-in (POST, PBKDF2)"), ("page", "self-assessment page (~320 KB)"),
                        ("evidence upload", "evidence upload (a small PNG)"), ("county save", "county's score"),
                        ("expert save", "expert's score")):
        samples = _ms(records, name)
        if samples:
            figures.append(Figure(BENCH, label, "ms", samples, note=f"{len(samples)} requests, whole run"))

    print()
    print(f"== Deadline day, simulated: {users}, {args.minutes:g} min mixed, then {args.rounds} capacity rounds")
    for figure in figures:
        record(figure)
        print(line(figure))
        if figure.note:
            print(f"      {figure.note}")
    print()
    print(f"  requests: {len(records)}; by name: " + ", ".join(f"{k} {v}" for k, v in Counter(r[0] for r in records).most_common()))
    print(f"  uploads acknowledged: {counts.get('uploads_ok', 0)}; locust CPU warnings: {'yes' if locust_warned else 'no'}"
          f" (locust {cpu_mixed['locust']:.0f}% of a core in the mixed phase, {cpu_ping['locust']:.0f}% in /ping windows,"
          f" {cpu_save['locust']:.0f}% in save windows); locust exit {code}")
    for c in checked:
        for text in c.mismatches[:5]:
            print(f"  MISMATCH {text}")
    for text in data["refusals"][:8]:
        print(f"  refused: {text}")
    for text in errors_logged[:5]:
        print(f"  gunicorn: {text}")
    shared = max(cpu_mixed["other"], cpu_save["other"], cpu_ping["other"])
    if shared > QUIET_PERCENT:
        print(f"  NOTE: other processes used up to {shared:.0f}% of a core during the run: the machine was shared, "
              "and the figures are of the stack with less than the whole machine")
    print(f"  files: {out}/ (plan.json, results.json, locust.log, locust_stats.csv)")
    return figures


def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""


def _cores() -> int:
    return os.cpu_count() or 1


if __name__ == "__main__":
    sys.exit(main())
