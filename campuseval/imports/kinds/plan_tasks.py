"""A count plan's 建设任务分解表: per category, county and year, the county's 合计数 and that
year's 建设数 (the layout of Chuzhou's 附件1/附件2, one row per county and year).

The rows become the plan's targets as ``demodata/plans.py`` builds them: per category a city
target (its value the sum of the counties' 合计数), per county a cumulative part (the 合计数,
with its 分组) and per county and year a part that is not cumulative (the 建设数, with the rate
the bureau's table printed, kept as typed). Matched by plan, category, county and year:
importing again updates the values, never duplicates."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Max, Q

from campuseval.accounts.models import User
from campuseval.accounts.scope import is_admin
from campuseval.imports.columns import Column, integer, text, whole_percent, year
from campuseval.plans.models import Plan, Target
from campuseval.plans.services import target_add, target_update
from campuseval.regions.models import Region

from .base import Kind, Layout, Row, RowError, WriteResult, chunks
from .plan_common import PLAN_COLUMN, PlanLookup, plan_end, year_error

COUNTY = Region.Level.COUNTY

COLUMNS = (
    PLAN_COLUMN,
    Column("category", "类别", text(100), required=True, rule="建设任务的类别，如 教学点智慧课堂、乡村中小学智慧学校；最多 100 个字"),
    Column(
        "county",
        "县（市、区）",
        text(50),
        required=True,
        rule="规划所在市的县（市、区）的名称或 6 位行政区划代码；县级规划只填本县（市、区）",
        text_format=True,
    ),
    Column("group", "分组", text(50), rule="任务分解表中县的分组，如 贫困地区、其他地区；同一县（市、区）同一类别各行相同"),
    Column("total", "合计数", integer(), required=True, rule="该县（市、区）该类别的建设总数，非负整数；同一县（市、区）同一类别各行相同"),
    Column("year", "年度", year, required=True, rule="建设年度，四位年份，须在规划的起止年度内"),
    Column("planned", "建设数", integer(), required=True, rule="该年度的建设数，非负整数；各年度之和不能超过合计数"),
    Column(
        "stated_rate",
        "原表完成率",
        whole_percent,
        empty=None,
        rule="原表印出的累计完成率（%），0 到 100 的整数；照录保存，与平台计算不符时在任务分解表中提示，不会改正",
    ),
)


def unit_of(category: str) -> str:
    """教学点 are counted in 个 (a point is not a 所), schools in 所, as the seed's tables do."""
    return "个" if "教学点" in category else "所"


@dataclass
class _Counties:
    """The counties of the plans' regions, and any county a file names, for the messages."""

    by_plan: dict[int, dict[str, Region]]  # plan id -> name and code -> county
    named: dict[str, Region]  # name or code -> a county anywhere (the first by code)

    @classmethod
    def load(cls, plans: Iterable[Plan], rows: Iterable[Row]) -> _Counties:
        plans = list(plans)
        cities = {p.region_id for p in plans if p.region.level == Region.Level.CITY}
        children: dict[int, list[Region]] = {}
        for county in Region.objects.filter(parent_id__in=cities, level=COUNTY).order_by("code"):
            children.setdefault(county.parent_id or 0, []).append(county)
        by_plan: dict[int, dict[str, Region]] = {}
        for plan in plans:
            mine = children.get(plan.region_id, []) if plan.region_id in cities else [plan.region]
            by_plan[plan.pk] = {key: c for c in mine for key in (c.code, c.name)}
        wanted = {r.values["county"] for r in rows if r.ok("county")}
        named: dict[str, Region] = {}
        for chunk in chunks(wanted):
            found = Region.objects.filter(Q(code__in=chunk) | Q(name__in=chunk), level=COUNTY)
            for county in found.select_related("parent").order_by("code"):
                named.setdefault(county.code, county)
                named.setdefault(county.name, county)
        return cls(by_plan, named)

    def resolve(self, plan: Plan, value: str) -> tuple[Region | None, str]:
        county = self.by_plan.get(plan.pk, {}).get(value)
        if county is not None:
            return county, ""
        elsewhere = self.named.get(value)
        if elsewhere is None:
            what = "行政区划代码为" if value.isascii() and value.isdigit() else "名为"
            return None, f"找不到{what} {value} 的县（市、区）"
        where = f"（属{elsewhere.parent.name}）" if elsewhere.parent else ""
        return None, f"{elsewhere.name}（{elsewhere.code}）{where}不在规划的制定区域{plan.region.name}内"


Key = tuple[int, str, int]  # plan, category, county


