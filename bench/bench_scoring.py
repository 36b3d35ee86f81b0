"""Benchmark: score 20,000 schools on Taizhou 2022 from in-memory arrays.

Targets (issue 2): the batch takes under 100 ms on a 2-core machine and is at least 50 times
faster than scoring the same schools one at a time in plain Python. Both are measured in
this run, on the same data; the figures and the ratio are printed and recorded (bench/_common.py).
A missed goal is reported, not failed; results that disagree fail. Run: `make bench`.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import Figure, line, record

from campuseval.engine import SchoolInput, compile_rubric, score_arrays, score_school
from campuseval.rubricfile.load import find_rubric, to_engine


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--schools", type=int, default=20_000)
    parser.add_argument("--rubric", default="taizhou-2022")
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--baseline-repeat", type=int, default=3, help="runs of the one-at-a-time loop (seconds each)")
    args = parser.parse_args()

    rubric = to_engine(find_rubric(args.rubric))
    rng = np.random.default_rng(2022)
    points = np.array([i.points for i in rubric.indicators])
    # A realistic spread: ★ indicators nearly always at full points, others often; the rest
    # somewhere below, in half-point steps.
    full_share = np.array([0.98 if i.requirement == "basic" else 0.8 for i in rubric.indicators])
    partial = np.floor(rng.uniform(0.0, 1.0, (args.schools, len(points))) * points * 2) / 2
    scores = np.where(rng.random((args.schools, len(points))) < full_share, points, partial)
    clauses = rng.random((args.schools, len(points))) < 0.8

    compiled = compile_rubric(rubric)
    batch_times = []
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        result = score_arrays(compiled, scores, clauses)
        batch_times.append(time.perf_counter() - t0)
    batch = min(batch_times)

    codes = [i.code for i in rubric.indicators]
    inputs = [
        SchoolInput(
            f"s{n}",
            dict(zip(codes, scores[n].tolist(), strict=True)),
            dict(zip(codes, clauses[n].tolist(), strict=True)),
        )
        for n in range(args.schools)
    ]
    alone_times = []
    for _ in range(args.baseline_repeat):
        t0 = time.perf_counter()
        alone = [score_school(rubric, s, path=False) for s in inputs]
        alone_times.append(time.perf_counter() - t0)
    one_at_a_time = statistics.median(alone_times)

    # The two must agree, or the speed means nothing.
    assert all(abs(a.total - b) < 1e-9 for a, b in zip(alone, result.total.tolist(), strict=True))
    assert [rubric.tier_rank(a.uncapped_tier) for a in alone] == result.rank.tolist()

    ratio = one_at_a_time / statistics.median(batch_times)
    tiers = {name: int((result.rank == rubric.tier_rank(name)).sum()) for name in [t.name for t in rubric.tiers]}
    print(f"rubric: {rubric.id} ({len(codes)} indicators), schools: {args.schools}")
    print(f"batch (numpy arrays), best of {args.repeat}: {batch * 1000:.1f} ms "
          f"(median {statistics.median(batch_times) * 1000:.1f} ms)  target < 100 ms")
    print(f"one at a time (plain Python):     {one_at_a_time * 1000:.0f} ms")
    print(f"ratio (medians): {ratio:.0f}x  target >= 50x")
    print(f"tiers: {tiers}, none: {int((result.rank == 0).sum())}")
    figure = record(Figure(
        benchmark="bench_scoring", name=f"engine, {args.schools:,} schools in memory ({rubric.id})", unit="ms",
        samples=[t * 1000 for t in batch_times], baseline_name="one at a time in plain Python",
        baseline=[t * 1000 for t in alone_times], goal="< 100 ms and >= 50x faster",
        met=statistics.median(batch_times) < 0.100 and ratio >= 50,
    ))
    print(line(figure))
    return 0


if __name__ == "__main__":
    sys.exit(main())
