"""``make bench``: run every benchmark and write their figures into BENCHMARKS.md.

Each benchmark runs as its own process (so one's memory and caches do not flatter the next),
with ``CAMPUSEVAL_BENCH_OUT`` naming a file its figures are appended to (bench/_common.py); its
printed lines go to ``var/bench/<name>.log``. BENCHMARKS.md is then rewritten between its
``bench`` markers with the machine, the commit, and one table row per figure: the median and
p95, the baseline measured in the same run and the ratio of the medians, the goal and whether
it is met. The load test (``make load``, bench/load_test.py) writes its own part between the
``load`` markers with :func:`write_part`; each keeps the other's part.

A benchmark that breaks is listed as broken and the others still run; the exit status is then
1. A missed goal is a figure, not a failure.

    .venv/bin/python bench/run_all.py            # everything, the sizes of the issue (about 40 min)
    .venv/bin/python bench/run_all.py --quick    # small sizes, to try the suite (a few minutes)
    .venv/bin/python bench/run_all.py --only bench_scoring,bench_pages
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
DOCUMENT = ROOT / "BENCHMARKS.md"
LOGS = ROOT / "var" / "bench"
PROVINCE_DB = LOGS / "province.sqlite3"

sys.path.insert(0, str(BENCH))
from _common import OUT_VARIABLE, python_loop_ms  # noqa: E402

# name -> (arguments at the sizes, arguments of a quick try). "{province}" is the
# province database built once for the benchmarks that read it.
SUITE: dict[str, tuple[list[str], list[str]]] = {
    "bench_scoring": ([], ["--schools", "2000", "--repeat", "3", "--baseline-repeat", "1"]),
    "bench_score_cli": ([], ["--schools", "500", "--repeat", "2"]),
    "bench_recompute": (["--database", "{province}"], ["--database", "{province}", "--repeat", "2"]),
    "bench_dashboards": ([], ["--repeat", "5", "--warmup", "1"]),
    "bench_pages": ([], ["--applications", "60", "--small", "20", "--repeat", "5", "--warmup", "1"]),
    "bench_forms": ([], ["--schools", "500", "--zip-schools", "50", "--repeat", "2", "--zip-repeat", "1"]),
    "bench_import": ([], ["--schools", "1000"]),
}
NEEDS_PROVINCE = {"bench_recompute", "bench_dashboards"}

INTRO = """# Benchmarks