class PlanTasksKind(Kind):
    key = "plan_tasks"
    title = "建设任务分解表"
    sheet = "建设任务分解表"
    columns = COLUMNS
    example = {
        "plan": "示例市智慧学校建设规划（虚构，请删除）",
        "category": "教学点智慧课堂",
        "county": "示例区",
        "group": "其他地区",
        "total": 2,
        "year": 2024,
        "planned": 1,
        "stated_rate": 50,
    }
    notes = (
        "计数规划的建设任务分解表：每行是一个县（市、区）一个类别一个年度的建设数，按“规划名称 + 类别 + 县（市、区） + 年度”识别，"
        "已有的更新，没有的新建。",
        "导入后规划中每个类别有一个全市目标（值为各县合计数之和），每个县（市、区）有一个合计数目标和各年度的建设数目标；"
        "可在规划页面的任务分解表中核对。类别含“教学点”的以“个”计，其余以“所”计。",
        "规划须处于可修改的状态（草稿或退回修改）；已提交或已发布的规划不能导入。",
        "“原表完成率”照原表抄录即可：与平台按建设数算出的完成率不符时两者并列显示，不会改正。",
    )

    def may_import(self, user: User) -> bool:
        return is_admin(user)

    def check(self, rows: list[Row], layout: Layout, user: User) -> list[RowError]:
        errors: list[RowError] = []
        plans = PlanLookup(user, rows)
        counties = _Counties.load(plans.plans(), rows)
        first_total: dict[Key, tuple[int, int]] = {}
        first_group: dict[Key, tuple[int, str]] = {}
        seen: dict[tuple[Key, int], int] = {}
        doubtful: set[Key] = set()  # a row of the county already has a problem: no sum check
        good: dict[Key, list[Row]] = {}
        for row in rows:
            plan, problem = plans.resolve(row, layout, editable=True)
            if problem:
                errors.append(problem)
            if plan is None or not row.ok("category", "county"):
                continue
            county, message = counties.resolve(plan, row.values["county"])
            if county is None:
                errors.append(layout.error(row, "county", message))
                continue
            key = (plan.pk, row.values["category"], county.pk)
            before = len(errors)
            if row.ok("year"):
                message = year_error(plan, row.values["year"]) or ""
                if message:
                    errors.append(layout.error(row, "year", message))
                elif (key, row.values["year"]) in seen:
                    errors.append(
                        layout.error(
                            row, "year",
                            f"与第 {seen[key, row.values['year']]} 行重复（同一规划、类别、县（市、区）的每个年度只能有一行）",
                        )
                    )
                else:
                    seen[key, row.values["year"]] = row.number
            if row.ok("total"):
                line, total = first_total.setdefault(key, (row.number, row.values["total"]))
                if total != row.values["total"]:
                    errors.append(
                        layout.error(
                            row, "total", f"与第 {line} 行的 {total} 不同（同一县（市、区）同一类别的合计数应相同）"
                        )
                    )
            if row.ok("group"):
                line, group = first_group.setdefault(key, (row.number, row.values["group"]))
                if group != row.values["group"]:
                    errors.append(
                        layout.error(row, "group", f"与第 {line} 行的“{group}”不同（同一县（市、区）同一类别的分组应相同）")
                    )
            if row.ok("planned", "total") and row.values["planned"] > row.values["total"]:
                errors.append(
                    layout.error(row, "planned", f"建设数 {row.values['planned']} 超过合计数 {row.values['total']}")
                )
            if len(errors) > before or row.bad:
                doubtful.add(key)
            else:
                good.setdefault(key, []).append(row)
        errors += self._sum_errors(good, doubtful, layout)
        return errors

    @staticmethod
    def _sum_errors(good: dict[Key, list[Row]], doubtful: set[Key], layout: Layout) -> list[RowError]:
        """建设数 over the years of a county, with the years the file leaves out as stored, at most
        its 合计数: reported once per county, at the year the sum first goes over."""
        keys = [k for k in good if k not in doubtful]
        stored: dict[Key, dict[int, int]] = {}
        for plan_id in {k[0] for k in keys}:
            parts = Target.objects.filter(
                plan_id=plan_id, measure=Target.Measure.TASKS, parent__isnull=False, cumulative=False,
                category__in={k[1] for k in keys if k[0] == plan_id},
            ).values_list("category", "region_id", "year", "value")
            for category, region_id, part_year, value in parts.order_by("order", "pk"):
                stored.setdefault((plan_id, category, region_id), {}).setdefault(part_year, int(value or 0))
        errors = []
        for key in keys:
            rows = good[key]
            total = rows[0].values["total"]
            in_file = {r.values["year"]: r for r in rows}
            years = {**stored.get(key, {}), **{y: r.values["planned"] for y, r in in_file.items()}}
            running = 0
            for part_year in sorted(years):
                running += years[part_year]
                if running <= total:
                    continue
                row = in_file.get(part_year)
                if row is not None:
                    message = f"到 {part_year} 年累计建设数 {running} 超过合计数 {total}"
                    errors.append(layout.error(row, "planned", message))
                else:
                    kept = "、".join(str(y) for y in sorted(years) if y not in in_file)
                    message = f"各年度建设数之和 {sum(years.values())}（含已导入的 {kept} 年）超过合计数 {total}"
                    errors.append(layout.error(rows[0], "total", message))
                break
        return errors

    # Writing (in the file's order: the printed table keeps the counties in that order) ----------------------------------------------------------------------------------

    batch_size = 50_000  # one transaction: a city target's value is the sum over all its counties

    def write(self, rows: list[Row], user: User) -> WriteResult:
        result = WriteResult()
        plans = PlanLookup(user, rows)
        counties = _Counties.load(plans.plans(), rows)
        by_category: dict[tuple[int, str], list[tuple[Row, Region]]] = {}
        plan_of: dict[int, Plan] = {}
        for row in rows:
            plan = plans.get(row)
            assert plan is not None  # checked
            county, _message = counties.resolve(plan, row.values["county"])
            assert county is not None
            plan_of[plan.pk] = plan
            by_category.setdefault((plan.pk, row.values["category"]), []).append((row, county))
        for (plan_id, category), items in by_category.items():
            _Writer(user, plan_of[plan_id], category).write(items, result)
        return result


