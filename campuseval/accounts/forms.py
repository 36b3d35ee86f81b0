from __future__ import annotations

from django import forms
from django.contrib.auth import password_validation


class LoginForm(forms.Form):
    username = forms.CharField(label="用户名", max_length=150)
    password = forms.CharField(label="密码", widget=forms.PasswordInput)


class TokenForm(forms.Form):
    token = forms.RegexField(
        label="动态验证码",
        regex=r"^\d{6}$",
        error_messages={"invalid": "请输入身份验证器上的 6 位数字"},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )


class PasswordChangeForm(forms.Form):
    old_password = forms.CharField(label="当前密码", widget=forms.PasswordInput)
    new_password1 = forms.CharField(
        label="新密码",
        widget=forms.PasswordInput,
        help_text=password_validation.password_validators_help_text_html(),
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
