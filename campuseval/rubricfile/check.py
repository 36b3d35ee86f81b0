"""The rubric checker: structural errors, and every stated subtotal that disagrees."""

from __future__ import annotations

from dataclasses import dataclass, field

from .schema import RubricFile


@dataclass
class CheckReport:
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _fmt(x: float) -> str:
    return f"{x:g}"


def check_rubric(rubric: RubricFile) -> CheckReport:
    """Report disagreements between stated subtotals and the sums beneath them.

    The file keeps what the source says; the engine caps at the stated subtotal, so a
    sub-area whose items add up to more can never give its full sum, and one whose items add
    up to less can never reach its subtotal. Both are worth a reviewer's eye.
    """
    report = CheckReport()
    area_sum_total = 0.0
    for area in rubric.areas:
        area_sum = 0.0
        for sub in area.subareas:
            items = sum(i.points for i in sub.indicators)
            if sub.points is not None and items != sub.points:
                report.warnings.append(
                    f"{sub.code} {sub.title}: 标明小计 {_fmt(sub.points)} 分，"
                    f"所含指标合计 {_fmt(items)} 分"
                )
            area_sum += sub.points if sub.points is not None else items
        if area.points is not None and area_sum != area.points:
            report.warnings.append(
                f"{area.code} {area.title}: 标明小计 {_fmt(area.points)} 分，"
                f"所含二级指标合计 {_fmt(area_sum)} 分"
            )
        area_sum_total += area.points if area.points is not None else area_sum
    if rubric.total is not None and area_sum_total != rubric.total:
        report.warnings.append(
            f"总分: 标明 {_fmt(rubric.total)} 分，一级指标合计 {_fmt(area_sum_total)} 分"
        )
    reachable = area_sum_total if rubric.total is None else min(area_sum_total, rubric.total)
    for tier in rubric.tiers:
        if tier.min_total is not None and tier.min_total > reachable:
            report.errors.append(
                f"等级“{tier.name}”要求 {_fmt(tier.min_total)} 分，但满分只有 {_fmt(reachable)} 分"
            )
    return report
