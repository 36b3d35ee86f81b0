"""Reads: the forms' shapes (``exports``) built from what the viewer may see. Every object
comes through its app's door (``campaigns.access``) before it reaches here; what a viewer may
see of an application is the rulebook's (``campaigns.visibility``)."""

from __future__ import annotations

from decimal import Decimal

from django.http import Http404

from campuseval.campaigns import selectors as campaign_reads
from campuseval.campaigns.models import Application, Campaign, ExpertAssignment, IndicatorScore
from campuseval.campaigns.presenters import scores
from campuseval.engine import Rubric as EngineRubric
from campuseval.engine.model import Indicator
from campuseval.engine.scoring import required_score
from campuseval.exporting import Words
from campuseval.rubrics.models import Rubric
from campuseval.rubrics.selectors import form_words, rubric_get

from . import exports, roundtrip

NUMERALS = "一二三四五六七八九十"


def rubric(code: str, version: int) -> Rubric:
    """Any version of a rubric (published documents), or 404."""
    found = rubric_get(code=code, version=version)
    if found is None:
        raise Http404("没有找到该评估标准")
    return found


def _number(value: Decimal | float | None) -> float | None:
    return None if value is None else float(value)


def _city(campaign: Campaign) -> str:
    return campaign.rubric.rubric_file().city or campaign.city.name


def _area_label(n: int, title: str, points: float | None) -> str:
    numeral = NUMERALS[n] if n < len(NUMERALS) else str(n + 1)
    return f"{numeral}、{title}" + (f"（{scores.number(points)}分）" if points is not None else "")


def application_form(application: Application) -> exports.ApplicationForm:
    """附件2 申报表 of the application, as the school filled it in."""
    campaign = application.campaign
    return exports.ApplicationForm(
        title=f"{_city(campaign)}中小学智慧校园申报表",
        school=application.school.name,
        # The school's own number, then the head's: the application's contact's when the head is
        # the contact (the application names one contact and one number).
        phone=application.school.contact_phone or application.contact_phone,
        head=application.head_name,
        head_phone=application.contact_phone if application.contact_name in ("", application.head_name) else "",
        classes=application.classes,
        students=application.students,
        teachers=application.teachers,
        tiers=tuple(campaign.tier_names),
        applied=application.applied_tier,
        highlights=application.highlights,
        words=form_words(campaign.rubric),
    )


def _head(words: Words, unit: str, school: str) -> str:
    return f"{words.unit}：{unit}　　学校：{school}（盖章）"


def self_assessment(application: Application) -> exports.ScoreSheet:
    """附件3 自评表: each 二级 with its points and the school's own score (the sum of its
    indicators' self scores, as the engine totals them; blank where none is scored)."""
    campaign = application.campaign
    rubric = campaign.rubric.engine_rubric()
    rows_ = list(application.scores.all())
    result = campaign_reads.self_result(application, rows_)
    scored = {r.code for r in rows_ if r.self_score is not None}
    words = form_words(campaign.rubric)
    rows = []
    for n, area in enumerate(rubric.areas):
        label = _area_label(n, area.title, area.cap if area.cap is not None else sum(_points(s) for s in area.subareas))
        for sub in area.subareas:
            any_scored = any(i.code in scored for i in sub.indicators)
            rows.append(exports.SheetRow(
                labels=(label, sub.title), points=_points(sub),
                score=result.subarea_totals.get(sub.code) if any_scored else None,
            ))
    return exports.ScoreSheet(
        title=f"{_city(campaign)}中小学智慧校园评估检查验收自评表",
        head=_head(words, application.school.county.name, application.school.name),
        columns=("评价项目", "主要指标", "分值", "自评得分", "备注"),
        rows=tuple(rows),
        total=result.total if scored else None,
    )


def _points(sub: object) -> float:
    cap = getattr(sub, "cap", None)
    if cap is not None:
        return float(cap)
    return float(sum(i.points for i in getattr(sub, "indicators", ())))


