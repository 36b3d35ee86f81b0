"""The way to the next tier (升级路径): the fewest indicators to raise, and by how much.

Missed requirements the target tier needs (every missed ★, and for the top tier every
missed ▲) must be fixed whatever else happens, so they come first. If the total is still
short, the extra indicators are chosen by dynamic programming over the rubric tree: within
a sub-area the best j indicators to raise are the j largest shortfalls; sub-areas and areas
combine by max-plus convolution, and because a cap ``min(cap, x)`` is monotone in ``x`` the
capped optimum of each node is the cap of its uncapped optimum. That gives the true minimum
number of indicators, which a brute-force property test confirms. Finally each raise is
trimmed to the lowest half point that still reaches the tier.
"""

from __future__ import annotations

from collections.abc import Sequence

from .model import EPSILON, Quota, Rubric
from .scoring import Step, TierPath, evaluate_vector, required_score, requirement_met

_NEG = float("-inf")


def _best_per_count(base: float, gains: list[tuple[float, int]]) -> list[tuple[float, list[int]]]:
    """For j = 0..len(gains): the highest base + sum of j gains, and which indicators."""
    ordered = sorted(gains, key=lambda g: (-g[0], g[1]))
    out: list[tuple[float, list[int]]] = [(base, [])]
    running, chosen = base, list[int]()
    for gain, idx in ordered:
        running += gain
        chosen = [*chosen, idx]
        out.append((running, chosen))
    return out


def _combine(
    children: list[list[tuple[float, list[int]]]], cap: float | None
) -> list[tuple[float, list[int]]]:
    """Max-plus convolution of children's best-per-count tables, then the node's cap."""
    acc: list[tuple[float, list[int]]] = [(0.0, [])]
    for child in children:
        nxt: list[tuple[float, list[int]]] = [(_NEG, [])] * (len(acc) + len(child) - 1)
        for i, (va, ca) in enumerate(acc):
            for j, (vb, cb) in enumerate(child):
                if va + vb > nxt[i + j][0]:
                    nxt[i + j] = (va + vb, ca + cb)
        acc = nxt
    if cap is not None:
        acc = [(min(v, cap), c) for v, c in acc]
    return acc


def _pick_quota(quota: Quota, missed: list[int], met: int, gains: Sequence[float]) -> list[int]:
    """The missed requirements a quota forces: all of them, or enough to reach N."""
    if quota == "none":
        return []
    if quota == "all":
        return missed
    need = max(0, quota - met)
    return sorted(missed, key=lambda i: (-gains[i], i))[:need]


def next_tier_path(
    rubric: Rubric, vector: Sequence[float], clauses: Sequence[bool], rank: int
) -> TierPath | None:
    """The way from tier ``rank`` to the tier above it; None at the top tier."""
    target = rubric.tier_by_rank(rank + 1)
    if target is None:
        return None
    inds = rubric.indicators
    n = len(inds)
    full_gain = [inds[i].points - vector[i] for i in range(n)]

    new_scores = list(vector)
    new_clauses = list(clauses)
    floor = list(vector)  # the lowest score each indicator may be trimmed back to
    forced: set[int] = set()
    for kind, quota in (("basic", target.basic), ("demo", target.demo)):
        status = [requirement_met(rubric, ind, vector[i], clauses[i], kind) for i, ind in enumerate(inds)]
        missed = [i for i, s in enumerate(status) if s is False]
        met = sum(1 for s in status if s is True)
        for i in _pick_quota(quota, missed, met, full_gain):
            forced.add(i)
            ind = inds[i]
            if ind.clause_requirement == kind:
                new_clauses[i] = True
            if ind.requirement == kind:
                floor[i] = max(floor[i], required_score(rubric, ind))
            # A forced indicator changes anyway: raising it to full costs nothing extra.
            new_scores[i] = max(new_scores[i], ind.points)

    chosen: list[int] = []
    min_total = target.min_total
    if min_total is not None:
        area_tables = []
        for area in rubric.areas:
            sub_tables = []
            for sub in area.subareas:
                base, gains = 0.0, []
                for ind in sub.indicators:
                    i = rubric.index[ind.code]
                    base += new_scores[i]
                    if i not in forced and new_scores[i] < ind.points - EPSILON:
                        gains.append((ind.points - new_scores[i], i))
                table = _best_per_count(base, gains)
                if sub.cap is not None:
                    table = [(min(v, sub.cap), c) for v, c in table]
                sub_tables.append(table)
            area_tables.append(_combine(sub_tables, area.cap))
        best = _combine(area_tables, rubric.total_cap)
        hit = next((c for v, c in best if v >= min_total - EPSILON), None)
        if hit is None:
            return _unreachable(rubric, target.name, vector, clauses)
        chosen = hit
        for i in chosen:
            new_scores[i] = inds[i].points

    step = 1.0 if rubric.kind == "criteria" else 0.5
    changed = sorted(forced | set(chosen))
    # Trim the extra raises first, then any surplus on forced ones, keeping the tier.
    for i in [*chosen, *sorted(forced)]:
        target_score = new_scores[i]
        while (
            target_score - step >= floor[i] - EPSILON
            if i in forced
            else target_score - step > vector[i] + EPSILON
        ):
            trial = [*new_scores]
            trial[i] = target_score - step
            if evaluate_vector(rubric, trial, new_clauses)[1] < rank + 1:
                break
            target_score -= step
        new_scores[i] = target_score

    steps = tuple(
        Step(
            code=inds[i].code,
            from_score=vector[i],
            to_score=new_scores[i],
            set_clause=new_clauses[i] and not clauses[i],
        )
        for i in changed
    )
    return TierPath(target=target.name, steps=steps)


def _unreachable(
    rubric: Rubric, target: str, vector: Sequence[float], clauses: Sequence[bool]
) -> TierPath:
    """Even full marks everywhere do not reach the tier (caps below its threshold)."""
    steps = tuple(
        Step(ind.code, vector[i], ind.points, ind.has_clause and not clauses[i])
        for i, ind in enumerate(rubric.indicators)
        if vector[i] < ind.points or (ind.has_clause and not clauses[i])
    )
    return TierPath(target=target, steps=steps, reachable=False)
