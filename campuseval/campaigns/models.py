"""The yearly campaign: applications, scores at every level, expert assignments, decisions."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from campuseval.regions.models import Region, School
from campuseval.rubrics.models import Rubric


class Stage(models.TextChoices):
    NOT_OPEN = "not_open", "未开始"
    APPLICATION = "application", "申报与自评"
    COUNTY_REVIEW = "county_review", "县级初评"
    CITY_REVIEW = "city_review", "市级终评"
    DECISION = "decision", "认定与公布"
    PUBLISHED = "published", "已公布"


class Campaign(models.Model):
    class Combine(models.TextChoices):
        MEAN = "mean", "平均分"
        TRIMMED = "trimmed_mean", "去掉最高分和最低分后的平均分（5 位及以上专家时）"

    city = models.ForeignKey(
        Region, verbose_name="城市", on_delete=models.PROTECT, related_name="campaigns",
        limit_choices_to={"level": Region.Level.CITY},
    )
    year = models.PositiveSmallIntegerField("年度")
    name = models.CharField("名称", max_length=100)
    rubric = models.ForeignKey(
        Rubric, verbose_name="评估标准（版本）", on_delete=models.PROTECT, related_name="campaigns"
    )
    opens_at = models.DateTimeField("开始时间")
    application_deadline = models.DateTimeField("申报与自评截止")
    county_review_deadline = models.DateTimeField("县级初评截止")
    city_review_deadline = models.DateTimeField("市级终评截止")
    publication_deadline = models.DateTimeField("认定与公布截止")
    published_at = models.DateTimeField("公布时间", null=True, blank=True)
    cap_at_applied_tier = models.BooleanField("认定等级不超过申报类型", default=True)
    experts_per_application = models.PositiveSmallIntegerField(
        "每份申报的专家数", default=2, validators=[MinValueValidator(1), MaxValueValidator(15)]
    )
    combine = models.CharField("专家评分合成方式", max_length=20, choices=Combine.choices, default=Combine.MEAN)
    gap_share = models.DecimalField(
        "分差提示阈值（占该指标分值的比例）", max_digits=3, decimal_places=2, default=Decimal("0.50"),
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("1"))],
    )
    quota_total = models.PositiveIntegerField("每县推荐总数上限", null=True, blank=True)
    quota_per_tier = models.JSONField("每县各等级推荐上限", default=dict, blank=True)
    # The 公示 before publication (0: none, publication follows the decisions at once).
    notice_days = models.PositiveSmallIntegerField(
        "公示期（工作日）", default=0, validators=[MaxValueValidator(30)],
        help_text="认定后先公示名单，公示期满且异议均已处理后才能公布；0 表示不公示。",
    )
    notice_contact = models.CharField("异议受理方式", max_length=200, blank=True, help_text="例如：市教育局电教馆，电话 0523-XXXXXXX")
    notice_opened_at = models.DateTimeField("公示开始时间", null=True, blank=True)
    notice_ends_on = models.DateField("公示截止日期", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-year", "city"]
        verbose_name = verbose_name_plural = "年度创建"
        constraints = [
            models.UniqueConstraint(fields=["city", "year", "name"], name="one_campaign_name_per_city_year")
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        order = [
            ("opens_at", self.opens_at),
            ("application_deadline", self.application_deadline),
            ("county_review_deadline", self.county_review_deadline),
            ("city_review_deadline", self.city_review_deadline),
            ("publication_deadline", self.publication_deadline),
        ]
        for (name_a, a), (name_b, b) in zip(order, order[1:], strict=False):
            if a and b and b <= a:
                label_a = getattr(self._meta.get_field(name_a), "verbose_name", name_a)
                raise ValidationError({name_b: f"须晚于“{label_a}”"})
        if self.city_id and self.city.level != Region.Level.CITY:
            raise ValidationError({"city": "年度创建须属于一个城市"})
        if self.rubric_id:
            tiers = {t.name for t in self.rubric.engine_rubric().tiers}
            unknown = set(self.quota_per_tier or {}) - tiers
            if unknown:
                raise ValidationError({"quota_per_tier": f"评估标准中没有这些等级：{'、'.join(sorted(unknown))}"})

    def stage_at(self, now: dt.datetime) -> Stage:
        if self.published_at is not None:
            return Stage.PUBLISHED
        if now < self.opens_at:
            return Stage.NOT_OPEN
        if now <= self.application_deadline:
            return Stage.APPLICATION
        if now <= self.county_review_deadline:
            return Stage.COUNTY_REVIEW
        if now <= self.city_review_deadline:
            return Stage.CITY_REVIEW
        return Stage.DECISION

    def deadline_of(self, stage: str) -> dt.datetime:
        return {
            Stage.APPLICATION: self.application_deadline,
            Stage.COUNTY_REVIEW: self.county_review_deadline,
            Stage.CITY_REVIEW: self.city_review_deadline,
            Stage.DECISION: self.publication_deadline,
        }[Stage(stage)]

    @property
    def tier_names(self) -> list[str]:
        return [t.name for t in self.rubric.engine_rubric().tiers]


class Reopening(models.Model):
    """A city administrator reopens one stage for one school past its deadline, with a reason."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="reopenings")
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    stage = models.CharField("阶段", max_length=20, choices=Stage.choices)
    until = models.DateTimeField("延长至")
    reason = models.TextField("理由")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = verbose_name_plural = "重新开放"

    def __str__(self) -> str:
        return f"{self.school} {self.get_stage_display()} → {self.until:%Y-%m-%d %H:%M}"


