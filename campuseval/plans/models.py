"""Plans and what they ask by a year (GLOSSARY: plan, target, construction task, progress
report): a city's or county's 建设规划 / 行动计划, its targets (coverage, count, KPI), their
county parts, the named schools' construction tasks, and the reports of reported KPIs.

Progress is never typed: ``plans.progress`` computes it from the platform's own data; the daily
job records each target's status, with its reason and the day it began."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models

from campuseval.campaigns.models import Application, Campaign
from campuseval.engine.facts import ExpressionError, expression_names
from campuseval.regions.models import Department, Region, School


class Plan(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        SUBMITTED = "submitted", "已提交"
        RETURNED = "returned", "退回修改"
        PUBLISHED = "published", "已发布"

    region = models.ForeignKey(
        Region, verbose_name="制定单位（区域）", on_delete=models.PROTECT, related_name="plans"
    )
    title = models.CharField("名称", max_length=200)
    start_year = models.PositiveSmallIntegerField("起始年度")
    end_year = models.PositiveSmallIntegerField("截止年度")
    source = models.CharField("依据文件", max_length=300, blank=True)
    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.DRAFT)
    answers = models.ForeignKey(
        "self", verbose_name="响应的上级规划", null=True, blank=True, on_delete=models.PROTECT,
        related_name="answered_by",
    )
    submit_by = models.DateField(
        "提交截止", null=True, blank=True, help_text="响应上级规划的县级规划须在此日期前提交（如 5 月 15 日前）"
    )
    campaigns = models.ManyToManyField(
        Campaign, verbose_name="计入的年度创建", blank=True, related_name="plans",
        help_text="这些年度创建公布的认定结果计入本规划；不选则计入本市所有年度创建",
    )
    note = models.TextField("说明", blank=True)
    version = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["region__code", "-start_year", "title"]
        verbose_name = verbose_name_plural = "规划"

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.start_year and self.end_year and self.end_year < self.start_year:
            raise ValidationError({"end_year": "截止年度不能早于起始年度"})
        if self.region_id and self.region.level not in (Region.Level.CITY, Region.Level.COUNTY):
            raise ValidationError({"region": "规划由市或县（市、区）教育局制定"})
        if self.submit_by and self.answers_id is None:
            raise ValidationError({"submit_by": "只有响应上级规划的县级规划有提交截止"})
        if self.answers_id is not None and self.region_id:
            self._clean_answers()

    def _clean_answers(self) -> None:
        """A county plan answers a plan of its own city (Weifang's 附件2); which of them a user
        may choose (the published ones) is the door's ``access.answerable_plans``."""
        if self.answers is None or self.answers.region_id != self.region.parent_id:
            raise ValidationError({"answers": "只能响应本市的规划"})


class Target(models.Model):
    """What a plan asks by a year. A part (``parent``) is one county's share of a city target;
    the parts should add up to the whole."""

    class Kind(models.TextChoices):
        COVERAGE = "coverage", "覆盖率"
        COUNT = "count", "数量"
        KPI = "kpi", "指标"

    class Measure(models.TextChoices):
        CERTIFIED = "certified", "认定结果（已公布）"
        TASKS = "tasks", "建设任务（建成或验收通过）"
        REPORTED = "reported", "填报（已采纳的最新一次）"
        FACTS = "facts", "学校基础数据（最近一年达到条件的学校占比）"

    class Scope(models.TextChoices):
        ALL = "all", "全部学校（含教学点）"
        SCHOOLS = "schools", "学校（不含教学点）"
        TEACHING_POINTS = "teaching_points", "教学点"

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="targets")
    parent = models.ForeignKey(
        "self", verbose_name="所属市级目标", null=True, blank=True, on_delete=models.CASCADE,
        related_name="parts",
    )
    region = models.ForeignKey(
        Region, verbose_name="统计区域", on_delete=models.PROTECT, related_name="+",
    )
    project = models.CharField("所属工程或类别", max_length=100, blank=True)
    text = models.CharField("目标", max_length=300)
    kind = models.CharField("类型", max_length=20, choices=Kind.choices)
    measure = models.CharField("进度来源", max_length=20, choices=Measure.choices)
    year = models.PositiveSmallIntegerField("目标年度")
    due = models.DateField("截止日期")
    cumulative = models.BooleanField("累计", default=True, help_text="累计：自规划起始累计；否：仅本年度")
    value = models.DecimalField(
        "目标值", max_digits=12, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(Decimal(0))],
    )
    unit = models.CharField("单位", max_length=20, default="所", blank=True)
    baseline = models.DecimalField("基线值", max_digits=12, decimal_places=2, default=Decimal(0))
    milestone = models.CharField("里程碑", max_length=300, blank=True, help_text="不以数值计的目标，如出台某项规范")
    tier = models.CharField("等级（及以上）", max_length=50, blank=True, help_text="空为获得任一等级")
    scope = models.CharField("学校范围", max_length=20, choices=Scope.choices, default=Scope.ALL)
    school_stage = models.CharField("学段", max_length=10, blank=True)
    location = models.CharField("城乡类别", max_length=5, blank=True)
    category = models.CharField("建设任务类别", max_length=100, blank=True, help_text="如 教学点智慧课堂")
    fact_expr = models.CharField(
        "基础数据条件", max_length=200, blank=True,
        help_text="以学校基础数据计的目标：与评估标准的核查相同的表达式，如 internet_bandwidth_mbps",
    )
    fact_min = models.DecimalField("条件下限", max_digits=12, decimal_places=2, null=True, blank=True, help_text="表达式的值不低于此数即为达到")
    group = models.CharField("分组", max_length=50, blank=True, help_text="任务分解表中县的分组，如 贫困地区、其他地区")
    stated_rate = models.PositiveSmallIntegerField(
        "文件所列完成率（%）", null=True, blank=True, help_text="导入的规划表自己写的累计完成率：与计算不符时照录并提示，不改正"
    )
    lead = models.ForeignKey(
        Department, verbose_name="牵头处室", null=True, blank=True, on_delete=models.PROTECT,
        related_name="led_targets",
    )
    co = models.ManyToManyField(Department, verbose_name="配合处室", blank=True, related_name="co_targets")
    all_districts = models.BooleanField("各区市分别落实", default=False)
    report_by = models.DateField(
        "填报截止", null=True, blank=True, help_text="填报类指标须在此日期前报送一次进度（牵头处室报送）"
    )
    order = models.PositiveIntegerField(default=0)
    # The status as the daily job last recorded it (``services.statuses_record``): the page and
    # the API compute it afresh; the record keeps since when it holds and tells who must know
    # when it worsens.
    status = models.CharField("记录的状态", max_length=20, blank=True)
    status_reason = models.CharField("记录的理由", max_length=500, blank=True)
    status_since = models.DateField("状态起始日", null=True, blank=True)

    class Meta:
        ordering = ["plan", "order", "year", "pk"]
        verbose_name = verbose_name_plural = "目标"

    def __str__(self) -> str:
        return self.text

    def clean(self) -> None:
        if self.kind == self.Kind.COVERAGE or self.measure == self.Measure.FACTS:
            self.unit = "%"
        if self.report_by and self.measure != self.Measure.REPORTED:
            raise ValidationError({"report_by": "只有填报类目标有填报截止"})
        if self.lead is not None and self.plan_id is not None and self.lead.region_id != self.plan.region_id:
            raise ValidationError({"lead": "牵头处室须是规划制定单位的处室"})
        if self.kind == self.Kind.KPI and self.measure != self.Measure.REPORTED and self.value is None:
            raise ValidationError({"value": "计算得出的指标须有目标值"})
        if self.value is None and not self.milestone:
            raise ValidationError({"value": "须填写目标值或里程碑"})
        if self.kind == self.Kind.COVERAGE and self.value is not None and self.value > 100:
            raise ValidationError({"value": "覆盖率不能超过 100%"})
        if self.measure == self.Measure.TASKS and not self.category:
            raise ValidationError({"category": "以建设任务计的目标须写明任务类别"})
        if self.measure == self.Measure.FACTS:
            self._clean_facts()

    def _clean_facts(self) -> None:
        if not self.fact_expr or self.fact_min is None:
            raise ValidationError({"fact_expr": "以学校基础数据计的目标须写明条件和下限"})
        try:
            expression_names(self.fact_expr)
        except ExpressionError as exc:
            raise ValidationError({"fact_expr": str(exc)}) from exc
        if self.value is not None and self.value > 100:
            raise ValidationError({"value": "达到条件的学校占比不能超过 100%"})


