"""One bulk export: what it packs, how far it has got, and its file until it expires."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from campuseval.campaigns.models import Campaign
from campuseval.regions.models import Region


class ExportJob(models.Model):
    class Kind(models.TextChoices):
        SELF_ASSESSMENTS = "self_assessments", "本县（市、区）全部自评表"
        EXPERT_SHEETS = "expert_sheets", "全部专家评审打分表"
        CERTIFICATES = "certificates", "全部认定证书"

    class Status(models.TextChoices):
        QUEUED = "queued", "排队中"
        RUNNING = "running", "正在生成"
        DONE = "done", "已完成"
        FAILED = "failed", "生成失败"
        EXPIRED = "expired", "文件已过期删除"

    FINISHED = frozenset({Status.DONE, Status.FAILED, Status.EXPIRED})

    kind = models.CharField("导出内容", max_length=20, choices=Kind.choices)
    campaign = models.ForeignKey(Campaign, verbose_name="年度创建", on_delete=models.CASCADE, related_name="+")
    county = models.ForeignKey(
        Region, verbose_name="县（市、区）", on_delete=models.CASCADE, related_name="+", null=True, blank=True
    )
    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.QUEUED)
    total = models.PositiveIntegerField("文件数", default=0)
    done = models.PositiveIntegerField("已生成", default=0)
    file = models.FileField("文件", upload_to="exports/", max_length=200, blank=True)
    file_name = models.CharField("下载文件名", max_length=200, blank=True)
    error = models.TextField("错误", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="导出人", on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField("开始时间", auto_now_add=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)
    expires_at = models.DateTimeField("文件保留至", null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = verbose_name_plural = "批量导出"

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.campaign}"

    @property
    def is_finished(self) -> bool:
        return self.status in self.FINISHED

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        return int(100 * self.done / self.total) if self.total else 0
