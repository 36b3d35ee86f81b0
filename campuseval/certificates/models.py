"""A certificate (证书): issued once to each school a published campaign certifies.

Its number counts up per campaign, in a fixed order (county, then school code); its short code
(8 characters without 0/O/1/I, which are misread) is what the QR code and the public
verification page carry. The tier and date are the ones printed on it: the verification page
compares them with the published result today.
"""

from __future__ import annotations

from django.db import models

from campuseval.campaigns.models import Application, Campaign


class Certificate(models.Model):
    application = models.OneToOneField(Application, on_delete=models.PROTECT, related_name="certificate")
    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="certificates")
    serial = models.PositiveIntegerField("序号")
    number = models.CharField("证书编号", max_length=40, unique=True)
    code = models.CharField("验证码", max_length=8, unique=True)
    tier = models.CharField("认定等级", max_length=50)
    issued_on = models.DateField("发证日期")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["campaign", "serial"]
        verbose_name = verbose_name_plural = "认定证书"
        constraints = [models.UniqueConstraint(fields=["campaign", "serial"], name="one_serial_per_campaign")]

    def __str__(self) -> str:
        return self.number

    @property
    def code_display(self) -> str:
        """The short code as printed and typed: two groups of four."""
        return f"{self.code[:4]}-{self.code[4:]}"
