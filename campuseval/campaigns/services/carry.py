"""从上次认定的申报开始: the school starts its self-assessment from its last certified application.

The scores, clause judgements and comments of indicator codes the new rubric has (with a score
still valid for its points) are copied, marked ``carried_from``; the earlier evidence is linked
to the same codes (the files are the school's and stored once: only links are made), marked
``carried``. Offered only while the application is blank: no score, clause, comment or evidence.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from campuseval.accounts.models import User
from campuseval.audit.services import audit_append, audit_log, entry_for
from campuseval.campaigns import rules
from campuseval.campaigns.models import Application, Campaign, IndicatorScore
from campuseval.campaigns.rules import WorkflowError
from campuseval.campaigns.selectors.carry import carry_plan, has_work, last_certified
from campuseval.evidence.checks import human_size, max_application_bytes
from campuseval.evidence.models import EvidenceLink
from campuseval.regions.models import School

from .application import SELF_SCORE_FIELDS, application_create
from .common import region_code
from .scores import ScoreInput, save_score_rows

NO_SOURCE = "本校没有已认定（已公布且获得等级）的往年申报，不能从上次认定的申报开始"
HAS_WORK = "本次申报已有自评得分、说明或佐证材料，只能在尚未填写时从上次认定的申报开始"


@dataclass
class CarryReport:
    """What starting from the last certified application did, for the page's message."""

    source: Application
    carried: list[str] = field(default_factory=list)  # indicator codes whose self-assessment was carried
    skipped: list[str] = field(default_factory=list)  # codes not in the new rubric, or not a valid score
    evidence: int = 0  # evidence links carried
    evidence_skipped: int = 0  # links to codes the new rubric does not have


@transaction.atomic
def application_start_from_last(*, by: User, application: Application) -> CarryReport:
    """Copy the last certified application's self-assessment and evidence into a blank one."""
    application = (
        Application.objects.select_for_update(of=("self",))
        .select_related("campaign__rubric", "school__county")
        .get(pk=application.pk)
    )
    rules.check(rules.EDIT, application)
    source = last_certified(application.school_id, application.campaign, exclude=application.pk)
    if source is None:
        raise WorkflowError(NO_SOURCE)
    if has_work(application):
        raise WorkflowError(HAS_WORK)
    plan = carry_plan(application, source)
    if not plan.scores and not plan.links:
        raise WorkflowError(f"{source.campaign.name}的自评和佐证材料在本次评估标准中都没有编号相同的指标，无可沿用")
    limit = max_application_bytes()
    if plan.file_bytes > limit:
        raise WorkflowError(
            f"沿用后本申报的佐证文件合计将达到 {human_size(plan.file_bytes)}，超过每份申报的上限 {human_size(limit)}"
        )
    region = region_code(application)
    # Blank rows (a score chosen and cleared again) keep their version: saved like any other save.
    versions = dict(IndicatorScore.objects.filter(application=application).values_list("code", "version"))
    items = [
        ScoreInput(s.code, s.score, s.clause_met, s.comment, versions.get(s.code, 0)) for s in plan.scores
    ]

    def apply(row: IndicatorScore, item: ScoreInput, indicator: Any, value: Any, before: Any) -> None:
        row.self_score, row.comment = value, item.comment
        row.clause_met = item.clause_met
        row.carried_from = source
        row.updated_by = by

    save_score_rows(
        model=IndicatorScore, owner={"application": application},
        rubric=application.campaign.rubric.engine_rubric(), items=items,
        fields=[*SELF_SCORE_FIELDS, "carried_from_id"], also_saved=["updated_by"], apply=apply,
        conflict=lambda item, row: f"指标 {item.code} 已在另一个窗口或由他人修改，请刷新后再试",
        region_code=region, by=by,
    )
    links = EvidenceLink.objects.bulk_create(
        [EvidenceLink(evidence=link.evidence, application=application, code=link.code, carried=True) for link in plan.links]
    )
    audit_append(
        [
            entry_for(
                "create", link,
                after={
                    "evidence_id": link.evidence_id, "application_id": application.pk, "code": link.code,
                    "carried": True, "from_application_id": source.pk,
                },
                region_code=region,
            )
            for link in links
        ],
        by=by,
    )
    report = CarryReport(
        source, [s.code for s in plan.scores], plan.skipped, len(links), plan.links_skipped
    )
    audit_log(
        "update", application,
        after={
            "carried_from": source.pk, "carried_from_campaign": source.campaign.name,
            "carried_from_tier": source.decided_tier, "scores_carried": len(report.carried),
            "scores_skipped": report.skipped, "evidence_carried": report.evidence,
            "evidence_skipped": report.evidence_skipped,
        },
        region_code=region, by=by,
    )
    return report


@transaction.atomic
def application_create_from_last(*, by: User, campaign: Campaign, school: School) -> tuple[Application, CarryReport]:
    """Start an application and, in the same transaction, start it from the last certified one:
    both or neither."""
    application = application_create(by=by, campaign=campaign, school=school)
    return application, application_start_from_last(by=by, application=application)
