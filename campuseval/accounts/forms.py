from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.utils.html import format_html

from campuseval.regions.models import Department, Region, School

from . import two_factor
from .models import ROLE_PLACE, Role, User
from .passwords import PasswordHistoryValidator


class LoginForm(forms.Form):
    username = forms.CharField(label="用户名", max_length=150)
    password = forms.CharField(label="密码", widget=forms.PasswordInput)


def totp_field(label: str = "动态验证码") -> forms.RegexField:
    """The authenticator's 6 digits."""
    return forms.RegexField(
        label=label,
        regex=r"^\d{6}$",
        error_messages={"invalid": "请输入身份验证器上的 6 位数字"},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )


class TokenForm(forms.Form):
    token = totp_field()


def _second_factor(value: str) -> None:
    if two_factor.is_totp(value) or two_factor.looks_like_code(value):
        return
    raise forms.ValidationError("请输入身份验证器上的 6 位数字，或一个恢复码（如 7KQ2-M9XD）")


def second_factor_field(label: str = "动态验证码或恢复码", **kwargs: Any) -> forms.CharField:
    """The authenticator's 6 digits, or one of the account's recovery codes."""
    return forms.CharField(
        label=label,
        max_length=20,
        validators=[_second_factor],
        help_text="手机不在身边时，可输入一个恢复码（每个只能用一次）。",
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autocapitalize": "characters"}),
        **kwargs,
    )


class SecondFactorForm(forms.Form):
    token = second_factor_field()


def _enrolment_code(value: str) -> None:
    if len(two_factor.normalise(value)) != 12 or not two_factor.looks_like_code(value):
        raise forms.ValidationError("绑定码是 12 位字母和数字，如 7KQ2-M9XD-4HPA")


def enrolment_code_field() -> forms.CharField:
    return forms.CharField(
        label="绑定码",
        max_length=20,
        validators=[_enrolment_code],
        help_text="平台管理员发给您的一次性绑定码。",
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )


class EnrolmentCodeForm(forms.Form):
    code = enrolment_code_field()


class PasswordChangeForm(forms.Form):
    old_password = forms.CharField(label="当前密码", widget=forms.PasswordInput)
    new_password1 = forms.CharField(
        label="新密码",
        widget=forms.PasswordInput,
        # The history rule is checked by the service (each earlier password is a slow hash).
        help_text=format_html(
            "{}<ul><li>{}</li></ul>",
            password_validation.password_validators_help_text_html(),
            PasswordHistoryValidator().get_help_text(),
        ),
    )
    new_password2 = forms.CharField(label="再次输入新密码", widget=forms.PasswordInput)

    def __init__(self, user: object, *args: object, **kwargs: object) -> None:
        self.user = user
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]

    def clean_old_password(self) -> str:
        value: str = self.cleaned_data["old_password"]
        if not self.user.check_password(value):  # type: ignore[attr-defined]
            raise forms.ValidationError("当前密码不正确")
        return value

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        p1, p2 = data.get("new_password1"), data.get("new_password2")
        if p1 and p2:
            if p1 != p2:
                self.add_error("new_password2", "两次输入的新密码不一致")
            elif p1 == data.get("old_password"):
                self.add_error("new_password1", "新密码不能与当前密码相同")
            else:
                try:
                    password_validation.validate_password(str(p1), self.user)  # type: ignore[arg-type]
                except forms.ValidationError as exc:
                    self.add_error("new_password1", exc)
        return data


class RegionChoiceField(forms.ModelChoiceField[Region]):
    def label_from_instance(self, obj: Region) -> str:
        return f"{obj.code} {obj.name}（{obj.get_level_display()}）"


def _county_field() -> RegionChoiceField:
    return RegionChoiceField(
        label="所在县（市、区）",
        queryset=Region.objects.filter(level=Region.Level.COUNTY),
        required=False,
        empty_label="（不填）",
        help_text="评估专家不得评审本县（市、区）的学校。",
    )


def _checkbox(label: str, help_text: str = "") -> forms.BooleanField:
    return forms.BooleanField(
        label=label,
        required=False,
        help_text=help_text,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )


