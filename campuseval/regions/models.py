"""Regions (GB/T 2260) and schools, with their yearly facts."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models

from campuseval.engine.facts import FACTS

REGION_CODE = RegexValidator(r"^\d{6}$", "行政区划代码应为 6 位数字（GB/T 2260）")

# 学校（机构）标识码: 2-digit category + 2-digit province + 6-digit sequence (教育部 2011).
SCHOOL_CATEGORIES = {
    "11": "幼儿园",
    "21": "小学",
    "22": "成人小学",
    "31": "普通初中",
    "32": "职业初中",
    "33": "成人初中",
    "34": "普通高中",
    "35": "成人高中",
    "36": "中等职业学校",
    "37": "工读学校",
    "41": "普通高等学校",
    "42": "成人高等学校",
    "51": "特殊教育学校",
    "91": "培养研究生的科研机构",
    "92": "民办的其他高等教育机构",
    "93": "中等职业培训机构",
}


def validate_school_code(value: str) -> None:
    if not (len(value) == 10 and value.isdigit()):
        raise ValidationError("学校标识码应为 10 位数字", code="school_code_format")
    if value[:2] not in SCHOOL_CATEGORIES:
        raise ValidationError(
            f"学校标识码前两位“{value[:2]}”不是有效的学校类别码", code="school_code_category"
        )


class Region(models.Model):
    class Level(models.TextChoices):
        PROVINCE = "province", "省"
        CITY = "city", "市"
        COUNTY = "county", "县（市、区）"

    code = models.CharField("行政区划代码", max_length=6, unique=True, validators=[REGION_CODE])
    name = models.CharField("名称", max_length=50)
    level = models.CharField("级别", max_length=10, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name="上级区域",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )

    class Meta:
        ordering = ["code"]
        verbose_name = verbose_name_plural = "行政区域"

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        expected_parent = {
            self.Level.PROVINCE: None,
            self.Level.CITY: self.Level.PROVINCE,
            self.Level.COUNTY: self.Level.CITY,
        }[self.Level(self.level)]
        if expected_parent is None:
            if self.parent_id is not None:
                raise ValidationError({"parent": "省级区域没有上级区域"})
            if self.code and not self.code.endswith("0000"):
                raise ValidationError({"code": "省级行政区划代码应以 0000 结尾"})
            return
        if self.parent is None or self.parent.level != expected_parent:
            raise ValidationError({"parent": f"{self.get_level_display()}的上级应为{self.Level(expected_parent).label}"})
        prefix = self.parent.code[:2] if self.level == self.Level.CITY else self.parent.code[:4]
        if self.code and not self.code.startswith(prefix):
            raise ValidationError({"code": f"行政区划代码 {self.code} 与上级 {self.parent.code} 不一致"})

    @property
    def province_code(self) -> str:
        return self.code[:2]


class School(models.Model):
    class Stage(models.TextChoices):
        PRIMARY = "小学", "小学"
        JUNIOR = "初中", "初中"
        SENIOR = "高中", "高中"
        NINE_YEAR = "九年一贯制", "九年一贯制"
        TWELVE_YEAR = "十二年一贯制", "十二年一贯制"
        COMPLETE = "完全中学", "完全中学"
        TEACHING_POINT = "教学点", "教学点"
        SPECIAL = "特殊教育", "特殊教育"
        VOCATIONAL = "中等职业学校", "中等职业学校"

    class Location(models.TextChoices):
        URBAN = "urban", "城镇"
        RURAL = "rural", "乡村"

    code = models.CharField("学校标识码", max_length=10, unique=True, validators=[validate_school_code])
    name = models.CharField("学校名称", max_length=100)
    stage = models.CharField("学段", max_length=10, choices=Stage.choices)
    location = models.CharField("城乡类别", max_length=5, choices=Location.choices)
    county = models.ForeignKey(
        Region,
        verbose_name="所属县（市、区）",
        on_delete=models.PROTECT,
        related_name="schools",
        limit_choices_to={"level": Region.Level.COUNTY},
    )
    central_school = models.ForeignKey(
        "self",
        verbose_name="所属中心校",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="teaching_points",
    )
    address = models.CharField("地址", max_length=200, blank=True)
    head_name = models.CharField("校长（负责人）", max_length=50, blank=True)
    contact_name = models.CharField("联系人", max_length=50, blank=True)
    contact_phone = models.CharField("联系电话", max_length=30, blank=True)

    class Meta:
        ordering = ["county__code", "code"]
        verbose_name = verbose_name_plural = "学校"
        indexes = [
            models.Index(fields=["county", "name"]),
            # Plans count schools by these groups (``plans.progress.Population``): read from the index alone.
            models.Index(fields=["county", "stage", "location"], name="school_county_stage_location"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.county_id is not None and self.county.level != Region.Level.COUNTY:
            errors["county"] = "学校必须属于一个县（市、区）"
        if (
            self.code
            and self.county_id is not None
            and len(self.code) == 10
            and self.code[2:4] != self.county.province_code
        ):
            errors["code"] = (
                f"学校标识码第 3-4 位“{self.code[2:4]}”应为所在省的代码“{self.county.province_code}”"
            )
        if self.stage == self.Stage.TEACHING_POINT:
            if self.central_school is None:
                errors["central_school"] = "教学点必须隶属于一所中心校"
            elif self.central_school.stage == self.Stage.TEACHING_POINT:
                errors["central_school"] = "中心校不能是教学点"
            elif self.central_school_id == self.pk:
                errors["central_school"] = "教学点不能隶属于自己"
        elif self.central_school_id is not None:
            errors["central_school"] = "只有教学点隶属于中心校"
        if errors:
            raise ValidationError(errors)

    @property
    def is_teaching_point(self) -> bool:
        return self.stage == self.Stage.TEACHING_POINT


class SchoolFacts(models.Model):
    """One school's measurable profile for one year (学校基础数据): what rubric checks read."""

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="facts")
    year = models.PositiveSmallIntegerField("年度")
    classes = models.PositiveIntegerField(FACTS["classes"], null=True, blank=True)
    students = models.PositiveIntegerField(FACTS["students"], null=True, blank=True)
    teachers = models.PositiveIntegerField(FACTS["teachers"], null=True, blank=True)
    teacher_computers = models.PositiveIntegerField(FACTS["teacher_computers"], null=True, blank=True)
    student_computers = models.PositiveIntegerField(FACTS["student_computers"], null=True, blank=True)
    classrooms = models.PositiveIntegerField(FACTS["classrooms"], null=True, blank=True)
    multimedia_classrooms = models.PositiveIntegerField(FACTS["multimedia_classrooms"], null=True, blank=True)
    internet_bandwidth_mbps = models.PositiveIntegerField(FACTS["internet_bandwidth_mbps"], null=True, blank=True)
    backbone_bandwidth_mbps = models.PositiveIntegerField(FACTS["backbone_bandwidth_mbps"], null=True, blank=True)
    desktop_bandwidth_mbps = models.PositiveIntegerField(FACTS["desktop_bandwidth_mbps"], null=True, blank=True)
    wireless_coverage_pct = models.DecimalField(FACTS["wireless_coverage_pct"], max_digits=5, decimal_places=2, null=True, blank=True)
    video_retention_days = models.PositiveIntegerField(FACTS["video_retention_days"], null=True, blank=True)
    it_funds_share_pct = models.DecimalField(FACTS["it_funds_share_pct"], max_digits=5, decimal_places=2, null=True, blank=True)
    teacher_space_pct = models.DecimalField(FACTS["teacher_space_pct"], max_digits=5, decimal_places=2, null=True, blank=True)
    student_space_pct = models.DecimalField(FACTS["student_space_pct"], max_digits=5, decimal_places=2, null=True, blank=True)
    teacher_resource_pct = models.DecimalField(FACTS["teacher_resource_pct"], max_digits=5, decimal_places=2, null=True, blank=True)

    class Meta:
        ordering = ["school", "-year"]
        verbose_name = verbose_name_plural = "学校基础数据"
        constraints = [models.UniqueConstraint(fields=["school", "year"], name="one_facts_row_per_school_year")]

    NUMBER_FIELDS = tuple(k for k in FACTS if k != "stage")

    def __str__(self) -> str:
        return f"{self.school} {self.year}"

    def clean(self) -> None:
        errors = {}
        for name in self.NUMBER_FIELDS:
            value = getattr(self, name)
            if name.endswith("_pct") and value is not None and not 0 <= value <= 100:
                errors[name] = f"{FACTS[name]}应在 0 到 100 之间"
        if (
            self.multimedia_classrooms is not None
            and self.classrooms is not None
            and self.multimedia_classrooms > self.classrooms
        ):
            errors["multimedia_classrooms"] = "配备多媒体的教室数不能多于普通教室数"
        if errors:
            raise ValidationError(errors)

    def as_engine_facts(self) -> dict[str, str | float]:
        """The facts as the engine's checks read them (stage comes from the school)."""
        out: dict[str, str | float] = {"stage": self.school.stage}
        for name in self.NUMBER_FIELDS:
            value = getattr(self, name)
            if value is not None:
                out[name] = float(value)
        return out


class Department(models.Model):
    """A unit of a bureau (处室: 装备信息中心, 教师工作处, ...): it leads or co-owns a plan's KPIs,
    and is a place where roles are held (GLOSSARY: department)."""

    region = models.ForeignKey(
        Region, verbose_name="所属教育局（区域）", on_delete=models.PROTECT, related_name="departments"
    )
    name = models.CharField("处室名称", max_length=100)

    class Meta:
        ordering = ["region__code", "name"]
        verbose_name = verbose_name_plural = "处室"
        constraints = [models.UniqueConstraint(fields=["region", "name"], name="one_department_name_per_region")]

    def __str__(self) -> str:
        return self.name
