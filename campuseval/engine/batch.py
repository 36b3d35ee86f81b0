"""Score many schools at once from arrays (numpy): the scorer for province-scale runs.

Indicators are laid out in rubric order, so each sub-area is a contiguous run of columns and
``np.add.reduceat`` sums it; areas likewise over sub-areas. The results must equal
:func:`campuseval.engine.school.score_school` school by school.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from .model import EPSILON, Quota, Rubric
from .path import next_tier_path
from .scoring import (
    SchoolInput,
    SchoolResult,
    build_result,
    clause_vector,
    required_score,
    score_vector,
)

Floats = npt.NDArray[np.float64]
Bools = npt.NDArray[np.bool_]
Ints = npt.NDArray[np.int64]


@dataclass(frozen=True)
class Compiled:
    """A rubric laid out as arrays once, to score any number of schools."""

    rubric: Rubric
    sub_starts: Ints
    sub_caps: Floats
    area_starts: Ints
    area_caps: Floats
    total_cap: float
    thresholds: dict[str, Floats]  # per kind: score needed, -inf where no score requirement
    clause_req: dict[str, Bools]  # per kind: indicator has a clause of that kind
    has_req: dict[str, Bools]  # per kind: indicator carries that kind at all


def compile_rubric(rubric: Rubric) -> Compiled:
    sub_starts, sub_caps, area_starts, area_caps = [], [], [], []
    col = 0
    sub_n = 0
    for area in rubric.areas:
        area_starts.append(sub_n)
        area_caps.append(np.inf if area.cap is None else area.cap)
        for sub in area.subareas:
            sub_starts.append(col)
            sub_caps.append(np.inf if sub.cap is None else sub.cap)
            col += len(sub.indicators)
            sub_n += 1
    thresholds: dict[str, Floats] = {}
    clause_req: dict[str, Bools] = {}
    has_req: dict[str, Bools] = {}
    for kind in ("basic", "demo"):
        thresholds[kind] = np.array(
            [
                required_score(rubric, i) - EPSILON if i.requirement == kind else -np.inf
                for i in rubric.indicators
            ]
        )
        clause_req[kind] = np.array([i.clause_requirement == kind for i in rubric.indicators])
        has_req[kind] = np.isfinite(thresholds[kind]) | clause_req[kind]
    return Compiled(
        rubric=rubric,
        sub_starts=np.array(sub_starts, dtype=np.int64),
        sub_caps=np.array(sub_caps, dtype=np.float64),
        area_starts=np.array(area_starts, dtype=np.int64),
        area_caps=np.array(area_caps, dtype=np.float64),
        total_cap=np.inf if rubric.total_cap is None else rubric.total_cap,
        thresholds=thresholds,
        clause_req=clause_req,
        has_req=has_req,
    )


@dataclass(frozen=True)
class BatchResult:
    total: Floats  # (n,)
    area_totals: Floats  # (n, areas)
    subarea_totals: Floats  # (n, sub-areas)
    missed: dict[str, Bools]  # per kind (n, indicators): requirement carried and missed
    rank: Ints  # (n,) tier rank, 0 for none


def _quota_ok(quota: Quota, met: Ints, count: int) -> Bools:
    if quota == "none":
        return np.ones(met.shape, dtype=bool)
    ok: Bools = met == count if quota == "all" else met >= quota
    return ok


def score_arrays(compiled: Compiled, scores: Floats, clauses: Bools) -> BatchResult:
    """Score ``scores`` (schools x indicators) with ``clauses`` (same shape, bool)."""
    rubric = compiled.rubric
    subs = np.minimum(np.add.reduceat(scores, compiled.sub_starts, axis=1), compiled.sub_caps)
    areas = np.minimum(np.add.reduceat(subs, compiled.area_starts, axis=1), compiled.area_caps)
    total = np.minimum(areas.sum(axis=1), compiled.total_cap)
    missed: dict[str, Bools] = {}
    met_count: dict[str, tuple[Ints, int]] = {}
    for kind in ("basic", "demo"):
        miss = (scores < compiled.thresholds[kind]) | (compiled.clause_req[kind] & ~clauses)
        missed[kind] = miss
        count = int(compiled.has_req[kind].sum())
        met_count[kind] = (count - miss.sum(axis=1), count)
    rank = np.zeros(scores.shape[0], dtype=np.int64)
    for n, tier in enumerate(reversed(rubric.tiers), start=1):
        ok = _quota_ok(tier.basic, *met_count["basic"]) & _quota_ok(tier.demo, *met_count["demo"])
        if tier.min_total is not None:
            ok &= total >= tier.min_total - EPSILON
        rank = np.where(ok, n, rank)
    return BatchResult(total, areas, subs, missed, rank)


def score_schools(
    rubric: Rubric, schools: Sequence[SchoolInput], *, path: bool = True
) -> list[SchoolResult]:
    """Score many schools at once; equal, school by school, to scoring each alone."""
    compiled = compile_rubric(rubric)
    vectors = [score_vector(rubric, s.scores) for s in schools]
    clause_lists = [clause_vector(rubric, s.clauses) for s in schools]
    m = len(rubric.indicators)
    scores = np.array(vectors, dtype=np.float64).reshape(len(schools), m)
    clauses = np.array(clause_lists, dtype=bool).reshape(len(schools), m)
    batch = score_arrays(compiled, scores, clauses)
    codes = [i.code for i in rubric.indicators]
    has = {k: compiled.has_req[k] for k in ("basic", "demo")}
    results = []
    for n, school in enumerate(schools):
        split = {}
        for kind in ("basic", "demo"):
            row = batch.missed[kind][n]
            split[kind] = (
                tuple(c for c, h, x in zip(codes, has[kind], row, strict=True) if h and not x),
                tuple(c for c, h, x in zip(codes, has[kind], row, strict=True) if h and x),
            )
        rank = int(batch.rank[n])
        results.append(
            build_result(
                rubric,
                school,
                vector=vectors[n],
                clauses=clause_lists[n],
                total=float(batch.total[n]),
                area_totals=batch.area_totals[n].tolist(),
                sub_totals=batch.subarea_totals[n].tolist(),
                rank=rank,
                basic=split["basic"],
                demo=split["demo"],
                path=next_tier_path(rubric, vectors[n], clause_lists[n], rank) if path else None,
            )
        )
    return results
