"""Users and the roles they hold in places (a user may hold several)."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models

from campuseval.regions.models import Department, Region, School


class User(AbstractUser):
    full_name = models.CharField("姓名", max_length=50, blank=True)
    phone = models.CharField("联系电话", max_length=30, blank=True)
    must_change_password = models.BooleanField(
        "首次登录须修改密码",
        default=False,
        help_text="导入或由管理员创建的账号在首次登录时必须修改密码。",
    )
    password_changed_at = models.DateTimeField(
        "密码修改时间", null=True, blank=True, help_text="空：自账号创建以来未修改（定期修改密码从创建时间算起）。"
    )
    otp_required = models.BooleanField(
        "须两步验证", default=False, help_text="开启后，登录时须输入动态验证码（TOTP）。"
    )
    home_county = models.ForeignKey(
        Region,
        verbose_name="所在县（市、区）",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="评估专家不得评审本县（市、区）的学校。",
    )

    class Meta:
        verbose_name = verbose_name_plural = "账号"
        ordering = ["username"]

    def __str__(self) -> str:
        return self.full_name or self.username


class Role(models.TextChoices):
    PLATFORM_ADMIN = "platform_admin", "平台管理员"
    CITY_ADMIN = "city_admin", "市级管理员"
    COUNTY_ADMIN = "county_admin", "县级管理员"
    SCHOOL_USER = "school_user", "学校用户"
    EXPERT = "expert", "评估专家"
    OBSERVER = "observer", "观察员"
    DEPARTMENT_USER = "department_user", "处室用户"


# Where each role is held: the level of its region, or a school.
ROLE_PLACE = {
    Role.PLATFORM_ADMIN: None,
    Role.CITY_ADMIN: Region.Level.CITY,
    Role.COUNTY_ADMIN: Region.Level.COUNTY,
    Role.SCHOOL_USER: "school",
    Role.EXPERT: Region.Level.CITY,
    Role.OBSERVER: "region",
    Role.DEPARTMENT_USER: "department",  # a unit of a bureau (处室), which leads or co-owns KPIs
}


class RoleAssignment(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="roles")
    role = models.CharField("角色", max_length=20, choices=Role.choices)
    region = models.ForeignKey(
        Region, verbose_name="区域", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    school = models.ForeignKey(
        School, verbose_name="学校", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    department = models.ForeignKey(
        Department, verbose_name="处室", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "角色"
        ordering = ["user", "role"]
        # Partial indexes rather than nulls_distinct, which SQLite does not support.
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "region"],
                condition=models.Q(region__isnull=False),
                name="one_role_per_region",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "school"],
                condition=models.Q(school__isnull=False),
                name="one_role_per_school",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "department"],
                condition=models.Q(department__isnull=False),
                name="one_role_per_department",
            ),
            models.UniqueConstraint(
                fields=["user", "role"],
                condition=models.Q(region__isnull=True, school__isnull=True, department__isnull=True),
                name="one_role_without_place",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} · {self.place_name}"

    @property
    def place_name(self) -> str:
        if self.school_id:
            return str(self.school)
        if self.department_id:
            assert self.department is not None
            return f"{self.department.region.name}{self.department}"
        if self.region_id:
            return str(self.region)
        return "全平台"

    def clean(self) -> None:
        place = ROLE_PLACE[Role(self.role)]
        if place == "department":
            if not self.department_id or self.region_id or self.school_id:
                raise ValidationError({"department": "处室用户须指定一个处室（且不指定区域或学校）"})
            return
        if self.department_id:
            raise ValidationError({"department": f"{self.get_role_display()}不指定处室"})
        if place is None:
            if self.region_id or self.school_id:
                raise ValidationError("平台管理员不限定区域或学校")
        elif place == "school":
            if not self.school_id or self.region_id:
                raise ValidationError({"school": "学校用户须指定一所学校（且不指定区域）"})
        elif place == "region":
            if not self.region_id or self.school_id:
                raise ValidationError({"region": "观察员须指定一个区域"})
        else:
            if self.region is None or self.school_id:
                raise ValidationError({"region": f"{self.get_role_display()}须指定一个区域"})
            if self.region.level != place:
                raise ValidationError(
                    {"region": f"{self.get_role_display()}的区域应为{Region.Level(place).label}级"}
                )


class ApiToken(models.Model):
    """An API token: only its SHA-256 digest is kept, the key is shown once when issued.

    Several per account, each with a name ("成绩导入脚本"); it ends when unused for
    ``API_TOKEN_IDLE_HOURS`` or ``API_TOKEN_MAX_DAYS`` after it was issued (accounts/tokens.py).
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField("名称", max_length=50)
    digest = models.CharField(max_length=64, unique=True)
    prefix = models.CharField("开头", max_length=8, help_text="令牌的前 8 位，用来区分各个令牌")
    created_at = models.DateTimeField("申请时间", auto_now_add=True)
    created_ip = models.GenericIPAddressField("申请地址", null=True, blank=True)
    last_used_at = models.DateTimeField("最近使用")
    expires_at = models.DateTimeField("最迟到期")

    class Meta:
        verbose_name = verbose_name_plural = "接口令牌"
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.name}（{self.prefix}…）"


class EnrolmentCode(models.Model):
    """A one-time code a platform administrator hands out so that the account may bind an
    authenticator: without it, whoever holds only the password cannot take the second factor.
    Only its keyed digest is kept (accounts/two_factor.py); one per account, issuing replaces it."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="enrolment_code")
    digest = models.CharField(max_length=64)
    issued_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField("发放时间", auto_now_add=True)
    expires_at = models.DateTimeField("有效期至")

    class Meta:
        verbose_name = verbose_name_plural = "绑定码"

    def __str__(self) -> str:
        return f"{self.user} 的绑定码"


class RecoveryCode(models.Model):
    """One of the ten recovery codes made when an authenticator is bound: each logs in once in
    place of the authenticator's code (a lost phone). Kept as keyed digests."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="recovery_codes")
    digest = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "恢复码"
        constraints = [models.UniqueConstraint(fields=["user", "digest"], name="one_recovery_code_each")]

    def __str__(self) -> str:
        return f"{self.user} 的恢复码"


class PasswordHistory(models.Model):
    """A password the account used before (its hash only), so that a change cannot go back to it."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="password_history")
    encoded = models.CharField(max_length=128)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "历史密码"
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.user} 的历史密码"
