"""Charts for the dashboards: each one an ECharts option (drawn by ``js/dashboards.js``) and
the table beside it (for screen readers, for copying into reports, and for the .xlsx export).
Every number in a table links to the schools behind it, where there are schools behind it."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.urls import get_script_prefix, reverse
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from campuseval.campaigns.models import Status
from campuseval.campaigns.presenters import scores
from campuseval.engine import Rubric
from campuseval.plans import outlook
from campuseval.regions.models import Region

from . import plan_reads, score_reads, selectors
from .selectors import Scope

# Bootstrap's colours by the plans' lights (text-bg-*), for the charts.
LIGHT_HEX = {"success": "#198754", "primary": "#0d6efd", "warning": "#ffc107", "danger": "#dc3545", "dark": "#212529"}
PIPELINE = [
    Status.DRAFT, Status.RETURNED, Status.SUBMITTED, Status.NOT_RECOMMENDED, Status.RECOMMENDED,
    Status.UNDER_REVIEW, Status.DECIDED, Status.PUBLISHED, Status.WITHDRAWN,
]


@dataclass(frozen=True)
class Cell:
    text: str
    link: str = ""
    light: str = ""  # a plan status's colour (text-bg-*)

    def __html__(self) -> str:
        """The cell's content as the table shows it: a status badge, a link, or the text."""
        if self.light:
            return format_html('<span class="badge text-bg-{}">{}</span>', self.light, self.text)
        if self.link:
            return format_html('<a href="{}">{}</a>', self.link, self.text)
        return conditional_escape(self.text)


@dataclass
class Chart:
    key: str
    title: str
    columns: list[str]
    rows: list[list[Cell]]
    option: dict[str, Any] = field(default_factory=dict)
    note: str = ""
    height: int = 320
    geo: dict[str, Any] | None = None  # a region's uploaded GeoJSON, when the chart is its map

    @property
    def empty(self) -> bool:
        return not self.rows

    @property
    def body(self) -> SafeString:
        """The table's rows as HTML (written here rather than by the template: a province's
        tables hold thousands of cells)."""
        return mark_safe("".join(
            "<tr>" + "".join(f"<td>{cell.__html__()}</td>" for cell in row) + "</tr>" for row in self.rows
        ))  # every cell escapes its own text and link


def number(value: float | Decimal | int | None, unit: str = "") -> str:
    """A figure as the score pages write it (``scores.number``), with its unit; — for none."""
    text = scores.number(value)
    return f"{text}{unit}" if text else "—"


def share(part: int, whole: int) -> str:
    percent = outlook.percent_half_up(part, whole)
    return "—" if percent is None else f"{percent}%"


def query(s: Scope, *, year: bool = True, **extra: str) -> str:
    """The query string that keeps a dashboard's year and day (and ``extra``) on a link."""
    values = {**extra, "year": s.year if year and s.year else "", "as_of": s.as_of.isoformat() if s.as_of else ""}
    text = urlencode({k: v for k, v in values.items() if v})
    return f"?{text}" if text else ""


@functools.lru_cache(maxsize=4096)
def _path(name: str, arg: str, _prefix: str) -> str:
    """``reverse`` once per URL (a dashboard links hundreds of numbers); the script prefix is
    part of the key, since ``reverse`` reads it."""
    return reverse(name, args=[arg])


def path(name: str, arg: str | int) -> str:
    return _path(name, str(arg), get_script_prefix())


def schools_link(s: Scope, what: str, key: str = "", unit: str = "") -> str:
    return path("analytics:schools", s.region.code) + query(s, what=what, key=key, unit=unit)


def dashboard_link(code: str, s: Scope) -> str:
    return path("analytics:region", code) + query(s)


def _bar(categories: list[str], series: list[dict[str, Any]], *, stack: bool = False, percent: bool = False) -> dict[str, Any]:
    for item in series:
        item.setdefault("type", "bar")
        if stack:
            item["stack"] = "all"
    return {
        "tooltip": {"trigger": "axis"},
        "legend": {"type": "scroll", "top": 0},
        "grid": {"left": 8, "right": 8, "bottom": 8, "top": 36, "containLabel": True},
        "xAxis": {"type": "category", "data": categories, "axisLabel": {"interval": 0, "rotate": 30 if len(categories) > 6 else 0}},
        "yAxis": {"type": "value", **({"max": 100, "axisLabel": {"formatter": "{value}%"}} if percent else {})},
        "series": series,
    }


