"""Benchmark: `campuseval score` end to end on 20,000 Taizhou schools, against csv.DictReader.

Goal (issue 12): `campuseval score taizhou-2022 SCORES.csv` on 20,000 schools (one row per
school and indicator: 1.64 M rows) takes at most half the time of a plain ``csv.DictReader``
loop that reads the same file into dicts, measured in the same run. End to end is everything
the command does: reading the file, checking every row, scoring, writing the result.

The file is generated into a temporary folder with the spread of ``bench_scoring.py`` (★
indicators nearly always at full points, others often, the rest below in half-point steps;
a ▲ clause judged met four times in five). Rounds alternate (a) the command in-process, that
is :func:`campuseval.cli.main` with its output written to a file in the same folder, and (b)
the baseline, ``for row in csv.DictReader(f): rows.append(row)``. A subprocess run of
``.venv/bin/campuseval score`` is timed once, with a header-only file for the start-up cost,
and its output must be byte-identical to the in-process one.

Run: `.venv/bin/python bench/bench_score_cli.py [--repeat 5]`.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _common import Figure, line, median, python_loop_ms, record, rounds

from campuseval.cli import main as cli_main
from campuseval.rubricfile.load import find_rubric, to_engine

GOAL_RATIO = 0.5
ROOT = Path(__file__).resolve().parent.parent


def write_scores(path: Path, rubric_id: str, schools: int, seed: int = 2022) -> int:
    """Write SCORES.csv (school,indicator,score,clause) for ``schools`` schools; return its rows."""
    rubric = to_engine(find_rubric(rubric_id))
    rng = np.random.default_rng(seed)
    inds = rubric.indicators
    points = np.array([i.points for i in inds])
    full_share = np.array([0.98 if i.requirement == "basic" else 0.8 for i in inds])
    partial = np.floor(rng.uniform(0.0, 1.0, (schools, len(inds))) * points * 2) / 2
    scores = np.where(rng.random((schools, len(inds))) < full_share, points, partial)
    clause_met = rng.random((schools, len(inds))) < 0.8
    has_clause = [i.has_clause for i in inds]
    codes = [i.code for i in inds]
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write("school,indicator,score,clause\n")
        for n in range(schools):
            name = f"台州市第{n + 1}号示例学校"
            row_scores = scores[n].tolist()
            row_clauses = clause_met[n].tolist()
            out.write(
                "".join(
                    f"{name},{code},{s:g},{('1' if c else '0') if h else ''}\n"
                    for code, s, c, h in zip(codes, row_scores, row_clauses, has_clause, strict=True)
                )
            )
    return schools * len(inds)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--schools", type=int, default=20_000)
    parser.add_argument("--rubric", default="taizhou-2022")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--warmup", type=int, default=1, help="untimed rounds first (imports, caches)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="campuseval-bench-score-") as tmp:
        folder = Path(tmp)
        scores_csv = folder / "scores.csv"
        started = time.perf_counter()
        n_rows = write_scores(scores_csv, args.rubric, args.schools)
        print(
            f"file: {args.schools:,} schools, {n_rows:,} rows, "
            f"{scores_csv.stat().st_size / 1024 / 1024:.1f} MB (written in {time.perf_counter() - started:.1f} s)"
        )
        print(f"machine: 5,000,000 Python additions in {python_loop_ms():.0f} ms")
        out_csv = folder / "results.csv"

        def command() -> None:
            with out_csv.open("w", encoding="utf-8", newline="") as out, contextlib.redirect_stdout(out):
                code = cli_main(["score", args.rubric, str(scores_csv)])
            if code != 0:
                raise SystemExit(f"campuseval score exited {code}")

        def baseline() -> None:
            rows = []
            with scores_csv.open(encoding="utf-8", newline="") as f:
                for row in csv.DictReader(f):
                    rows.append(row)
            if len(rows) != n_rows:
                raise SystemExit(f"DictReader read {len(rows)} rows, not {n_rows}")

        times = rounds({"command": command, "baseline": baseline}, args.repeat, args.warmup, scale=1.0)
        in_process = out_csv.read_bytes()
        results = in_process.decode("utf-8").count("\n") - 1
        if results != args.schools:
            raise SystemExit(f"{results} result rows, not {args.schools}")

        # The real command once, as a user runs it: start-up (Python, imports, the rubric) included.
        exe = ROOT / ".venv" / "bin" / "campuseval"
        header_only = folder / "empty.csv"
        header_only.write_text("school,indicator,score,clause\n", encoding="utf-8")
        sub_times = {}
        for label, path in (("startup", header_only), ("full", scores_csv)):
            started = time.perf_counter()
            done = subprocess.run([str(exe), "score", args.rubric, str(path)], capture_output=True, check=False)
            sub_times[label] = time.perf_counter() - started
            if done.returncode != 0:
                raise SystemExit(f"{exe} exited {done.returncode}: {done.stderr.decode()[:500]}")
        if done.stdout != in_process:
            raise SystemExit("the subprocess's output differs from the in-process run's")

    rows_m = f"{n_rows / 1_000_000:.2f} M rows"
    figure = Figure(
        benchmark="bench_score_cli",
        name=f"`campuseval score`, {args.schools:,} Taizhou schools ({rows_m})",
        unit="s",
        samples=times["command"],
        baseline_name="csv.DictReader into dicts",
        baseline=times["baseline"],
        goal=f"<= {GOAL_RATIO}x the baseline",
        note=(
            f"in-process cli.main; one subprocess run {sub_times['full']:.2f} s, "
            f"of which start-up {sub_times['startup']:.2f} s (header-only file)"
        ),
    )
    figure.met = figure.ratio is not None and figure.ratio <= GOAL_RATIO
    record(figure)
    print(f"rounds: {args.repeat} (after {args.warmup} warm-up), alternating")
    print("  command:  " + " ".join(f"{t:.2f}" for t in times["command"]) + " s")
    print("  baseline: " + " ".join(f"{t:.2f}" for t in times["baseline"]) + " s")
    print(line(figure))
    print(
        f"subprocess `.venv/bin/campuseval score`: {sub_times['full']:.2f} s "
        f"(in-process median {median(times['command']):.2f} s); start-up alone {sub_times['startup']:.2f} s"
    )
    print(f"ratio {figure.ratio:.2f}x, goal <= {GOAL_RATIO}x: {'met' if figure.met else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
