"""The second factor: the log-in's second step (TOTP or a recovery code), binding an
authenticator (at the log-in after an enrolment code, or from 我的账号 with the current factor),
the recovery codes, turning it off."""

from __future__ import annotations

import base64

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.signals import user_login_failed
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import passwords, selectors, services, two_factor
from .forms import (
    ConfirmPasswordForm,
    EnrolmentCodeForm,
    RecoveryRenewForm,
    SecondFactorForm,
    TokenForm,
    TwoFactorSetupForm,
)
from .models import User
from .views import (
    ENROL_OK,
    MAX_TOKEN_FAILURES,
    NEXT,
    PENDING,
    RECOVERY_ONCE,
    _audit_login,
    _complete_login,
    _pending_user,
    _safe_next,
)


@require_http_methods(["GET", "POST"])
def login_token_view(request: HttpRequest) -> HttpResponse:
    """Second step: the authenticator's code or a recovery code; binding one when the account
    must use two-factor log-in and has none yet (after an enrolment code)."""
    user = _pending_user(request)
    if user is None:
        return redirect("accounts:login")
    device = selectors.totp_device(user, confirmed=True)
    if device is None:
        if not two_factor.required(user):
            return _complete_login(request, user)
        return _enrol_at_login(request, user)
    form = SecondFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        ok, left = _second_factor_ok(user, device, form.cleaned_data["token"])
        if ok:
            if left is not None:
                messages.warning(
                    request, f"您用一个恢复码登录，还剩 {left} 个。手机丢失时，请在“我的账号”更换身份验证器。"
                )
            return _complete_login(request, user, device)
        refused = _second_step_failed(request, user, "动态验证码或恢复码不正确")
        if refused:
            return refused
        form.add_error("token", "动态验证码不正确或已过期，或恢复码不正确")
    return render(request, "accounts/login_token.html", {"form": form, "enrolling": False})


def _second_factor_ok(user: User, device: TOTPDevice, value: str) -> tuple[bool, int | None]:
    """Whether ``value`` is the authenticator's code or one of the recovery codes (used up);
    with the number of recovery codes left when it was one."""
    if two_factor.is_totp(value):
        return bool(device.verify_token(value.replace(" ", ""))), None
    left = services.recovery_code_use(user=user, code=value)
    return left is not None, left


def _second_step_failed(request: HttpRequest, user: User, reason: str) -> HttpResponse | None:
    """Count a wrong code with the password failures (the same lockout); after too many, back
    to the password."""
    failures = request.session.get("token_failures", 0) + 1
    request.session["token_failures"] = failures
    user_login_failed.send(sender=__name__, credentials={"username": user.username}, request=request)
    _audit_login("login_failed", request, user.username, user, reason=reason)
    if failures >= MAX_TOKEN_FAILURES:
        for key in (PENDING, ENROL_OK):
            request.session.pop(key, None)
        messages.error(request, "验证码错误次数过多，请重新登录。")
        return redirect("accounts:login")
    return None


