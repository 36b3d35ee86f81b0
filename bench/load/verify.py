"""After the locust run: is every acknowledged save in the database, with the value last saved?

The locust users keep, per (application or assignment, indicator), the last value the server
acknowledged (``locustfile.ACKS``); a save whose request failed leaves that pair *uncertain*
(the server may or may not have saved it) until a later save of it is acknowledged, and
uncertain pairs are counted, not compared. Nothing else writes these rows during the run (the
load test's schools, county users and expert are its own), so the stored value must be the
last acknowledged one exactly: the score, the ▲ clause and the comment of the school's
self-assessment; the county's score and comment; the expert's score, clause and comment.

Run with Django set up against the production database, as ``setup_data`` is.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

CLAUSE = {"yes": True, "no": False}


@dataclass
class Checked:
    kind: str  # school, county, expert
    pairs: int = 0
    uncertain: int = 0
    mismatches: list[str] = field(default_factory=list)


def _score(text: str) -> Decimal | None:
    return Decimal(text) if text.strip() else None


def _pairs(acks: dict[str, dict[str, Any]]) -> dict[tuple[int, str], dict[str, Any]]:
    out = {}
    for key, value in acks.items():
        owner, _, code = key.partition("|")
        out[(int(owner), code)] = value
    return out


def _compare(checked: Checked, where: str, expected: dict[str, Any], stored: dict[str, Any] | None) -> None:
    checked.pairs += 1
    if stored is None:
        checked.mismatches.append(f"{where}: not in the database")
        return
    wrong = [f"{k} {stored[k]!r} != {v!r}" for k, v in expected.items() if stored[k] != v]
    if wrong:
        checked.mismatches.append(f"{where}: {'; '.join(wrong)}")


def verify(acks: dict[str, dict[str, dict[str, Any]]], uncertain: dict[str, list[str]]) -> list[Checked]:
    from campuseval.campaigns.models import ExpertScore, IndicatorScore

    results = []
    for kind in ("school", "county", "expert"):
        checked = Checked(kind)
        skip = set(uncertain.get(kind, []))
        checked.uncertain = len(skip)
        wanted = {k: v for k, v in _pairs(acks.get(kind, {})).items() if f"{k[0]}|{k[1]}" not in skip}
        owners = {owner for owner, _ in wanted}
        if kind == "expert":
            rows = ExpertScore.objects.filter(assignment_id__in=owners).values(
                "assignment_id", "code", "score", "clause_met", "comment"
            )
            stored = {(r["assignment_id"], r["code"]): r for r in rows}
        else:
            rows = IndicatorScore.objects.filter(application_id__in=owners).values(
                "application_id", "code", "self_score", "clause_met", "comment", "county_score", "county_comment"
            )
            stored = {(r["application_id"], r["code"]): r for r in rows}
        for (owner, code), ack in sorted(wanted.items()):
            row = stored.get((owner, code))
            if kind == "school":
                expected = {"self_score": _score(ack["score"]), "clause_met": CLAUSE.get(ack["clause"] or ""),
                            "comment": ack["comment"]}
            elif kind == "county":
                expected = {"county_score": _score(ack["score"]), "county_comment": ack["comment"]}
            else:
                expected = {"score": _score(ack["score"]), "clause_met": ack["clause"], "comment": ack["comment"]}
            _compare(checked, f"{kind} {owner} {code}", expected, row)
        results.append(checked)
    return results