class Status(models.TextChoices):
    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "已提交"
    RETURNED = "returned", "退回修改"
    RECOMMENDED = "recommended", "已推荐"
    NOT_RECOMMENDED = "not_recommended", "未推荐"
    UNDER_REVIEW = "under_review", "市级评审中"
    DECIDED = "decided", "已认定"
    PUBLISHED = "published", "已公布"
    WITHDRAWN = "withdrawn", "已撤回"


class Application(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="applications")
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="applications")
    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.DRAFT)
    applied_tier = models.CharField("申报类型", max_length=50, blank=True)
    head_name = models.CharField("负责人", max_length=50, blank=True)
    contact_name = models.CharField("联系人", max_length=50, blank=True)
    contact_phone = models.CharField("联系电话", max_length=30, blank=True)
    classes = models.PositiveIntegerField("班级数", null=True, blank=True)
    students = models.PositiveIntegerField("学生人数", null=True, blank=True)
    teachers = models.PositiveIntegerField("教师数", null=True, blank=True)
    highlights = models.TextField("亮点特色", blank=True)
    version = models.PositiveIntegerField(default=1)
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    county_note = models.TextField("县级意见", blank=True)
    county_decided_at = models.DateTimeField("县级推荐时间", null=True, blank=True)
    scored_tier = models.CharField("评分得出的等级", max_length=50, blank=True)
    combined_total = models.DecimalField("专家合成总分", max_digits=7, decimal_places=3, null=True, blank=True)
    decided_tier = models.CharField("认定等级", max_length=50, blank=True)
    override_reason = models.TextField("改判理由", blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    decided_at = models.DateTimeField("认定时间", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["campaign", "school__county__code", "school__code"]
        verbose_name = verbose_name_plural = "申报"
        constraints = [
            models.UniqueConstraint(fields=["campaign", "school"], name="one_application_per_school_campaign")
        ]

    def __str__(self) -> str:
        return f"{self.school} · {self.campaign}"


class IndicatorScore(models.Model):
    """One indicator of one application: the school's self-assessment and the county's score."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="scores")
    code = models.CharField("指标编码", max_length=32)
    self_score = models.DecimalField("自评得分", max_digits=6, decimal_places=2, null=True, blank=True)
    clause_met = models.BooleanField("条款达成", null=True, blank=True)
    comment = models.TextField("说明", blank=True)
    county_score = models.DecimalField("县级评分", max_digits=6, decimal_places=2, null=True, blank=True)
    county_comment = models.TextField("县级意见", blank=True)
    changed_after_return = models.BooleanField("退回后已修改", default=False)
    # Copied from the school's last certified application (沿用上次) and not changed since;
    # the school's first change of the score, clause or comment clears it.
    carried_from = models.ForeignKey(
        Application, verbose_name="沿用自", on_delete=models.SET_NULL, related_name="+", null=True, blank=True
    )
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )

    class Meta:
        verbose_name = verbose_name_plural = "指标评分（自评与县级）"
        ordering = ["application_id", "id"]  # not "application": that sorts by its own ordering, in a join
        constraints = [
            models.UniqueConstraint(fields=["application", "code"], name="one_score_per_indicator")
        ]

    def __str__(self) -> str:
        return f"{self.application} {self.code}"


class ExpertAssignment(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="assignments")
    expert = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="assignments")
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    automatic = models.BooleanField("自动分配", default=True)
    assigned_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)

    class Meta:
        ordering = ["application", "expert"]
        verbose_name = verbose_name_plural = "专家分配"
        constraints = [
            models.UniqueConstraint(fields=["application", "expert"], name="one_assignment_per_expert")
        ]

    def __str__(self) -> str:
        return f"{self.expert} → {self.application}"


class ExpertScore(models.Model):
    assignment = models.ForeignKey(ExpertAssignment, on_delete=models.CASCADE, related_name="scores")
    code = models.CharField("指标编码", max_length=32)
    score = models.DecimalField("得分", max_digits=6, decimal_places=2, null=True, blank=True)
    clause_met = models.BooleanField("条款达成", null=True, blank=True)
    comment = models.TextField("意见", blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "专家评分"
        ordering = ["assignment", "id"]
        constraints = [
            models.UniqueConstraint(fields=["assignment", "code"], name="one_expert_score_per_indicator")
        ]

    def __str__(self) -> str:
        return f"{self.assignment} {self.code}"


class ApplicationEvent(models.Model):
    """The application's history of states, visible to the school and the reviewers."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True)
    from_status = models.CharField(max_length=20, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=Status.choices)
    note = models.TextField(blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "申报状态变化"
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.application} {self.from_status}→{self.to_status}"


class Objection(models.Model):
    """An objection (异议) to the 公示 list, as the city received it, and how it was resolved."""

    class State(models.TextChoices):
        OPEN = "open", "待处理"
        UPHELD = "upheld", "异议成立"
        DISMISSED = "dismissed", "异议不成立"

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="objections")
    application = models.ForeignKey(Application, verbose_name="涉及学校的申报", on_delete=models.PROTECT, related_name="objections")
    submitter = models.CharField("提出人", max_length=100)
    contact = models.CharField("联系方式", max_length=100, blank=True)
    text = models.TextField("异议内容")
    evidence = models.TextField("佐证材料", blank=True)
    received_on = models.DateField("收到日期")
    state = models.CharField("处理结果", max_length=20, choices=State.choices, default=State.OPEN)
    resolution = models.TextField("处理理由", blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["campaign", "received_on", "pk"]
        verbose_name = verbose_name_plural = "公示异议"

    def __str__(self) -> str:
        return f"{self.submitter}对{self.application.school}的异议"
