"""Rubrics as the database keeps them: one row per version, never changed in place."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from campuseval.engine import model as engine_model
from campuseval.rubricfile.load import to_engine
from campuseval.rubricfile.schema import RubricFile

# Versions never change, so each one's engine model is built once per process. Keyed by the
# content hash as well, so a test database that reuses a primary key never sees a stale one.
_ENGINE_CACHE: dict[tuple[int, str], engine_model.Rubric] = {}
_FILE_CACHE: dict[tuple[int, str], RubricFile] = {}


class Rubric(models.Model):
    """One version of a rubric file; campaigns will point at a version, so rows never change."""

    class Kind(models.TextChoices):
        POINTS = "points", _("计分型")
        CRITERIA = "criteria", _("达标型")

    code = models.CharField(_("编号"), max_length=64)  # the file's id, e.g. taizhou-2022
    version = models.PositiveIntegerField(_("版本"))
    name = models.CharField(_("名称"), max_length=200)
    city = models.CharField(_("城市"), max_length=50)
    year = models.PositiveSmallIntegerField(_("年份"), null=True, blank=True)
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    # The validated RubricFile as model_dump(mode="json"); content_hash is its canonical sha256.
    content = models.JSONField(_("内容"))
    content_hash = models.CharField(_("内容摘要"), max_length=64)
    source_path = models.CharField(_("来源文件"), max_length=500, blank=True)
    loaded_at = models.DateTimeField(_("载入时间"), default=timezone.now)

    class Meta:
        verbose_name = _("评估标准")
        verbose_name_plural = _("评估标准")
        ordering = ["code", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="rubric_code_version_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.name}（第 {self.version} 版）"

    def rubric_file(self) -> RubricFile:
        """The rubric file this row was loaded from, validated again once per version and
        process (a self-assessment save would otherwise validate the whole file twice). Callers
        read it; nothing may change it in place."""
        if self.pk is None:
            return RubricFile.model_validate(self.content)
        key = (self.pk, self.content_hash)
        if key not in _FILE_CACHE:
            _FILE_CACHE[key] = RubricFile.model_validate(self.content)
        return _FILE_CACHE[key]

    def engine_rubric(self) -> engine_model.Rubric:
        """The scoring engine's model of this version (built once per version and process:
        a version never changes, and every page and service of a campaign asks for it)."""
        if self.pk is None:
            return to_engine(self.rubric_file())
        key = (self.pk, self.content_hash)
        if key not in _ENGINE_CACHE:
            _ENGINE_CACHE[key] = to_engine(self.rubric_file())
        return _ENGINE_CACHE[key]
