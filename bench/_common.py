"""What every benchmark shares: timing, percentiles, the machine's speed, and the figures it records.

A benchmark prints its own lines for a reader, and calls :func:`record` once per figure. When
``CAMPUSEVAL_BENCH_OUT`` names a file (``bench/run_all.py``, that is ``make bench`` or
``make load``, sets it), each figure is appended to it as one JSON line; ``run_all`` then
writes BENCHMARKS.md from them. Run alone, a benchmark records nothing and only prints.

A figure is the median and p95 of repeated runs of one thing, with the median and p95 of its
baseline measured in the same run (rounds alternate the two, so the machine's drift falls on
both), the ratio of the two medians, and the goal in words with whether it is met. A missed
goal never makes a benchmark fail: the figures say by how much.
"""

from __future__ import annotations

import json
import math
import os
import statistics
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

OUT_VARIABLE = "CAMPUSEVAL_BENCH_OUT"


def p95(samples: list[float]) -> float:
    """The nearest-rank 95th percentile (of 20 samples: the second slowest)."""
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def median(samples: list[float]) -> float:
    return statistics.median(samples)


def python_loop_ms() -> float:
    """The machine's speed at the moment (5,000,000 Python additions, the best of 3): its CPU
    time varies from run to run, and this tells a slower machine from a slower program."""
    best = math.inf
    for _ in range(3):
        started, total = time.perf_counter(), 0
        for n in range(5_000_000):
            total += n
        best = min(best, (time.perf_counter() - started) * 1000)
    return best


def measure(run: Callable[[], Any], repeat: int, warmup: int = 0, scale: float = 1000.0) -> list[float]:
    """Times of ``repeat`` calls of ``run`` after ``warmup`` untimed ones, in milliseconds by
    default (``scale=1`` for seconds)."""
    for _ in range(warmup):
        run()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        times.append((time.perf_counter() - started) * scale)
    return times


def rounds(runs: dict[str, Callable[[], Any]], repeat: int, warmup: int = 0, scale: float = 1000.0) -> dict[str, list[float]]:
    """Times of each run, ``repeat`` rounds of all of them in turn, so the machine's drift (other
    work on its cores) is shared between a run and its baseline."""
    for _ in range(warmup):
        for run in runs.values():
            run()
    times: dict[str, list[float]] = {label: [] for label in runs}
    for _ in range(repeat):
        for label, run in runs.items():
            started = time.perf_counter()
            run()
            times[label].append((time.perf_counter() - started) * scale)
    return times


@dataclass
class Figure:
    """One line of BENCHMARKS.md."""

    benchmark: str  # the script, e.g. "bench_scoring"
    name: str  # what was measured, e.g. "engine, 20,000 schools in memory"
    unit: str  # "ms" or "s"
    samples: list[float]
    baseline_name: str = ""
    baseline: list[float] = field(default_factory=list)
    goal: str = ""  # in words, e.g. "< 100 ms and >= 50x"
    met: bool | None = None  # None: no goal
    note: str = ""

    @property
    def median(self) -> float:
        return median(self.samples)

    @property
    def p95(self) -> float:
        return p95(self.samples)

    @property
    def ratio(self) -> float | None:
        """The figure's median over its baseline's (below 1: faster than the baseline)."""
        if not self.baseline:
            return None
        base = median(self.baseline)
        return self.median / base if base else None

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["median"] = self.median
        data["p95"] = self.p95
        data["baseline_median"] = median(self.baseline) if self.baseline else None
        data["baseline_p95"] = p95(self.baseline) if self.baseline else None
        data["ratio"] = self.ratio
        return data


def record(figure: Figure) -> Figure:
    """Append the figure to the file ``CAMPUSEVAL_BENCH_OUT`` names, if any; return it."""
    path = os.environ.get(OUT_VARIABLE)
    if path:
        with open(path, "a", encoding="utf-8") as out:
            out.write(json.dumps(figure.as_dict(), ensure_ascii=False) + "\n")
    return figure


def line(figure: Figure) -> str:
    """The figure as one printed line."""
    text = f"  {figure.name:<52} median {figure.median:9.2f} {figure.unit}  p95 {figure.p95:9.2f} {figure.unit}"
    if figure.baseline:
        text += f"  | {figure.baseline_name}: median {median(figure.baseline):.2f} {figure.unit}, ratio {figure.ratio:.2f}x"
    if figure.goal:
        text += f"  | goal {figure.goal}: {'met' if figure.met else 'NOT met'}"
    return text
