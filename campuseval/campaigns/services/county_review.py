"""The county review (县级初评): the county's scores, return with comments, recommend within the
quota, and the recommendation list's file."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone

from campuseval.accounts.models import User
from campuseval.audit.services import audit_export, audit_log
from campuseval.campaigns import exports, rules
from campuseval.campaigns.models import Application, Campaign, IndicatorScore, Status
from campuseval.campaigns.rules import WorkflowError
from campuseval.campaigns.selectors.county import quota_usage
from campuseval.regions.models import Region

from .common import region_code, tell_school, transition
from .scores import ScoreInput, save_score_rows

COUNTY_SCORE_FIELDS = ["county_score", "county_comment"]


def county_score_save(*, by: User, application: Application, code: str, score: Any, comment: str = "", expected_version: int) -> IndicatorScore:
    item = ScoreInput(code, score, comment=comment, expected_version=expected_version)
    return county_scores_save(by=by, application=application, scores=[item])[0]


@transaction.atomic
def county_scores_save(*, by: User, application: Application, scores: Sequence[ScoreInput]) -> list[IndicatorScore]:
    """The county's scores for several indicators at once: all or none."""
    application = Application.objects.select_for_update().get(pk=application.pk)
    rules.check(rules.COUNTY_SCORE, application)

    def apply(row: IndicatorScore, item: ScoreInput, indicator: Any, value: Any, before: dict[str, Any]) -> None:
        row.county_score, row.county_comment = value, item.comment
        row.updated_by = by

    rows: list[IndicatorScore] = save_score_rows(
        comment_field="county_comment", model=IndicatorScore, owner={"application": application},
        rubric=application.campaign.rubric.engine_rubric(), items=scores, fields=COUNTY_SCORE_FIELDS,
        also_saved=["updated_by"], apply=apply,
        conflict=lambda item, row: f"指标 {item.code} 已在另一个窗口或由他人修改，请刷新后再保存",
        region_code=region_code(application), by=by,
    )
    return rows


@transaction.atomic
def application_return(*, by: User, application: Application, comments: Mapping[str, str], note: str = "") -> Application:
    """Return to the school for revision, with comments per indicator the school will see."""
    application = Application.objects.select_for_update().get(pk=application.pk)
    rules.check(rules.RETURN, application)
    # The comments given are authoritative for their indicators: an empty one clears an
    # earlier comment, so the school never sees advice the county has taken back.
    cleaned = {c: (t or "").strip() for c, t in comments.items()}
    rules.check_length("note", note.strip())
    for code, text in cleaned.items():
        rules.check_length("county_comment", text, f"指标 {code}")
    if not any(cleaned.values()) and not note.strip():
        raise WorkflowError("退回时请至少填写一条意见")
    rubric = application.campaign.rubric.engine_rubric()
    unknown = [c for c in cleaned if c not in rubric.index]
    if unknown:
        raise WorkflowError(f"评估标准中没有指标 {'、'.join(unknown)}")
    rows = {r.code: r for r in IndicatorScore.objects.filter(application=application, code__in=list(cleaned))}
    for code, text in cleaned.items():
        row = rows.get(code)
        if row is None and not text:
            continue
        if row is None:
            row = IndicatorScore.objects.create(application=application, code=code, version=0)
        if row.county_comment != text:
            row.county_comment = text
            row.version += 1
            row.save(update_fields=["county_comment", "version", "updated_at"])
    comments = {c: t for c, t in cleaned.items() if t}
    IndicatorScore.objects.filter(application=application).update(changed_after_return=False)
    application.county_note = note.strip()
    application = transition(application, by, Status.RETURNED, note=note.strip(), county_note=note.strip())
    if comments:
        audit_log(
            "update", application, after={"county_comments": comments},
            region_code=region_code(application), by=by,
        )
    tell_school(
        application, kind="returned",
        message=f"{application.campaign.name}：县级退回了您的申报，请按意见修改后重新提交",
    )
    return application


@transaction.atomic
def application_recommend(*, by: User, application: Application, recommend: bool, note: str = "") -> Application:
    """Recommend to the city, or not; within the county's quota; changeable until the deadline."""
    application = Application.objects.select_for_update().get(pk=application.pk)
    rules.check(rules.RECOMMEND if recommend else rules.NOT_RECOMMEND, application)
    rules.check_length("note", note)
    if recommend:
        # Lock the county's rows so two recommendations at once cannot both take the last place.
        list(
            Application.objects.select_for_update(of=("self",))
            .filter(campaign=application.campaign, school__county=application.school.county).order_by("pk")
        )
        usage = quota_usage(application.campaign, application.school.county)
        if usage["cap"] is not None and usage["used"] >= usage["cap"]:
            raise WorkflowError(f"本县推荐名额已用完（上限 {usage['cap']} 所）")
        tier = usage["tiers"].get(application.applied_tier)
        if tier and tier["cap"] is not None and tier["used"] >= tier["cap"]:
            raise WorkflowError(f"本县“{application.applied_tier}”推荐名额已用完（上限 {tier['cap']} 所）")
    new = Status.RECOMMENDED if recommend else Status.NOT_RECOMMENDED
    application = transition(application, by, new, note=note, county_decided_at=timezone.now())
    tell_school(
        application, kind="recommended" if recommend else "not_recommended",
        message=f"{application.campaign.name}：县级{'已推荐' if recommend else '未推荐'}您的学校参加市级评审",
    )
    return application


def recommendation_list_file(
    *, by: User, campaign: Campaign, county: Region, head: exports.ListHead,
    rows: Sequence[exports.ListRow], fmt: str,
) -> bytes:
    """The 推荐名单表 as .xlsx or .docx; the export is recorded in the audit trail."""
    if fmt == "xlsx":
        body = exports.recommendation_list_xlsx(head, list(rows))
    else:
        body = exports.recommendation_list_docx(head, list(rows))
    audit_export(
        object_type=Application._meta.label_lower,
        description=f"导出{county.name}推荐名单 {len(rows)} 所（{fmt}）",
        count=len(rows),
        fmt=fmt,
        filters={"campaign": campaign.pk, "county": county.code},
        region_code=county.code,
        by=by,
    )
    return body
