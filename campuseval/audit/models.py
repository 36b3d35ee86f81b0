"""The audit trail: append-only records chained by hash (see services.verify_chain)."""

from __future__ import annotations

from typing import Any, NoReturn

from django.db import models


class AppendOnlyError(RuntimeError):
    """Audit records are never changed or deleted."""


class AuditQuerySet(models.QuerySet["AuditRecord"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("审计记录只能追加，不能修改")

    def delete(self) -> NoReturn:
        raise AppendOnlyError("审计记录只能追加，不能删除")


class AuditRecord(models.Model):
    class Action(models.TextChoices):
        CREATE = "create", "新建"
        UPDATE = "update", "修改"
        DELETE = "delete", "删除"
        LOGIN = "login", "登录"
        LOGIN_FAILED = "login_failed", "登录失败"
        LOGOUT = "logout", "退出"
        IMPORT = "import", "导入"
        EXPORT = "export", "导出"
        DOWNLOAD = "download", "下载"
        REFUSED = "refused", "拒绝访问"

    seq = models.PositiveBigIntegerField("序号", unique=True)
    at = models.DateTimeField("时间", db_index=True)
    actor_id = models.BigIntegerField("操作人编号", null=True, blank=True, db_index=True)
    actor_name = models.CharField("操作人", max_length=150, blank=True)
    ip = models.GenericIPAddressField("来源地址", null=True, blank=True)
    action = models.CharField("操作", max_length=20, choices=Action.choices)
    object_type = models.CharField("对象类型", max_length=50, db_index=True)
    object_id = models.CharField("对象编号", max_length=64, blank=True)
    object_repr = models.CharField("对象", max_length=200, blank=True)
    region_code = models.CharField("区域代码", max_length=6, blank=True, db_index=True)
    before = models.JSONField("修改前", null=True, blank=True)
    after = models.JSONField("修改后", null=True, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)
    # The hash is an HMAC with the audit key (kept outside the database), not plain SHA-256.
    keyed = models.BooleanField("以密钥签名", default=False)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["-seq"]
        verbose_name = verbose_name_plural = "审计记录"

    def __str__(self) -> str:
        return f"#{self.seq} {self.actor_name} {self.get_action_display()} {self.object_repr}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AppendOnlyError("审计记录只能追加，不能修改")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("审计记录只能追加，不能删除")


class AuditChainHead(models.Model):
    """One row: the last sequence number and hash, locked while a record is appended.

    It also lets verification notice records removed from the end of the chain.
    """

    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64, default="0" * 64)

    class Meta:
        verbose_name = verbose_name_plural = "审计链头"

    def __str__(self) -> str:
        return f"#{self.seq} {self.hash}"
