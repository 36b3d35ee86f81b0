"""What the score charts read: the indicators' sums (missed ★/▲, drift against the county and
the experts, the experts' spread) from ``IndicatorRollup``, drift per unit, and each expert
against the panel; over a region by code prefix, for the day asked (``selectors.Scope``)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Avg, Count, F, Q, Sum
from django.db.models.functions import Substr

from .models import ExpertSummary, IndicatorRollup
from .selectors import Scope, _in_region, _scored, _summaries


@dataclass(frozen=True)
class IndicatorSums:
    """One indicator's counted rows in the scope, added up (from ``IndicatorRollup``)."""

    code: str
    kind: str
    rows: int
    missed: int
    county_n: int
    county_sum: float
    expert_n: int
    expert_sum: float
    spread_n: int
    spread_sum: float


def indicator_sums(s: Scope) -> list[IndicatorSums]:
    """Every indicator's sums in the scope, in one read: the missed, drift and agreement
    charts take what they need from it."""
    fields = ["rows", "missed", "county_n", "county_sum", "expert_n", "expert_sum", "spread_n", "spread_sum"]
    rows = _scored(s, IndicatorRollup).values("code", "kind").annotate(**{f"t_{f}": Sum(f) for f in fields}).order_by("code")
    return [IndicatorSums(r["code"], r["kind"], *(r[f"t_{f}"] for f in fields)) for r in rows]


@dataclass(frozen=True)
class Missed:
    code: str
    kind: str
    schools: int


def most_missed(s: Scope, limit: int = 10, *, sums: list[IndicatorSums] | None = None) -> list[Missed]:
    """The ★ then ▲ indicators most schools miss at the level that counts."""
    found = sorted((x for x in (sums if sums is not None else indicator_sums(s)) if x.missed), key=lambda x: (-x.missed, x.code))
    out: list[Missed] = []
    for kind in ("basic", "demo"):
        out += [Missed(x.code, kind, x.missed) for x in found if x.kind == kind][:limit]
    return out


@dataclass(frozen=True)
class Drift:
    key: str  # a unit code or an indicator code
    name: str
    vs_county: float | None  # mean of self − county
    vs_experts: float | None  # mean of self − experts' combined
    n: int


def drift_by_unit(s: Scope) -> list[Drift]:
    """Per unit: how many points an application's own scores lie above the county's, summed
    over the indicators the county scored, and above the experts' combined total; averaged over
    the applications that have each."""
    names = {u.code: u.name for u in s.units}
    totals = (
        _summaries(s).exclude(level="")
        .annotate(unit=Substr("region_code", 1, s.unit_length)).values("unit")
        .annotate(
            c=Avg("county_drift"),
            e=Avg(F("self_total") - F("expert_total"), filter=Q(expert_total__isnull=False)), n=Count("pk"),
        )
    )
    found = {r["unit"].ljust(6, "0"): r for r in totals}
    return [
        Drift(code, name, _round(found[code]["c"]), _round(found[code]["e"]), found[code]["n"])
        for code, name in names.items() if code in found
    ]


def drift_by_indicator(s: Scope, limit: int = 10, *, sums: list[IndicatorSums] | None = None) -> list[Drift]:
    """The indicators where schools' own scores lie furthest above the experts' (then the
    county's)."""
    found = [
        Drift(x.code, x.code, _round(_mean(x.county_sum, x.county_n)), _round(_mean(x.expert_sum, x.expert_n)), x.rows)
        for x in (sums if sums is not None else indicator_sums(s))
    ]
    found = [d for d in found if d.vs_county or d.vs_experts]
    found.sort(key=lambda d: (-(d.vs_experts if d.vs_experts is not None else d.vs_county or 0), d.key))
    return found[:limit]


@dataclass(frozen=True)
class Spread:
    code: str
    mean: float
    n: int


def spread_by_indicator(s: Scope, limit: int = 10, *, sums: list[IndicatorSums] | None = None) -> list[Spread]:
    """The indicators the experts agree on least: the mean gap between the highest and the
    lowest score of a panel."""
    found = sorted(
        ((x.spread_sum / x.spread_n, x.code, x.spread_n) for x in (sums if sums is not None else indicator_sums(s)) if x.spread_n),
        key=lambda r: (-r[0], r[1]),
    )
    return [Spread(code, round(m, 2), n) for m, code, n in found[:limit]]


@dataclass(frozen=True)
class ExpertAgreement:
    expert_id: int
    name: str
    reviews: int
    signed: float  # mean of own − panel mean per indicator
    absolute: float


def expert_agreement(s: Scope) -> list[ExpertAgreement]:
    ids = _summaries(s).values("application_id")
    rows = (
        _in_region(ExpertSummary.objects.filter(application_id__in=ids, indicators__gt=0), s)
        .values("expert_id", "expert__full_name", "expert__username")
        .annotate(r=Count("pk"), n=Sum("indicators"), si=Sum("signed"), ab=Sum("absolute"))
    )
    out = [
        ExpertAgreement(
            r["expert_id"], r["expert__full_name"] or r["expert__username"], r["r"],
            round(r["si"] / r["n"], 2), round(r["ab"] / r["n"], 2),
        )
        for r in rows
    ]
    return sorted(out, key=lambda e: (-e.absolute, e.name))


def _mean(total: float | None, n: int | None) -> float | None:
    return total / n if n and total is not None else None


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 2)
