"""One upload of an .xlsx file and the background job that validates and imports it."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class ImportJob(models.Model):
    class Kind(models.TextChoices):
        REGIONS = "regions", "行政区域"
        SCHOOLS = "schools", "学校"
        FACTS = "facts", "学校基础数据"
        ACCOUNTS = "accounts", "账号"
        PLAN_TASKS = "plan_tasks", "建设任务分解表"
        PLAN_SCHOOLS = "plan_schools", "建设任务明细表"
        PLAN_KPIS = "plan_kpis", "行动计划指标"

    class Status(models.TextChoices):
        QUEUED = "queued", "排队中"
        VALIDATING = "validating", "正在校验"
        IMPORTING = "importing", "正在导入"
        DONE = "done", "已完成"
        INVALID = "invalid", "有错误，未导入"
        FAILED = "failed", "导入失败"

    FINISHED = frozenset({Status.DONE, Status.INVALID, Status.FAILED})

    kind = models.CharField("导入类型", max_length=20, choices=Kind.choices)
    # Stored under a generated name (services); the user's file name is kept only as text.
    # Removed IMPORT_FILES_KEEP_DAYS after the job finished (services.imports_purge).
    file = models.FileField("文件", upload_to="imports/", max_length=200, blank=True)
    file_removed_at = models.DateTimeField("原文件删除时间", null=True, blank=True)
    original_name = models.CharField("原文件名", max_length=200)
    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.QUEUED)
    total_rows = models.PositiveIntegerField("总行数", default=0)
    processed_rows = models.PositiveIntegerField("已导入行数", default=0)
    errors = models.JSONField("错误", default=list, blank=True)
    summary = models.JSONField("结果", default=dict, blank=True)
    # A Fernet token (sealed.py), never the plaintext: the key is derived from SECRET_KEY.
    sealed_passwords = models.TextField(
        "待显示的初始密码（已加密）",
        default="",
        blank=True,
        help_text="账号导入生成的初始密码，加密保存，只在结果第一次显示时取出，随即清空；"
        "超过保留时间未查看的，到期清除。",
    )
    passwords_purged_at = models.DateTimeField("初始密码到期清除时间", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="导入人", on_delete=models.PROTECT, related_name="+"
    )
    created_ip = models.GenericIPAddressField("来源地址", null=True, blank=True)
    created_at = models.DateTimeField("上传时间", auto_now_add=True)
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = verbose_name_plural = "导入任务"

    def __str__(self) -> str:
        return f"{self.get_kind_display()}导入：{self.original_name}"

    @property
    def is_finished(self) -> bool:
        return self.status in self.FINISHED

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        return int(100 * self.processed_rows / self.total_rows) if self.total_rows else 0