class ConstructionTask(models.Model):
    """A named school's task in a count plan for a year; certified in a campaign the plan
    counts, it closes itself with the certification as its evidence."""

    class Status(models.TextChoices):
        PLANNED = "planned", "计划"
        BUILDING = "building", "在建"
        BUILT = "built", "建成"
        ACCEPTED = "accepted", "验收通过"

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="tasks")
    category = models.CharField("类别", max_length=100)
    school = models.ForeignKey(School, verbose_name="学校", on_delete=models.PROTECT, related_name="tasks")
    year = models.PositiveSmallIntegerField("计划年度")
    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.PLANNED)
    started_on = models.DateField("开工日期", null=True, blank=True)
    built_on = models.DateField("建成日期", null=True, blank=True)
    accepted_on = models.DateField("验收日期", null=True, blank=True)
    evidence = models.CharField("佐证", max_length=300, blank=True)
    certified_by = models.ForeignKey(
        Application, verbose_name="认定申报", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["plan", "category", "year", "school__county__code", "school__code"]
        verbose_name = verbose_name_plural = "建设任务"
        constraints = [
            models.UniqueConstraint(fields=["plan", "category", "school"], name="one_task_per_school_and_category")
        ]

    def __str__(self) -> str:
        return f"{self.school} {self.category}（{self.year}）"

    @classmethod
    def date_problems(cls, status: str, built_on: Any, accepted_on: Any) -> dict[str, str]:
        """What the status asks of the dates, by field: the one rule of the page, the API and
        the import (built or accepted has a 建成日期; accepted a 验收日期, not before it)."""
        problems = {}
        if status in (cls.Status.BUILT, cls.Status.ACCEPTED) and not built_on:
            problems["built_on"] = "建成或验收通过的任务须填写建成日期"
        if status == cls.Status.ACCEPTED and not accepted_on:
            problems["accepted_on"] = "验收通过的任务须填写验收日期"
        elif built_on and accepted_on and accepted_on < built_on:
            problems["accepted_on"] = f"验收日期 {accepted_on} 早于建成日期 {built_on}"
        return problems

    def clean(self) -> None:
        problems = self.date_problems(self.status, self.built_on, self.accepted_on)
        if problems:
            raise ValidationError(problems)


class ProgressReport(models.Model):
    """A dated report of a reported KPI's value (进度填报), accepted or returned by the plan's owner."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", "已提交"
        ACCEPTED = "accepted", "已采纳"
        RETURNED = "returned", "退回"

    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="reports")
    as_of = models.DateField("截至日期")
    value = models.DecimalField("进度值", max_digits=12, decimal_places=2, null=True, blank=True)
    achieved = models.BooleanField("里程碑已完成", default=False)
    note = models.TextField("进展说明", blank=True)
    evidence = models.CharField("佐证", max_length=300, blank=True)
    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.SUBMITTED)
    reason = models.TextField("退回理由", blank=True)
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["target", "-as_of", "-created_at"]
        verbose_name = verbose_name_plural = "进度填报"

    def __str__(self) -> str:
        return f"{self.target}（截至 {self.as_of:%Y-%m-%d}）"