# --- coverage ---------------------------------------------------------------------------------


def coverage_chart(s: Scope) -> Chart:
    lines = plan_reads.coverage_lines(s)
    rows: list[list[Cell]] = []
    series: list[dict[str, Any]] = []
    years: list[int] = sorted({y for line in lines for y, _v in line.ladder} | {y for line in lines for y, _v in line.actual})
    for line in lines:
        name = line.tier or _("任一等级")
        ladder = dict(line.ladder)
        actual = dict(line.actual)
        series.append({"name": _("{name} 目标").format(name=name), "type": "line", "step": "end", "data": [_f(ladder.get(y)) for y in years]})
        series.append({"name": _("{name} 实际").format(name=name), "type": "line", "data": [_f(actual.get(y)) for y in years]})
        if line.projection is not None:
            year, low, mid, high = line.projection
            series.append({
                "name": _("{name} 预测").format(name=name), "type": "scatter", "symbolSize": 10,
                "data": [[str(year), _f(mid)]],
            })
            series.append({
                "name": _("{name} 预测区间").format(name=name), "type": "line", "lineStyle": {"type": "dashed"},
                "data": [[str(year), _f(low)], [str(year), _f(high)]],
            })
        for y in years:
            projected = line.projection if line.projection and line.projection[0] == y else None
            rows.append([
                Cell(name), Cell(str(y)), Cell(number(ladder.get(y), "%")),
                Cell(number(actual.get(y), "%"), schools_link(s, "certified", line.tier) if y in actual else ""),
                Cell(f"{number(projected[2], '%')}（{number(projected[1])}–{number(projected[3], '%')}）" if projected else "—"),
            ])
    option = {
        "tooltip": {"trigger": "axis"}, "legend": {"type": "scroll", "top": 0},
        "grid": {"left": 8, "right": 8, "bottom": 8, "top": 36, "containLabel": True},
        "xAxis": {"type": "category", "data": [str(y) for y in years]},
        "yAxis": {"type": "value", "max": 100, "axisLabel": {"formatter": "{value}%"}},
        "series": series,
    }
    note = _("目标为规划中按年度的覆盖率阶梯；实际为当年年末（本年为所选日期）已认定学校的占比；预测含在评学校按上次通过率推算的区间。")
    if not lines and s.region.level == Region.Level.PROVINCE:
        note = _("规划由市、县教育局制定：各市的覆盖率与目标见各市的看板。")
    return Chart(
        "coverage", _("覆盖率与目标（按年度）"), [_("等级"), _("年度"), _("目标"), _("实际（年末）"), _("预测（区间）")], rows, option,
        note=note,
    )


def _f(value: Decimal | float | int | None) -> float | None:
    return None if value is None else float(value)


# --- tiers and the map ---------------------------------------------------------------------


