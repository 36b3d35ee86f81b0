"""What a user may see of an application, shaped for the output serializers."""

from __future__ import annotations

from typing import Any

from rest_framework.request import Request

from campuseval.accounts.models import User
from campuseval.campaigns import access, visibility
from campuseval.campaigns.models import Application, Campaign, ExpertAssignment
from campuseval.campaigns.selectors import combined_result, self_result
from campuseval.campaigns.selectors.county import quota_usage
from campuseval.evidence.access import links_for_viewer
from campuseval.evidence.models import EvidenceLink

from . import serializers as s


def application_data(request: Request, application: Application) -> Any:
    """The application with the engine's result of its self-assessment, as the viewer may see it
    (``campaigns.visibility``: the same rule as the pages)."""
    rows = list(application.scores.all())
    rubric = application.campaign.rubric.engine_rubric()
    view = visibility.application_view(request.user, application)
    decision = None
    if view.decision:
        decision = {
            "tier": application.decided_tier or None,
            "tier_name": application.decided_tier or rubric.no_tier,
            "scored_tier": (application.scored_tier or None) if view.city_detail else None,
            "combined_total": application.combined_total if view.combined_total else None,
            "override_reason": application.override_reason if view.city_detail else "",
            "decided_at": application.decided_at,
        }
    city_review = None
    if view.city_detail:
        combined = combined_result(application)
        city_review = {
            "assignments": list(application.assignments.select_related("expert")),
            "combined": None
            if combined is None
            else {"experts": combined.experts, "result": combined.result, "flagged": combined.flagged},
        }
    context = {
        "result": self_result(application, rows),
        "progress": {
            "scored": sum(1 for r in rows if r.self_score is not None),
            "total": len(rubric.indicators),
        },
        "decision": decision,
        "city_review": city_review,
    }
    return s.ApplicationDetailOut(application, context=context).data


def score_rows(user: User, application: Application, code: str | None = None) -> list[dict[str, Any]]:
    """One row per indicator (or the one named): self-assessment, county comment, evidence."""
    rubric = application.campaign.rubric.engine_rubric()
    indicators = [rubric.indicator(code)] if code else list(rubric.indicators)
    saved = {r.code: r for r in (application.scores.filter(code=code) if code else application.scores.all())}
    view = visibility.application_view(user, application)
    evidence: dict[str, list[EvidenceLink]] = {}
    for link in links_for_viewer(user, application.pk):
        evidence.setdefault(link.code, []).append(link)
    rows = []
    for ind in indicators:
        row = saved.get(ind.code)
        rows.append({
            "code": ind.code,
            "points": ind.points,
            "requirement": ind.requirement,
            "clause_requirement": ind.clause_requirement,
            "self_score": row.self_score if row else None,
            "clause_met": row.clause_met if row else None,
            "comment": row.comment if row else "",
            "version": row.version if row else 0,
            "changed_after_return": row.changed_after_return if row else False,
            "carried": bool(row and row.carried_from_id),
            "county_comment": row.county_comment if row and view.county_comments else "",
            "county_score": row.county_score if row and view.county_work else None,
            "evidence": evidence.get(ind.code, []),
        })
    return rows


def campaign_quota(user: User, campaign: Campaign) -> list[dict[str, Any]]:
    """The counties' quotas the user sees: the same counties as the campaign page shows."""
    rows = []
    for county in access.quota_counties(user, campaign):
        usage = quota_usage(campaign, county)
        tiers = [{"tier": name, **t} for name, t in usage["tiers"].items()]
        rows.append({"county": county, "used": usage["used"], "cap": usage["cap"], "tiers": tiers})
    return rows


def expert_rows(assignment: ExpertAssignment, code: str | None = None) -> list[dict[str, Any]]:
    rubric = assignment.application.campaign.rubric.engine_rubric()
    indicators = [rubric.indicator(code)] if code else list(rubric.indicators)
    saved = {r.code: r for r in assignment.scores.all()}
    return [
        {
            "code": ind.code,
            "points": ind.points,
            "requirement": ind.requirement,
            "clause_requirement": ind.clause_requirement,
            "score": saved[ind.code].score if ind.code in saved else None,
            "clause_met": saved[ind.code].clause_met if ind.code in saved else None,
            "comment": saved[ind.code].comment if ind.code in saved else "",
            "version": saved[ind.code].version if ind.code in saved else 0,
        }
        for ind in indicators
    ]
