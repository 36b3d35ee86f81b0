"""Writes of the summary table: what each application's scores give at each level, computed
with the campaigns' own rules (``result_for``, ``combine``) and stored when they change.

``applications_changed`` is the campaigns' hook (inside the service's transaction);
``rebuild`` recomputes every row from scratch, in batches, for ``campuseval analytics rebuild``
and the province demo. Both go through ``summaries``, so they cannot differ.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Count, F, FloatField, Q, QuerySet, Sum
from django.db.models.functions import Cast

from campuseval.audit.services import audit_log, snapshot
from campuseval.bulk import insert_columns, insert_rows
from campuseval.campaigns.models import Application, ExpertScore, IndicatorScore, Status
from campuseval.campaigns.selectors import combine, gap_thresholds, result_for
from campuseval.engine import Rubric, SchoolResult
from campuseval.engine.facts import FactValue

from .models import (
    ApplicationSummary,
    AreaSummary,
    ExpertSummary,
    IndicatorRollup,
    IndicatorSummary,
    Level,
    RegionMap,
)

# Applications whose scores do not count yet (or no longer): the pipeline still shows them.
NOT_COUNTED = frozenset({Status.DRAFT, Status.WITHDRAWN})
BATCH = 500


Row = dict[str, Any]  # a summary row by attribute name (model instances cost too much here)


@dataclass
class Rows:
    summaries: list[Row] = field(default_factory=list)
    areas: list[Row] = field(default_factory=list)
    indicators: list[Row] = field(default_factory=list)
    experts: list[Row] = field(default_factory=list)


def _kind(rubric: Rubric, code: str) -> str:
    ind = rubric.indicator(code)
    return ind.requirement or ind.clause_requirement or ""


ExpertRow = tuple[int, int, str, float | None, bool | None]  # assignment, expert, code, score, clause


def _expert_rows(ids: Sequence[int]) -> dict[int, list[ExpertRow]]:
    # As floats, as the own rows below: all that combine() and the summary take of them.
    rows = ExpertScore.objects.filter(
        assignment__application_id__in=ids, assignment__submitted_at__isnull=False
    ).values_list(
        "assignment__application_id", "assignment_id", "assignment__expert_id", "code",
        Cast("score", FloatField()), "clause_met",
    )
    out: dict[int, list[ExpertRow]] = {}
    for app_id, assignment_id, expert_id, code, score, clause in rows.iterator(chunk_size=5000):
        out.setdefault(app_id, []).append((assignment_id, expert_id, code, score, clause))
    return out


Own = tuple[str, float | None, bool | None, float | None]  # code, self, clause, county


def _own_rows(ids: Sequence[int]) -> dict[int, list[Own]]:
    # The scores as floats, which is all the summary uses of them: turning a province's
    # hundreds of thousands of values into Decimals first costs more than reading them.
    rows = IndicatorScore.objects.filter(application_id__in=ids).order_by("id").values_list(
        "application_id", "code", Cast("self_score", FloatField()), "clause_met", Cast("county_score", FloatField())
    )
    out: dict[int, list[Own]] = {}
    for app_id, code, own, clause, county in rows.iterator(chunk_size=5000):
        out.setdefault(app_id, []).append((code, own, clause, county))
    return out


# The school's facts change nothing of a result but its fact warnings (engine.scoring:
# ``build_result``), which the summary does not keep: the summary scores without them, and
# neither reads the facts nor checks them (seconds over a province: bench/bench_recompute.py).
NO_FACTS: dict[str, FactValue] = {}


def summaries(applications: Sequence[Application]) -> Rows:
    """The summary rows of these applications (campaign, rubric and the school's county
    selected)."""
    out = Rows()
    ids = [a.pk for a in applications]
    experts, owns = _expert_rows(ids), _own_rows(ids)
    rubrics: dict[int, Rubric] = {}
    thresholds: dict[int, dict[str, float]] = {}
    kinds: dict[int, dict[str, str]] = {}
    for app in applications:
        campaign = app.campaign
        if campaign.pk not in rubrics:
            rubrics[campaign.pk] = campaign.rubric.engine_rubric()
            thresholds[campaign.pk] = gap_thresholds(campaign, rubrics[campaign.pk])
            kinds[campaign.pk] = {ind.code: _kind(rubrics[campaign.pk], ind.code) for ind in rubrics[campaign.pk].indicators}
        rubric, kind = rubrics[campaign.pk], kinds[campaign.pk]
        scores = owns.get(app.pk, [])
        clauses = {code: bool(clause) for code, _s, clause, _c in scores if clause is not None}

        def result(
            values: dict[str, float], clause_met: dict[str, bool], app: Application = app, rubric: Rubric = rubric
        ) -> SchoolResult:
            return result_for(app, values, clause_met, rubric=rubric, facts=NO_FACTS)

        own = result({code: float(v) for code, v, _m, _c in scores if v is not None}, clauses)
        county_rows = {code: float(v) for code, _s, _m, v in scores if v is not None}
        county = result(county_rows, clauses) if county_rows else None
        panel_rows = experts.get(app.pk, [])
        combined = None
        panel: dict[str, Any] = {}
        if panel_rows:
            panel, panel_clauses = combine(
                campaign, rubric, [(c, s, m) for _a, _e, c, s, m in panel_rows], thresholds[campaign.pk]
            )
            combined = result({c.code: c.value for c in panel.values()}, panel_clauses)
        counts = combined or county or own
        level = "" if app.status in NOT_COUNTED else (
            Level.EXPERT if combined else Level.COUNTY if county else Level.SELF
        )
        missed = set(counts.basic_missed) | set(counts.demo_missed) if level else set()
        region_code = app.school.county.code
        common = {"application_id": app.pk, "campaign_id": campaign.pk, "region_code": region_code}
        per_row = {**common, "year": campaign.year, "counted": bool(level)}
        out.summaries.append(dict(
            school_id=app.school_id, county_id=app.school.county_id, year=campaign.year,
            status=app.status, applied_tier=app.applied_tier, decided_tier=app.decided_tier,
            self_total=own.total, county_total=county.total if county else None,
            expert_total=combined.total if combined else None,
            self_tier=own.tier or "", county_tier=(county.tier or "") if county else "",
            expert_tier=(combined.tier or "") if combined else "",
            experts=len({a for a, *_ in panel_rows}), level=level,
            missed_basic=len(counts.basic_missed) if level else 0,
            missed_demo=len(counts.demo_missed) if level else 0,
            county_drift=sum(float(v or 0) - float(c) for _code, v, _m, c in scores if c is not None) if county_rows else None,
            **common,
        ))
        if not level:
            # A draft's or a withdrawn application's area and indicator rows would be read by
            # nothing (every reader takes the counted ones: selectors._scored, the roll-up, its
            # missed indicators are none): its summary row is all the dashboards show of it,
            # and a school's save writes one row, not ninety.
            continue
        for area, total in own.area_totals.items():
            out.areas.append(dict(
                area=area, self_total=total,
                county_total=county.area_totals.get(area) if county else None,
                expert_total=combined.area_totals.get(area) if combined else None, **per_row,
            ))
        by_code = {row[0]: row for row in scores}
        for ind in rubric.indicators:
            code, self_score, _m, county_score = by_code.get(ind.code, (ind.code, None, None, None))
            got = panel.get(ind.code)
            out.indicators.append(dict(
                code=ind.code, kind=kind[ind.code], missed=ind.code in missed,
                self_score=float(self_score) if self_score is not None else None,
                county_score=float(county_score) if county_score is not None else None,
                expert_score=got.value if got and got.scores else None,
                spread=got.gap if got and len(got.scores) > 1 else None, **per_row,
            ))
        by_assignment: dict[tuple[int, int], list[tuple[str, float | None]]] = {}
        for assignment_id, expert_id, code, score, _clause in panel_rows:
            by_assignment.setdefault((assignment_id, expert_id), []).append((code, score))
        for (assignment_id, expert_id), own_scores in by_assignment.items():
            diffs = [
                float(score) - sum(panel[code].scores) / len(panel[code].scores)
                for code, score in own_scores
                if score is not None and code in panel and panel[code].scores
            ]
            out.experts.append(dict(
                assignment_id=assignment_id, expert_id=expert_id, indicators=len(diffs),
                signed=sum(diffs), absolute=sum(abs(d) for d in diffs), **common,
            ))
    return out


def _applications(ids: Iterable[int] | None = None) -> Any:
    # Not the rubric's content: it would be decoded once per application, and the engine's
    # model of each version is built once per process from its content hash.
    qs = Application.objects.select_related("campaign__rubric", "school__county").defer("campaign__rubric__content")
    return qs if ids is None else qs.filter(pk__in=list(ids))


def _replace(ids: Sequence[int], rows: Rows) -> None:
    # Only counted rows are added up: a draft's scores, before and after, change no roll-up
    # (a school saving its self-assessment need not add up its county again on every save).
    before = ApplicationSummary.objects.filter(pk__in=ids).exclude(level="")
    pairs = set(before.values_list("campaign_id", "region_code"))
    for model in (ApplicationSummary, AreaSummary, IndicatorSummary, ExpertSummary):
        model.objects.filter(application_id__in=ids).delete()
    _store(rows)
    after = {(r["campaign_id"], r["region_code"]) for r in rows.summaries if r["level"]}
    if pairs | after:
        roll_up(pairs | after)


BOTH_COUNTY = Q(county_score__isnull=False, self_score__isnull=False)
BOTH_EXPERT = Q(expert_score__isnull=False, self_score__isnull=False)
SPREAD = Q(spread__gt=0)
ROLLUP_SUMS = {
    "rows": Count("pk"), "missed": Count("pk", filter=Q(missed=True)),
    "county_n": Count("pk", filter=BOTH_COUNTY), "county_sum": Sum(F("self_score") - F("county_score"), filter=BOTH_COUNTY),
    "expert_n": Count("pk", filter=BOTH_EXPERT), "expert_sum": Sum(F("self_score") - F("expert_score"), filter=BOTH_EXPERT),
    "spread_n": Count("pk", filter=SPREAD), "spread_sum": Sum("spread", filter=SPREAD),
}


def rollup_rows(rows: QuerySet[IndicatorSummary]) -> QuerySet[Any]:
    """The counted indicator rows added up per campaign, county and indicator, as
    ``IndicatorRollup`` stores them."""
    return rows.filter(counted=True).values("campaign_id", "region_code", "year", "code", "kind").annotate(**ROLLUP_SUMS).order_by()


def roll_up(pairs: set[tuple[int, str]] | None) -> None:
    """Add up again the indicator rows of these (campaign, county) pairs; None: all of them."""
    if pairs is None:
        IndicatorRollup.objects.all().delete()
        sources = [IndicatorSummary.objects.all()]
    else:
        by_campaign: dict[int, set[str]] = {}
        for campaign_id, region_code in pairs:
            by_campaign.setdefault(campaign_id, set()).add(region_code)
        sources = []
        for campaign_id, codes in by_campaign.items():
            IndicatorRollup.objects.filter(campaign_id=campaign_id, region_code__in=codes).delete()
            sources.append(IndicatorSummary.objects.filter(campaign_id=campaign_id, region_code__in=codes))
    columns = insert_columns(IndicatorRollup)
    for source in sources:
        insert_rows(IndicatorRollup, columns, (
            tuple(r[c] if r[c] is not None else 0 for c in columns) for r in rollup_rows(source)
        ))


def _store(rows: Rows) -> None:
    for model, objects in (
        (ApplicationSummary, rows.summaries), (AreaSummary, rows.areas),
        (IndicatorSummary, rows.indicators), (ExpertSummary, rows.experts),
    ):
        columns = insert_columns(model)
        insert_rows(model, columns, (tuple(o[c] for c in columns) for o in objects))


def refresh(ids: Sequence[int]) -> None:
    """Recompute the summary of these applications (a row per application that exists)."""
    for start in range(0, len(ids), BATCH):
        chunk = list(ids[start : start + BATCH])
        _replace(chunk, summaries(list(_applications(chunk))))


def applications_changed(ids: list[int], scores: bool) -> None:
    """The campaigns' hook. A status change alone updates the row's status fields in one
    query; anything else, or a row not there yet, recomputes the application."""
    if not scores:
        stale = []
        for app in Application.objects.filter(pk__in=ids):
            updated = ApplicationSummary.objects.filter(pk=app.pk, level__in=_unchanged_level(app.status)).update(
                status=app.status, decided_tier=app.decided_tier,
            )
            if not updated:
                stale.append(app.pk)
        ids = stale
    refresh(ids)


def _unchanged_level(status: str) -> list[str]:
    """The levels a row may already have when only the status moves: a move into or out of the
    statuses that do not count changes what the row counts, so it is recomputed."""
    if status in NOT_COUNTED:
        return [""]
    return [Level.SELF, Level.COUNTY, Level.EXPERT]


@transaction.atomic
def rebuild() -> int:
    """Recompute the whole summary from the campaigns' rows; the number of applications."""
    for model in (ExpertSummary, IndicatorSummary, AreaSummary, ApplicationSummary):
        model.objects.all().delete()
    ids = list(Application.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), BATCH):
        _store(summaries(list(_applications(ids[start : start + BATCH]))))
    roll_up(None)
    return len(ids)


@transaction.atomic
def region_map_save(*, by: Any, region: Any, geojson: dict[str, Any], source: str, licence: str) -> RegionMap:
    """A platform administrator's GeoJSON for a region, with its source and licence (audited)."""
    found = RegionMap.objects.filter(region=region).first()
    before = snapshot(found, ["source", "licence"]) if found else None
    row = found or RegionMap(region=region)
    row.geojson, row.source, row.licence, row.uploaded_by = geojson, source.strip(), licence.strip(), by
    row.save()
    audit_log(
        "update" if found else "create", row, before=before,
        after={**snapshot(row, ["source", "licence"]), "features": len(geojson.get("features", []))},
        region_code=region.code, by=by,
    )
    return row