class UserCreateForm(forms.Form):
    username = forms.CharField(
        label="用户名",
        max_length=150,
        validators=[UnicodeUsernameValidator()],
        help_text="登录时使用，创建后不能修改：汉字、字母、数字及 @ . + - _。",
    )
    full_name = forms.CharField(label="姓名", max_length=50)
    phone = forms.CharField(label="联系电话", max_length=30, required=False)
    email = forms.EmailField(label="电子邮箱", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["home_county"] = _county_field()


class UserEditForm(forms.Form):
    full_name = forms.CharField(label="姓名", max_length=50)
    phone = forms.CharField(label="联系电话", max_length=30, required=False)
    email = forms.EmailField(label="电子邮箱", required=False)
    is_active = _checkbox("启用账号", "停用后该账号不能登录；账号及其记录不会删除。")
    otp_required = _checkbox(
        "开启两步验证登录", "开启后，登录时除密码外还须输入手机身份验证器上的动态验证码。"
    )

    def __init__(self, *args: Any, user: User, by: User, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial",
            {
                "full_name": user.full_name,
                "phone": user.phone,
                "email": user.email,
                "is_active": user.is_active,
                "otp_required": user.otp_required,
                "home_county": user.home_county_id,
            },
        )
        super().__init__(*args, **kwargs)
        self.fields["home_county"] = _county_field()
        self.user, self.by = user, by

    def clean_is_active(self) -> bool:
        value: bool = self.cleaned_data["is_active"]
        if not value and self.user.pk == self.by.pk:
            raise forms.ValidationError("不能停用自己正在使用的账号")
        return value

    def changes(self) -> dict[str, Any]:
        """The cleaned values in the names that services.user_update takes."""
        data = dict(self.cleaned_data)
        county = data.pop("home_county")
        data["home_county_id"] = county.pk if county else None
        return data


class DepartmentChoiceField(forms.ModelChoiceField[Department]):
    def label_from_instance(self, obj: Department) -> str:
        return f"{obj.region.name} · {obj.name}"


class RoleGrantForm(forms.Form):
    role = forms.ChoiceField(label="角色", choices=Role.choices)
    region = RegionChoiceField(
        label="区域",
        queryset=Region.objects.all(),
        required=False,
        empty_label="（请选择）",
        help_text="市级管理员、评估专家：市；县级管理员：县（市、区）；观察员：任一级区域。",
    )
    school_code = forms.CharField(
        label="学校标识码",
        required=False,
        max_length=10,
        help_text="学校用户：填写其学校的 10 位学校标识码。",
    )
    department = DepartmentChoiceField(
        label="处室",
        queryset=Department.objects.select_related("region"),
        required=False,
        empty_label="（请选择）",
        help_text="处室用户：所在教育局的处室，报送其牵头的指标进度。",
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        role = data.get("role")
        if role is None:
            return data
        place = ROLE_PLACE[Role(role)]
        # Only the place this role is held in counts: the other field may hold a stale value
        # from before the role was changed in the form.
        data["school"] = None
        if place != "department":
            data["department"] = None
        if place == "department":
            data["region"] = None
        elif place == "school":
            data["region"] = None
            code = (data.get("school_code") or "").strip()
            if code:
                data["school"] = School.objects.filter(code=code).first()
                if data["school"] is None:
                    self.add_error("school_code", f"没有学校标识码为 {code} 的学校")
        elif place is None:
            data["region"] = None
        return data


class ConfirmPasswordForm(forms.Form):
    password = forms.CharField(
        label="当前密码",
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text="为确认是您本人操作，请输入登录密码。",
    )

    def __init__(self, user: User, *args: Any, **kwargs: Any) -> None:
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_password(self) -> str:
        value: str = self.cleaned_data["password"]
        if not self.user.check_password(value):
            raise forms.ValidationError("密码不正确")
        return value


class TwoFactorSetupForm(ConfirmPasswordForm):
    """Bind an authenticator from 我的账号: the password and the new authenticator's code, and
    ``proof`` when binding needs more: ``current`` (an authenticator is bound: its code or a
    recovery code) or ``enrolment`` (two-factor is required and none is bound: an enrolment code)."""

    token = totp_field("新身份验证器上的动态验证码")

    def __init__(self, user: User, proof: str | None, *args: Any, **kwargs: Any) -> None:
        super().__init__(user, *args, **kwargs)
        self.proof = proof
        if proof == "current":
            self.fields["current"] = second_factor_field("当前身份验证器上的动态验证码或恢复码")
        elif proof == "enrolment":
            self.fields["enrolment_code"] = enrolment_code_field()


class RecoveryRenewForm(ConfirmPasswordForm):
    current = second_factor_field("当前动态验证码或恢复码")


def add_service_errors(
    form: forms.Form, exc: ValidationError, aliases: dict[str, str] | None = None
) -> None:
    """Show a service's ValidationError on the form, on its field where the form has one."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            field = (aliases or {}).get(name, name)
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)
