"""Evidence (佐证材料): stored once per school, linked to any number of indicators."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from campuseval.regions.models import School


def evidence_path(instance: EvidenceItem, filename: str) -> str:
    # A generated name: the uploaded name is kept only as data, never as a path.
    return f"evidence/{instance.school_id}/{uuid.uuid4().hex}"


class EvidenceItem(models.Model):
    class Kind(models.TextChoices):
        FILE = "file", "文件"
        LINK = "link", "链接"
        TEXT = "text", "文字说明"

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="evidence")
    kind = models.CharField("类型", max_length=10, choices=Kind.choices)
    title = models.CharField("标题", max_length=200)
    file = models.FileField("文件", upload_to=evidence_path, blank=True, max_length=300)
    original_name = models.CharField("原文件名", max_length=255, blank=True)
    content_type = models.CharField("文件类型", max_length=100, blank=True)
    size = models.PositiveBigIntegerField("大小（字节）", default=0)
    sha256 = models.CharField("内容摘要", max_length=64, blank=True, db_index=True)
    url = models.URLField("链接", max_length=500, blank=True)
    text = models.TextField("文字说明", blank=True)
    carried_from = models.ForeignKey(
        "self", verbose_name="沿用自", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = verbose_name_plural = "佐证材料"

    def __str__(self) -> str:
        return self.title


class EvidenceLink(models.Model):
    evidence = models.ForeignKey(EvidenceItem, on_delete=models.CASCADE, related_name="links")
    application = models.ForeignKey(
        "campaigns.Application", on_delete=models.CASCADE, related_name="evidence_links"
    )
    code = models.CharField("指标编码", max_length=32)
    carried = models.BooleanField("沿用往年", default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "佐证材料关联"
        ordering = ["application", "code", "id"]
        constraints = [
            models.UniqueConstraint(fields=["evidence", "application", "code"], name="one_link_per_indicator")
        ]

    def __str__(self) -> str:
        return f"{self.evidence} → {self.code}"