def rubric_sheet(rubric: Rubric, application: Application | None = None) -> exports.ScoreSheet:
    """Any rubric as the score sheet of its own levels (一级 | 二级 | each indicator | 分值 |
    得分 | 备注): blank, or with an application's own scores."""
    found = rubric.rubric_file()
    model = rubric.engine_rubric()
    own: dict[str, IndicatorScore] = {r.code: r for r in application.scores.all()} if application else {}
    labels = found.labels
    rows = []
    for n, area in enumerate(model.areas):
        area_label = _area_label(n, area.title, area.cap)
        for sub in area.subareas:
            sub_label = f"{sub.code} {sub.title}" + (f"（{scores.number(sub.cap)}分）" if sub.cap is not None else "")
            for ind in sub.indicators:
                row = own.get(ind.code)
                rows.append(exports.SheetRow(
                    labels=(area_label, sub_label, f"{_mark_prefix(ind)}{ind.code} {ind.text}"),
                    points=ind.points, score=_number(row.self_score) if row else None,
                    note=row.comment if row else "",
                ))
    head = (
        _head(form_words(rubric), application.school.county.name, application.school.name) if application
        else f"{form_words(rubric).unit}：　　　　　　学校：　　　　　　　　（盖章）"
    )
    total = campaign_reads.self_result(application).total if application and own else None
    return exports.ScoreSheet(
        title=f"{found.name} 评分表", head=head,
        columns=(labels.get("area", "一级指标"), labels.get("subarea", "二级指标"), labels.get("indicator", "评估内容"),
                 "分值", "得分", "备注"),
        rows=tuple(rows), total_label="总得分", total=total,
    )


def _mark_prefix(indicator: Indicator) -> str:
    return {"basic": "★", "demo": "▲"}.get(indicator.requirement or "", "")


def _judgement(rubric: EngineRubric, indicator: Indicator, score: float | None, clause: bool | None) -> str:
    """Whether a ★/▲ requirement is met by the expert's score (and a ▲ clause by the expert's
    yes or no); empty for an indicator without one, or not judged yet."""
    parts = []
    if indicator.requirement and score is not None:
        parts.append("达到" if score >= required_score(rubric, indicator) else "未达到")
    if indicator.clause_requirement and clause is not None:
        parts.append("▲条款达到" if clause else "▲条款未达到")
    return "；".join(parts)


def expert_sheet(assignment: ExpertAssignment) -> exports.ExpertSheet:
    """评审打分表 of one expert for one school: every indicator with the expert's score,
    judgement and comment."""
    application = assignment.application
    campaign = application.campaign
    rubric = campaign.rubric.engine_rubric()
    mine = {s.code: s for s in assignment.scores.all()}
    rows = []
    for ind in rubric.indicators:
        row = mine.get(ind.code)
        score = _number(row.score) if row else None
        rows.append(exports.ExpertRow(
            code=ind.code, text=ind.text, points=ind.points, mark=_mark_prefix(ind), score=score,
            judgement=_judgement(rubric, ind, score, row.clause_met if row else None),
            comment=row.comment if row else "",
        ))
    scored = {c: float(s.score) for c, s in mine.items() if s.score is not None}
    total = campaign_reads.result_for(
        application, scored, {c: bool(s.clause_met) for c, s in mine.items() if s.clause_met is not None},
    ).total if scored else None
    return exports.ExpertSheet(
        title=f"{campaign.name} 专家评审打分表", campaign=campaign.name, school=application.school.name,
        county=application.school.county.name, expert=assignment.expert.full_name or assignment.expert.username,
        rows=tuple(rows), total=total, words=form_words(campaign.rubric),
    )


def results_list(campaign: Campaign, *, with_totals: bool) -> exports.ResultsList:
    """认定结果名单 of a published campaign: by tier (highest first), then county and school;
    the totals only for those who may see them (``with_totals``: the campaign's city)."""
    order = {name: n for n, name in enumerate(campaign.tier_names)}
    applications = sorted(
        campaign_reads.published_applications(campaign),
        key=lambda a: (order.get(a.decided_tier, len(order)), a.school.county.code, a.school.code),
    )
    published = campaign.published_at
    return exports.ResultsList(
        title=f"{campaign.name} 认定结果名单", city=campaign.city.name,
        published=f"{published:%Y年%m月%d日}" if published else "",
        rows=tuple(
            exports.ResultRow(
                tier=a.decided_tier, county=a.school.county.name, school=a.school.name,
                total=_number(a.combined_total) if with_totals else None,
            ) for a in applications
        ),
        words=form_words(campaign.rubric),
    )


def fill_sheet(application: Application) -> roundtrip.FillSheet:
    """The 自评表 to fill offline: every indicator with the school's saved score, clause,
    comment and the score's version (so that an upload never overwrites a later save)."""
    rubric = application.campaign.rubric.engine_rubric()
    saved = {r.code: r for r in application.scores.all()}
    return roundtrip.FillSheet(
        title=f"{application.campaign.name} 自评表（填报用）", school=application.school.name,
        rows=tuple(
            roundtrip.FillRow(
                code=i.code, text=i.text, points=i.points,
                score=_number(saved[i.code].self_score) if i.code in saved else None,
                has_clause=i.has_clause, clause=saved[i.code].clause_met if i.code in saved else None,
                comment=saved[i.code].comment if i.code in saved else "",
                version=saved[i.code].version if i.code in saved else 0,
            ) for i in rubric.indicators
        ),
    )