def _enrol_at_login(request: HttpRequest, user: User) -> HttpResponse:
    """Bind the first authenticator: never on the password alone, first the enrolment code."""
    if request.session.get(ENROL_OK) != user.pk:
        code_form = EnrolmentCodeForm(request.POST or None)
        if request.method == "POST" and code_form.is_valid():
            if selectors.enrolment_code_valid(user, code_form.cleaned_data["code"]):
                request.session[ENROL_OK] = user.pk
                return redirect("accounts:login_token")
            refused = _second_step_failed(request, user, "绑定码不正确或已过期")
            if refused:
                return refused
            code_form.add_error("code", "绑定码不正确或已过期：请向平台管理员索取新的绑定码")
        return render(request, "accounts/login_enrol.html", {"form": code_form})
    device = selectors.totp_device(user, confirmed=False) or services.totp_device_start(user=user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if selectors.enrolment_code_pending(user) is None:
            request.session.pop(ENROL_OK, None)
            messages.error(request, "绑定码已过期，请向平台管理员索取新的绑定码。")
            return redirect("accounts:login_token")
        if device.verify_token(form.cleaned_data["token"]):
            codes = services.totp_device_confirm(device=device, enrolment_code=True)
            return _complete_login(request, user, device, recovery_codes=codes)
        refused = _second_step_failed(request, user, "动态验证码不正确")
        if refused:
            return refused
        form.add_error("token", "动态验证码不正确或已过期")
    context = {"form": form, "enrolling": True, "qr_svg": _qr(device), "secret": _base32(device.bin_key)}
    return render(request, "accounts/login_token.html", context)


def _after_codes(request: HttpRequest, user: User) -> str:
    """Where the log-in goes once the new recovery codes are written down."""
    next_url = request.session.pop(NEXT, None)
    if passwords.must_change(user):
        return resolve_url("accounts:password_change")
    return _safe_next(request, next_url)


def _base32(key: bytes) -> str:
    """The secret as authenticator apps take it when typed in, in groups of four."""
    text = base64.b32encode(key).decode().rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def _qr(device: TOTPDevice) -> str:
    return str(segno.make(device.config_url, micro=False).svg_data_uri(scale=4))


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def two_factor_setup_view(request: HttpRequest) -> HttpResponse:
    """Bind an authenticator (or replace the one bound): scan, then confirm with a code, after
    the password and, where binding needs it, the current factor or an enrolment code."""
    user = request.user
    assert isinstance(user, User)
    bound = selectors.totp_device(user, confirmed=True)
    proof = "current" if bound else ("enrolment" if two_factor.required(user) else None)
    device = selectors.totp_device(user, confirmed=False) or services.totp_device_start(user=user)
    form = TwoFactorSetupForm(user, proof, request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if bound is not None and not _second_factor_ok(user, bound, data["current"])[0]:
            form.add_error("current", "当前动态验证码不正确或已过期，或恢复码不正确")
        elif proof == "enrolment" and not selectors.enrolment_code_valid(user, data["enrolment_code"]):
            form.add_error("enrolment_code", "绑定码不正确或已过期：请向平台管理员索取新的绑定码")
        elif device.verify_token(data["token"]):
            codes = services.totp_device_confirm(device=device, enrolment_code=proof == "enrolment")
            otp_login(request, device)
            request.session[RECOVERY_ONCE] = codes
            messages.success(request, "两步验证已开启：今后登录时须输入身份验证器上的动态验证码。")
            return redirect("accounts:recovery_codes")
        else:
            form.add_error("token", "动态验证码不正确或已过期，请核对手机时间后重试")
    context = {
        "form": form,
        "qr_svg": _qr(device),
        "secret": _base32(device.bin_key),
        "replacing": bound is not None,
    }
    return render(request, "accounts/two_factor_setup.html", context)


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def recovery_codes_view(request: HttpRequest) -> HttpResponse:
    """The recovery codes just made (shown this once), or new ones for the password and the
    current factor."""
    user = request.user
    assert isinstance(user, User)
    device = selectors.totp_device(user, confirmed=True)
    if device is None:
        return redirect("accounts:me")
    codes = request.session.pop(RECOVERY_ONCE, None)
    form = RecoveryRenewForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        if _second_factor_ok(user, device, form.cleaned_data["current"])[0]:
            codes = services.recovery_codes_renew(user=user)
        else:
            form.add_error("current", "动态验证码不正确或已过期，或恢复码不正确")
    context = {
        "codes": codes,
        "left": selectors.recovery_codes_left(user),
        "form": form,
        "next": _after_codes(request, user) if codes else None,
    }
    return render(request, "accounts/recovery_codes.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def two_factor_off_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    if two_factor.required(user):
        messages.error(request, "您的账号须使用两步验证，不能自行关闭。更换手机请重新绑定。")
        return redirect("accounts:me")
    form = ConfirmPasswordForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.totp_device_remove(user=user)
        messages.success(request, "两步验证已关闭。")
        return redirect("accounts:me")
    return render(request, "accounts/two_factor_off.html", {"form": form})
