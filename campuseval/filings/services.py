"""Writes: a form's file is built here and its download recorded in the audit trail (forms
carry names and telephone numbers)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from campuseval.audit.services import audit_export
from campuseval.campaigns.models import Application, IndicatorScore
from campuseval.campaigns.services import ScoreInput, self_scores_save

from . import exports, roundtrip


@dataclass(frozen=True)
class Form:
    """One kind of form: its name in the audit trail and file names, its builders by format."""

    label: str
    ascii: str
    builders: dict[str, Callable[[Any], bytes]]


FORMS: dict[str, Form] = {
    "application": Form("申报表", "application-form", {"docx": exports.application_form_docx}),
    "self_assessment": Form(
        "自评表", "self-assessment", {"xlsx": exports.score_sheet_xlsx, "docx": exports.score_sheet_docx}
    ),
    "score_sheet": Form("评分表", "score-sheet", {"xlsx": exports.score_sheet_xlsx, "docx": exports.score_sheet_docx}),
    "expert_sheet": Form(
        "专家评审打分表", "expert-sheet", {"xlsx": exports.expert_sheet_xlsx, "docx": exports.expert_sheet_docx}
    ),
    "fill": Form("自评表（填报用）", "self-assessment-fill", {"xlsx": roundtrip.fill_sheet_xlsx}),
    "results": Form("认定结果名单", "results", {"xlsx": exports.results_list_xlsx, "docx": exports.results_list_docx}),
}


def form_file(
    *, by: Any, form: str, fmt: str, shape: Any, about: str, object_type: str, region_code: str, filters: dict[str, Any],
) -> bytes:
    """The form's file in ``fmt`` (the caller checked that the form has it); the download is
    recorded (what, about whom, by whom) unless nobody is signed in (a public results list)."""
    body = FORMS[form].builders[fmt](shape)
    if by is not None and by.is_authenticated:
        audit_export(
            object_type=object_type, description=f"导出{FORMS[form].label}：{about}（{fmt}）", count=1, fmt=fmt,
            filters=filters, region_code=region_code, by=by,
        )
    return body


def _differs(filled: roundtrip.Filled, saved: IndicatorScore | None) -> bool:
    if saved is None:
        return filled.score is not None or filled.clause is not None or bool(filled.comment)
    return (filled.score, filled.clause, filled.comment) != (saved.self_score, saved.clause_met, saved.comment)


def self_assessment_upload(*, by: Any, application: Application, data: bytes) -> int:
    """Save the indicators an uploaded 自评表 changes, through the page's service (the same
    deadline, the same conflict rule), all or none; how many were saved. A sheet with any bad
    cell raises ``roundtrip.SheetProblems`` and saves nothing."""
    filled = roundtrip.read_fill_sheet(data, application.campaign.rubric.engine_rubric())
    saved = {r.code: r for r in application.scores.all()}
    changes = [
        ScoreInput(f.code, f.score, f.clause, f.comment, f.version) for f in filled if _differs(f, saved.get(f.code))
    ]
    if changes:
        self_scores_save(by=by, application=application, scores=changes)
    return len(changes)