def tier_chart(s: Scope, data: list[selectors.TierRow], tiers: list[str]) -> Chart:
    names = [r.unit.name for r in data]
    count_series = [{"name": t, "data": [r.by_tier.get(t, 0) for r in data]} for t in tiers]
    share_series = [
        {"name": _("{tier}（占比）").format(tier=t), "data": [_f(outlook.percent_half_up(r.by_tier.get(t, 0), r.schools)) for r in data],
         "xAxisIndex": 1, "yAxisIndex": 1}
        for t in tiers
    ]
    option = _bar(names, count_series, stack=True)
    option["grid"] = [
        {"left": 8, "right": "55%", "top": 36, "bottom": 8, "containLabel": True},
        {"left": "55%", "right": 8, "top": 36, "bottom": 8, "containLabel": True},
    ]
    option["xAxis"] = [option["xAxis"], {**option["xAxis"], "gridIndex": 1}]
    option["yAxis"] = [{"type": "value", "name": _("所")}, {"type": "value", "name": "%", "max": 100, "gridIndex": 1}]
    option["series"] = count_series + [{**x, "type": "bar", "stack": "share"} for x in share_series]
    rows = []
    for r in data:
        cells = [Cell(r.unit.name, dashboard_link(r.unit.code, s)), Cell(str(r.schools), schools_link(s, "schools", unit=r.unit.code))]
        for t in tiers:
            n = r.by_tier.get(t, 0)
            cells += [Cell(str(n), schools_link(s, "certified", t, r.unit.code)), Cell(share(n, r.schools))]
        cells += [Cell(str(r.certified), schools_link(s, "certified", "", r.unit.code)), Cell(share(r.certified, r.schools))]
        rows.append(cells)
    columns = [_("区域"), _("学校数")] + [x for t in tiers for x in (t, _("{tier}占比").format(tier=t))] + [_("已认定合计"), _("覆盖率")]
    return Chart("tiers", _("各等级学校分布（数量与占比）"), columns, rows, option,
                 note=_("每所学校按其最近一次公布的认定等级计；占比为占本区域学校数的比例。"))