Written by `make bench` (bench/run_all.py) and `make load` (bench/load_test.py); do not edit by
hand. Each figure is the median and p95 (nearest rank) of repeated runs, with a baseline measured
in the same run: the ratio is the figure's median over the baseline's, so a slower machine moves
both and a regression shows as a larger ratio. A goal missed is reported here and explained in
the issue's note; it never fails the run. How each is measured: the docstring of its script
under bench/.
"""


def machine() -> list[str]:
    """What the figures were measured on."""
    cpu = ""
    try:
        for text in Path("/proc/cpuinfo").read_text().splitlines():
            if text.startswith("model name"):
                cpu = text.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        kib = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text())[1])  # type: ignore[index]
        memory = f"{kib / 1024 / 1024:.0f} GiB"
    except (OSError, TypeError):
        pass
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT, capture_output=True, text=True).stdout
    return [
        f"- machine: {platform.machine()}, {os.cpu_count()} cores ({cpu or 'unknown CPU'}), {memory or 'unknown memory'}, "
        f"{platform.system()} {platform.release()}",
        f"- Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}; commit {commit}{' (with changes)' if dirty else ''}",
        f"- measured {dt.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}",
    ]


def _number(value: float | None, unit: str) -> str:
    if value is None:
        return "-"
    if unit == "ms":
        return f"{value:,.1f} ms"
    if unit == "s":
        return f"{value:,.2f} s"
    return f"{value:,.1f} {unit}"


def _ratio(value: float | None) -> str:
    if value is None:
        return "-"
    if value < 0.1:
        return f"{value:.3f}x (1/{1 / value:,.0f})" if value > 0 else "0x"
    return f"{value:.2f}x"


def table(figures: list[dict[str, Any]]) -> list[str]:
    rows = [
        "| figure | median | p95 | runs | baseline (same run) | baseline median | ratio | goal | met |",
        "|---|---:|---:|---:|---|---:|---:|---|---|",
    ]
    for f in figures:
        unit = f["unit"]
        ratio = _ratio(f.get("ratio"))
        met = {True: "yes", False: "**no**", None: "-"}[f.get("met")]
        name = f["name"] + (f" ({f['note']})" if f.get("note") else "")
        rows.append(
            f"| {name} | {_number(f['median'], unit)} | {_number(f['p95'], unit)} | {len(f['samples'])} | "
            f"{f.get('baseline_name') or '-'} | {_number(f.get('baseline_median'), unit)} | {ratio} | "
            f"{f.get('goal') or '-'} | {met} |"
        )
    return rows


def write_part(part: str, body: list[str]) -> None:
    """Rewrite the part between ``<!-- part:start -->`` and ``<!-- part:end -->`` of
    BENCHMARKS.md (added at the end when missing), keeping every other part."""
    start, end = f"<!-- {part}:start -->", f"<!-- {part}:end -->"
    text = DOCUMENT.read_text(encoding="utf-8") if DOCUMENT.exists() else INTRO
    block = "\n".join([start, *body, end])
    if start in text and end in text:
        before, rest = text.split(start, 1)
        _old, after = rest.split(end, 1)
        text = before + block + after
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    DOCUMENT.write_text(text, encoding="utf-8")


FIGURES = "<!-- figures: {} -->"  # every figure of the part, for a later --only run to keep


def _recorded() -> list[dict[str, Any]]:
    """The figures BENCHMARKS.md holds now (its bench part), or none."""
    if not DOCUMENT.exists():
        return []
    found = re.search(r"<!-- figures: (.*?) -->", DOCUMENT.read_text(encoding="utf-8"), re.S)
    return json.loads(found[1]) if found else []


def _province(quick: bool) -> Path:
    """The province demo in a SQLite file, built once (minutes) and reused while it is there."""
    path = PROVINCE_DB.with_name("province-quick.sqlite3") if quick else PROVINCE_DB
    if path.exists():
        return path
    LOGS.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{path}", "CAMPUSEVAL_VAR_DIR": str(path.parent)}
    env.pop("CAMPUSEVAL_TESTING", None)
    campuseval = str(ROOT / ".venv" / "bin" / "campuseval")
    print(f"building the province demo into {path} (once; reused by later runs) ...", flush=True)
    started = time.perf_counter()
    subprocess.run([campuseval, "migrate", "--noinput", "-v", "0"], env=env, check=True, cwd=ROOT)
    subprocess.run([campuseval, "load_rubrics"], env=env, check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
    extra = ["--schools", "2000", "--cities", "4"] if quick else []
    try:
        subprocess.run([campuseval, "demo", "--province", *extra], env=env, check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
    except subprocess.CalledProcessError:
        path.unlink(missing_ok=True)
        raise
    print(f"  built in {time.perf_counter() - started:.0f} s", flush=True)
    return path


def run(names: list[str], quick: bool) -> tuple[list[dict[str, Any]], list[str]]:
    LOGS.mkdir(parents=True, exist_ok=True)
    figures: list[dict[str, Any]] = []
    broken: list[str] = []
    province: Path | None = None
    for name in names:
        full, small = SUITE[name]
        args = small if quick else full
        env = {k: v for k, v in os.environ.items() if k not in {"CAMPUSEVAL_TESTING", "DATABASE_URL", "TEST_DATABASE_URL"}}
        if name in NEEDS_PROVINCE:
            province = province or _province(quick)
            env["DATABASE_URL"] = f"sqlite:///{province}"
            args = [a.replace("{province}", str(province)) for a in args]
        with tempfile.NamedTemporaryFile("r", suffix=".jsonl", delete=False) as out:
            env[OUT_VARIABLE] = out.name
        log = LOGS / f"{name}.log"
        print(f"== {name} {' '.join(args)}  (log: {log.relative_to(ROOT)})", flush=True)
        started = time.perf_counter()
        with log.open("w", encoding="utf-8") as sink:
            code = subprocess.run(
                [sys.executable, str(BENCH / f"{name}.py"), *args], env=env, cwd=ROOT, stdout=sink, stderr=subprocess.STDOUT,
            ).returncode
        got = [json.loads(x) for x in Path(out.name).read_text(encoding="utf-8").splitlines() if x.strip()]
        Path(out.name).unlink(missing_ok=True)
        print(f"   {len(got)} figures in {time.perf_counter() - started:.0f} s" + (f"; BROKEN (exit {code})" if code else ""), flush=True)
        for f in got:
            print(f"   {f['name']}: median {_number(f['median'], f['unit'])}, p95 {_number(f['p95'], f['unit'])}"
                  + (f", goal {f['goal']}: {'met' if f['met'] else 'NOT met'}" if f.get("goal") else ""), flush=True)
        figures.extend(got)
        if code or not got:
            broken.append(f"{name} (exit {code}, {len(got)} figures; see var/bench/{name}.log)")
    return figures, broken


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="small sizes, to try the suite")
    parser.add_argument("--only", help="comma-separated benchmark names (default: all)")
    args = parser.parse_args()
    names = [n.strip() for n in args.only.split(",")] if args.only else list(SUITE)
    unknown = [n for n in names if n not in SUITE]
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(unknown)}; known: {', '.join(SUITE)}")

    speed_before = python_loop_ms()
    started = time.perf_counter()
    figures, broken = run(names, args.quick)
    speed_after = python_loop_ms()
    kept = [f for f in _recorded() if f["benchmark"] not in names] if args.only and not args.quick else []
    figures = sorted(kept + figures, key=lambda f: list(SUITE).index(f["benchmark"]) if f["benchmark"] in SUITE else len(SUITE))
    body = [
        "## Benchmark suite (`make bench`)" + (" — quick sizes, not the issue's" if args.quick else ""),
        "",
        *machine(),
        f"- the machine's speed: 5,000,000 Python additions took {speed_before:.0f} ms before the suite and "
        f"{speed_after:.0f} ms after (the best of 3); the suite ran {time.perf_counter() - started:.0f} s",
        f"- benchmarks: {', '.join(names)}" + (f"; broken: {'; '.join(broken)}" if broken else "")
        + (f"; the other figures are kept from the run before ({len(kept)})" if kept else ""),
        "",
        *table(figures),
        "",
        FIGURES.format(json.dumps(figures, ensure_ascii=False)),
    ]
    write_part("bench", body)
    missed = [f["name"] for f in figures if f.get("met") is False]
    print(f"\nBENCHMARKS.md written: {len(figures)} figures, {len(missed)} goals missed"
          + (f", broken: {', '.join(broken)}" if broken else ""))
    return 1 if broken else 0


if __name__ == "__main__":
    raise SystemExit(main())