class _Writer:
    """One category of one plan: its city target, the counties' 合计数 and the yearly 建设数."""

    def __init__(self, by: User, plan: Plan, category: str) -> None:
        self.by, self.plan, self.category = by, plan, category
        tasks = Target.objects.filter(plan=plan, measure=Target.Measure.TASKS, category=category)
        self.whole = tasks.filter(parent__isnull=True).order_by("order", "pk").first()
        self.county_parts: dict[int, Target] = {}
        self.yearly: dict[tuple[int, int], Target] = {}
        for part in tasks.filter(parent__isnull=False).select_related("region", "plan").order_by("-order", "-pk"):
            if part.cumulative:
                self.county_parts[part.region_id] = part  # the first by order wins
            else:
                self.yearly[part.region_id, part.year] = part

    def _common(self) -> dict[str, Any]:
        assert self.whole is not None
        return {
            "by": self.by, "plan": self.plan, "parent": self.whole, "project": self.category,
            "kind": Target.Kind.COUNT, "measure": Target.Measure.TASKS, "category": self.category,
            "unit": self.whole.unit, "order": self.whole.order,
        }  # fmt: skip

    def write(self, items: list[tuple[Row, Region]], result: WriteResult) -> None:
        totals = {county.pk: row.values["total"] for row, county in items}
        if self.whole is None:
            kept = sum(int(t.value or 0) for cid, t in self.county_parts.items() if cid not in totals)
            last = self.plan.targets.aggregate(last=Max("order"))["last"] or 0
            self.whole = target_add(
                by=self.by, plan=self.plan, region=self.plan.region, project=self.category,
                text=f"{self.category}全覆盖", kind=Target.Kind.COUNT, measure=Target.Measure.TASKS,
                category=self.category, year=self.plan.end_year, due=plan_end(self.plan),
                value=Decimal(kept + sum(totals.values())), unit=unit_of(self.category), order=last + 1,
            )  # fmt: skip
        # Every row of a county whose 合计数 (or 分组) changed counts as updated: each gave it.
        county_changed: dict[int, bool] = {}
        for row, county in items:
            if county.pk not in county_changed:
                county_changed[county.pk] = self._county(row, county)
            created, changed = self._year(row, county)
            if created:
                result.counts.created += 1
            elif changed or county_changed[county.pk]:
                result.counts.updated += 1
            else:
                result.counts.unchanged += 1
        parts = Target.objects.filter(pk__in=[t.pk for t in self.county_parts.values()])
        value = sum((t.value or Decimal(0) for t in parts), Decimal(0))
        target_update(by=self.by, target=self.whole, value=value)

    def _county(self, row: Row, county: Region) -> bool:
        """The county's 合计数 (and 分组): whether it was made or changed."""
        fields: dict[str, Any] = {"value": Decimal(row.values["total"])}
        if "group" in row.values:
            fields["group"] = row.values["group"]
        part = self.county_parts.get(county.pk)
        if part is not None:
            return target_update(by=self.by, target=part, **fields)
        self.county_parts[county.pk] = target_add(
            **self._common(), region=county, text=f"{county.name}{self.category}", year=self.plan.end_year,
            due=plan_end(self.plan), **fields,
        )  # fmt: skip
        return True

    def _year(self, row: Row, county: Region) -> tuple[bool, bool]:
        """The year's 建设数 (and the printed rate): (made, changed)."""
        part_year = row.values["year"]
        fields: dict[str, Any] = {"value": Decimal(row.values["planned"])}
        if "stated_rate" in row.values:
            fields["stated_rate"] = row.values["stated_rate"]
        part = self.yearly.get((county.pk, part_year))
        if part is not None:
            return False, target_update(by=self.by, target=part, **fields)
        self.yearly[county.pk, part_year] = target_add(
            **self._common(), region=county, text=f"{county.name}{part_year}年{self.category}建设数",
            year=part_year, due=dt.date(part_year, 12, 31), cumulative=False, **fields,
        )  # fmt: skip
        return True, False