def map_chart(s: Scope, data: list[selectors.TierRow], geo: dict[str, Any] | None) -> Chart:
    """Coverage by unit: the uploaded map where there is one, else a tile map (a grid of the
    units, no geography)."""
    values = [(r.unit, outlook.percent_half_up(r.certified, r.schools) or 0) for r in data]
    rows = [[Cell(u.name, dashboard_link(u.code, s)), Cell(f"{v}%", schools_link(s, "certified", "", u.code))] for u, v in values]
    visual = {"min": 0, "max": 100, "calculable": True, "orient": "horizontal", "left": "center", "bottom": 0,
              "inRange": {"color": ["#f8d7da", "#fff3cd", "#d1e7dd", "#198754"]}}
    if geo is not None:
        option = {
            "tooltip": {"trigger": "item", "formatter": "{b}：{c}%"}, "visualMap": visual,
            "series": [{"type": "map", "map": s.region.code, "roam": False, "data": [
                {"name": u.name, "value": v, "link": dashboard_link(u.code, s)} for u, v in values
            ]}],
        }
    else:
        width = max(1, min(4, len(values)))
        option = {
            "tooltip": {"formatter": "{b}：{c}%"}, "visualMap": {**visual, "dimension": 2},
            "grid": {"left": 4, "right": 4, "top": 4, "bottom": 56},
            "xAxis": {"type": "category", "show": False, "data": list(range(width))},
            "yAxis": {"type": "category", "show": False, "inverse": True,
                      "data": list(range((len(values) + width - 1) // width))},
            "series": [{"type": "heatmap", "label": {"show": True, "formatter": "{b}"}, "data": [
                {"name": f"{u.name}\n{v}%", "value": [i % width, i // width, v], "link": dashboard_link(u.code, s)}
                for i, (u, v) in enumerate(values)
            ]}],
        }
    return Chart("map", _("各区域覆盖率地图"), [_("区域"), _("覆盖率")], rows, option, geo=geo,
                 note="" if geo is None else _("地图数据由平台管理员上传，来源与许可见下方。"))


# --- the pipeline -------------------------------------------------------------------------


def pipeline_chart(s: Scope) -> Chart:
    data = selectors.pipeline_rows(s)
    names = [r.unit.name for r in data]
    shown = [st for st in PIPELINE if any(r.by_status.get(st) for r in data)]
    series = [{"name": Status(st).label, "data": [r.by_status.get(st, 0) for r in data]} for st in shown]
    rows = []
    for r in data:
        cells = [Cell(r.unit.name, dashboard_link(r.unit.code, s))]
        cells += [Cell(str(r.by_status.get(st, 0)), schools_link(s, "status", st, r.unit.code)) for st in shown]
        cells.append(Cell(f"{r.recommended}/{r.quota}" if r.quota else str(r.recommended)))
        rows.append(cells)
    columns = [_("区域")] + [Status(st).label for st in shown] + [_("已推荐/名额")]
    return Chart("pipeline", _("{year} 年度各阶段申报（含推荐名额使用）").format(year=s.year), columns, rows, _bar(names, series, stack=True),
                 note=_("按申报当时（所选日期）的状态计；名额为每县推荐总数上限。"))


# --- scores ---------------------------------------------------------------------------------


MainRubric = tuple[str, Rubric] | None


def area_chart(
    s: Scope, parent: Scope | None, school_means: dict[str, float] | None = None, school_name: str = "",
    *, found: MainRubric,
) -> Chart:
    """``found``: the scope's main rubric (``selectors.main_rubric``)."""
    if found is None:
        return Chart("areas", _("各领域平均得分"), [], [])
    code, rubric = found
    mine = selectors.area_means(s, code)
    theirs = selectors.area_means(parent, code) if parent is not None else {}
    areas = [a for a in rubric.areas]
    caps = {a.code: a.points for a in areas}
    series_data = [{"name": s.region.name, "value": [mine.get(a.code, 0) for a in areas]}]
    if parent is not None:
        series_data.append({"name": parent.region.name, "value": [theirs.get(a.code, 0) for a in areas]})
    if school_means is not None:
        series_data.append({"name": school_name, "value": [school_means.get(a.code, 0) for a in areas]})
    option = {
        "tooltip": {}, "legend": {"top": 0},
        "radar": {"indicator": [{"name": a.title, "max": caps[a.code]} for a in areas], "radius": "60%"},
        "series": [{"type": "radar", "data": series_data}],
    }
    rows = [
        [Cell(f"{a.code} {a.title}"), Cell(number(caps[a.code])), Cell(number(mine.get(a.code)))]
        + ([Cell(number(theirs.get(a.code)))] if parent is not None else [])
        + ([Cell(number(school_means.get(a.code)))] if school_means is not None else [])
        for a in areas
    ]
    columns = [_("领域"), _("满分"), s.region.name] + ([parent.region.name] if parent else []) + ([school_name] if school_means is not None else [])
    return Chart("areas", _("各领域平均得分（{rubric}）").format(rubric=rubric.name), columns, rows, option,
                 note=_("按已提交申报在最终层级（专家合成分，否则县级评分，否则自评）的得分平均。"))


Sums = list[score_reads.IndicatorSums] | None


def missed_chart(s: Scope, sums: Sums = None) -> Chart:
    data = score_reads.most_missed(s, sums=sums)
    labels = [f"{'★' if m.kind == 'basic' else '▲'}{m.code}" for m in data]
    option = _bar(labels, [{"name": _("未达到的学校数"), "data": [
        {"value": m.schools, "link": schools_link(s, "missed", m.code)} for m in data
    ]}])
    rows = [[Cell("★ 基本要求" if m.kind == "basic" else _("▲ 示范要求")), Cell(m.code),
             Cell(str(m.schools), schools_link(s, "missed", m.code))] for m in data]
    return Chart("missed", _("未达到最多的指标（★ 在前，▲ 在后）"), [_("要求"), _("指标"), _("学校数")], rows, option)


def drift_chart(s: Scope, sums: Sums = None) -> Chart:
    by_unit = score_reads.drift_by_unit(s)
    by_indicator = score_reads.drift_by_indicator(s, sums=sums)
    names = [d.name for d in by_unit]
    option = _bar(names, [
        {"name": _("自评 − 县级"), "data": [d.vs_county for d in by_unit]},
        {"name": _("自评 − 专家"), "data": [d.vs_experts for d in by_unit]},
    ])
    rows = [[Cell("区域"), Cell(d.name, dashboard_link(d.key, s)), Cell(number(d.vs_county)), Cell(number(d.vs_experts)), Cell(str(d.n))] for d in by_unit]
    rows += [[Cell("指标"), Cell(d.key), Cell(number(d.vs_county)), Cell(number(d.vs_experts)), Cell(str(d.n))] for d in by_indicator]
    return Chart("drift", _("自评偏差：自评减县级、减专家合成分（正数为自评偏高）"),
                 [_("按"), _("区域/指标"), _("自评 − 县级（平均）"), _("自评 − 专家（平均）"), _("份数")], rows, option,
                 note=_("区域：每份申报自评高出县级的分数（按县级评过的指标合计）与高出专家合成总分的分数，取平均；指标：自评高出专家最多的 10 个指标。"))


def agreement_chart(s: Scope, *, experts: bool, sums: Sums = None) -> Chart:
    spreads = score_reads.spread_by_indicator(s, sums=sums)
    option = _bar([x.code for x in spreads], [{"name": _("专家间最高分与最低分之差（平均）"), "data": [x.mean for x in spreads]}])
    rows = [[Cell("指标"), Cell(x.code), Cell(number(x.mean)), Cell(str(x.n))] for x in spreads]
    if experts:
        rows += [[Cell("专家"), Cell(e.name), Cell(_("{signed}（绝对 {absolute}）").format(signed=number(e.signed), absolute=number(e.absolute))), Cell(str(e.reviews))]
                 for e in score_reads.expert_agreement(s)]
    return Chart("agreement", _("专家评分一致性"), [_("按"), _("指标/专家"), _("分差（指标）或与专家组均值之差（专家）"), _("份数")], rows, option,
                 note=_("专家一行：其每个指标得分减专家组均值的平均（正数为偏高），括号内为绝对值的平均。") if experts else "")


# --- the plan board -----------------------------------------------------------------------


def board_chart(s: Scope) -> Chart:
    data = plan_reads.board_rows(s)
    counts = {st: sum(1 for r in data if r.progress.status == st) for st in outlook.Status}
    option = {
        "tooltip": {"trigger": "item"}, "legend": {"top": 0},
        "series": [{"type": "pie", "radius": ["40%", "70%"], "data": [
            {"name": st.label, "value": n, "itemStyle": {"color": LIGHT_HEX[st.light]}} for st, n in counts.items() if n
        ]}],
    }
    rows = []
    for r in data:
        p = r.progress
        status = p.status
        target_link = path("plans:detail", p.target.plan_id)
        rows.append([
            Cell(r.unit), Cell(p.target.text, target_link),
            Cell(status.label if status else "—", light=status.light if status else ""),
            Cell(p.view.reason if p.view else ""), Cell(p.gap),
        ])
    return Chart("board", _("目标与指标进度（风险在前）"), [_("区域"), _("目标/指标"), _("状态"), _("原因"), _("差距")], rows, option, height=260)


def charts(
    s: Scope, parent: Scope | None, *, experts: bool, geo: dict[str, Any] | None, only: str | None = None
) -> list[Chart]:
    """Every chart of a region's dashboard (before any campaign, those that need none), or the
    one named ``only`` (its export reads nothing else)."""
    # What several charts read, once, by the first that needs it (an export reads only its own).
    tiers = functools.cache(lambda: selectors.tier_rows(s))
    main = functools.cache(lambda: selectors.main_rubric(s))
    sums = functools.cache(lambda: score_reads.indicator_sums(s))
    builders: dict[str, Callable[[], Chart]] = {
        "coverage": lambda: coverage_chart(s), "tiers": lambda: tier_chart(s, tiers(), tier_names(tiers(), main())),
        "map": lambda: map_chart(s, tiers(), geo), "pipeline": lambda: pipeline_chart(s),
        "areas": lambda: area_chart(s, parent, found=main()), "missed": lambda: missed_chart(s, sums()), "drift": lambda: drift_chart(s, sums()),
        "agreement": lambda: agreement_chart(s, experts=experts, sums=sums()), "board": lambda: board_chart(s),
    }
    keys = ["coverage", "map", "board"] if s.year is None else list(builders)
    return [builders[key]() for key in keys if only is None or key == only]


def tier_names(rows: list[selectors.TierRow], found: MainRubric) -> list[str]:
    """The main rubric's tiers, highest first, then any other tier a school holds."""
    names: dict[str, None] = dict.fromkeys(t.name for t in found[1].tiers) if found else {}
    for row in rows:
        names.update(dict.fromkeys(row.by_tier))
    return list(names)
