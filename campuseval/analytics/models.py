"""The summary the dashboards read: one row per application with what its scores give at each
level (the school's own, the county's, the experts' combined), its areas and its indicators.

The campaign services keep it current (``campaigns.hooks``), ``campuseval analytics rebuild``
recomputes it from scratch, and a test holds the two equal. Dashboards aggregate it with
indexed queries; they never run the engine per request.

``region_code`` is the school's county code: a region and everything below it share a code
prefix (GB/T 2260), so a viewer's scope is one indexed ``startswith``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from campuseval.campaigns.models import Application, Campaign, ExpertAssignment, Status
from campuseval.regions.models import Region, School


class Level(models.TextChoices):
    SELF = "self", "学校自评"
    COUNTY = "county", "县级初评"
    EXPERT = "expert", "专家评审"


class ApplicationSummary(models.Model):
    application = models.OneToOneField(
        Application, primary_key=True, on_delete=models.CASCADE, related_name="summary"
    )
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    county = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="+")
    region_code = models.CharField(max_length=6)
    year = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=20, choices=Status.choices)
    applied_tier = models.CharField(max_length=50, blank=True)
    decided_tier = models.CharField(max_length=50, blank=True)
    self_total = models.FloatField(null=True)
    county_total = models.FloatField(null=True)
    expert_total = models.FloatField(null=True)
    self_tier = models.CharField(max_length=50, blank=True)
    county_tier = models.CharField(max_length=50, blank=True)
    expert_tier = models.CharField(max_length=50, blank=True)
    experts = models.PositiveSmallIntegerField(default=0)
    # What counts: the experts' combined scores, else the county's, else the school's own.
    level = models.CharField(max_length=10, choices=Level.choices, blank=True)
    missed_basic = models.PositiveSmallIntegerField(default=0)
    missed_demo = models.PositiveSmallIntegerField(default=0)
    # Σ (own − county) over the indicators the county scored (None: the county scored none).
    county_drift = models.FloatField(null=True)

    class Meta:
        verbose_name = verbose_name_plural = "申报结果汇总"
        indexes = [
            models.Index(fields=["region_code", "year"], name="summary_region_year"),
            models.Index(fields=["campaign", "region_code"], name="summary_campaign_region"),
        ]

    def __str__(self) -> str:
        return f"{self.application_id} {self.status}"


class AreaSummary(models.Model):
    """One area of one application: its total at each level."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="+")
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    region_code = models.CharField(max_length=6)
    year = models.PositiveSmallIntegerField()
    counted = models.BooleanField()  # the application's level is set (submitted, not withdrawn)
    area = models.CharField(max_length=32)
    self_total = models.FloatField(null=True)
    county_total = models.FloatField(null=True)
    expert_total = models.FloatField(null=True)

    class Meta:
        verbose_name = verbose_name_plural = "领域得分汇总"
        indexes = [models.Index(fields=["year", "region_code"], name="area_year_region")]

    def __str__(self) -> str:
        return f"{self.application_id} {self.area}"


class IndicatorSummary(models.Model):
    """One indicator of one application: each level's score, the experts' spread, and whether
    a ★ (basic) or ▲ (demo) requirement is missed at the level that counts."""

    class Kind(models.TextChoices):
        BASIC = "basic", "★"
        DEMO = "demo", "▲"
        NONE = "", ""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="+")
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    region_code = models.CharField(max_length=6)
    year = models.PositiveSmallIntegerField()
    counted = models.BooleanField()  # the application's level is set (submitted, not withdrawn)
    code = models.CharField(max_length=32)
    kind = models.CharField(max_length=5, choices=Kind.choices, blank=True)
    missed = models.BooleanField(default=False)
    self_score = models.FloatField(null=True)
    county_score = models.FloatField(null=True)
    expert_score = models.FloatField(null=True)
    spread = models.FloatField(null=True)  # highest minus lowest expert score, with 2 or more

    class Meta:
        verbose_name = verbose_name_plural = "指标得分汇总"
        indexes = [
            models.Index(fields=["year", "region_code", "code"], name="indicator_year_region"),
            models.Index(fields=["campaign", "region_code"], name="indicator_campaign_region"),
        ]

    def __str__(self) -> str:
        return f"{self.application_id} {self.code}"


class IndicatorRollup(models.Model):
    """The counted ``IndicatorSummary`` rows of one campaign, county and indicator added up, so
    a province's indicator charts read thousands of rows rather than a hundred thousand. Sums
    and counts only: any region's mean is its sums over its counts. Kept with the summary
    (``services``) and held equal to the rows it adds up by a test."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    region_code = models.CharField(max_length=6)  # the county's code
    year = models.PositiveSmallIntegerField()
    code = models.CharField(max_length=32)
    kind = models.CharField(max_length=5, choices=IndicatorSummary.Kind.choices, blank=True)
    rows = models.PositiveIntegerField()  # counted applications
    missed = models.PositiveIntegerField()  # of them, missing the ★/▲ at the level that counts
    county_n = models.PositiveIntegerField()  # with an own and a county score
    county_sum = models.FloatField()  # Σ (own − county)
    expert_n = models.PositiveIntegerField()
    expert_sum = models.FloatField()  # Σ (own − experts' combined)
    spread_n = models.PositiveIntegerField()  # with experts who disagree (spread > 0)
    spread_sum = models.FloatField()

    class Meta:
        verbose_name = verbose_name_plural = "指标得分合计"
        constraints = [
            models.UniqueConstraint(fields=["campaign", "region_code", "code"], name="rollup_campaign_region_code"),
        ]
        indexes = [models.Index(fields=["year", "region_code"], name="rollup_year_region")]

    def __str__(self) -> str:
        return f"{self.campaign_id} {self.region_code} {self.code}"


class ExpertSummary(models.Model):
    """One submitted review against its panel: how far the expert's scores lie from the mean of
    all the panel's scores, indicator by indicator (sums, so averages over many add up)."""

    assignment = models.OneToOneField(
        ExpertAssignment, primary_key=True, on_delete=models.CASCADE, related_name="summary"
    )
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="+")
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    expert = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    region_code = models.CharField(max_length=6)
    indicators = models.PositiveIntegerField(default=0)
    signed = models.FloatField(default=0)  # Σ (own − panel mean)
    absolute = models.FloatField(default=0)  # Σ |own − panel mean|

    class Meta:
        verbose_name = verbose_name_plural = "专家评分一致性汇总"
        indexes = [models.Index(fields=["campaign", "region_code"], name="expert_campaign_region")]

    def __str__(self) -> str:
        return f"{self.assignment_id}"


class RegionMap(models.Model):
    """A region's boundaries as GeoJSON, uploaded by a platform administrator with its source
    and licence (maps shown in public need an approved source, 审图号). Without one, dashboards
    draw a tile map of the region's counties."""

    region = models.OneToOneField(Region, on_delete=models.CASCADE, related_name="map")
    geojson = models.JSONField("GeoJSON")
    source = models.CharField("来源（含审图号）", max_length=200)
    licence = models.CharField("许可", max_length=200)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "区域地图"

    def __str__(self) -> str:
        return f"{self.region_id} {self.source}"
