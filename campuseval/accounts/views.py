"""Log-in (password, then TOTP when the account has it), log-out, password change, my account."""

from __future__ import annotations

import base64

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.signals import user_login_failed
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from campuseval.audit.context import client_ip

from . import selectors, services, throttle, tokens, two_factor
from .forms import (
    ConfirmPasswordForm,
    EnrolmentCodeForm,
    LoginForm,
    PasswordChangeForm,
    RecoveryRenewForm,
    SecondFactorForm,
    TokenForm,
    TwoFactorSetupForm,
    is_totp,
)
from .middleware import STARTED as SESSION_STARTED
from .models import User

PENDING = "campuseval_pending_user"
NEXT = "campuseval_next"
ENROL_OK = "campuseval_enrolment_code_ok"  # the pending user gave a valid enrolment code
RECOVERY_ONCE = "campuseval_recovery_codes"  # shown once, on the next page
MAX_TOKEN_FAILURES = 5


def _audit_login(
    action: str, request: HttpRequest, username: str, user: User | None, **after: str
) -> None:
    services.login_audit(action, username=username, user=user, ip=client_ip(request), **after)


def _safe_next(request: HttpRequest, url: str | None) -> str:
    if url and url_has_allowed_host_and_scheme(url, {request.get_host()}, request.is_secure()):
        return url
    return resolve_url(settings.LOGIN_REDIRECT_URL)  # the user's own work (待办)


def _complete_login(
    request: HttpRequest, user: User, device: TOTPDevice | None = None, recovery_codes: list[str] | None = None
) -> HttpResponse:
    next_url = request.session.pop(NEXT, None)
    for key in (PENDING, ENROL_OK):
        request.session.pop(key, None)
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    request.session[SESSION_STARTED] = timezone.now().timestamp()  # its absolute lifetime starts
    if device is not None:
        otp_login(request, device)
    _audit_login("login", request, user.username, user)
    if recovery_codes:
        request.session[RECOVERY_ONCE] = recovery_codes
        if next_url:
            request.session[NEXT] = next_url
        return redirect("accounts:recovery_codes")
    if user.must_change_password:
        messages.info(request, "首次登录，请先修改密码。")
        return redirect("accounts:password_change")
    return redirect(_safe_next(request, next_url))


@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and throttle.address_throttled(client_ip(request)):
        username = form.cleaned_data["username"]
        _audit_login("login_failed", request, username, selectors.user_by_username(username), reason="网络地址限流")
        form.add_error(None, throttle.address_message())
        return render(request, "accounts/login.html", {"form": form, "next": request.GET.get("next", "")}, status=429)
    if request.method == "POST" and form.is_valid():
        user = authenticate(
            request,
            username=form.cleaned_data["username"],
            password=form.cleaned_data["password"],
        )
        if user is None:
            username = form.cleaned_data["username"]
            known = selectors.user_by_username(username)
            locked = getattr(request, "axes_locked_out", False)
            reason = "登录已锁定" if locked else "用户名或密码不正确"
            _audit_login("login_failed", request, username, known, reason=reason)
            form.add_error(None, "用户名或密码不正确。连续 5 次失败后账号将锁定 15 分钟。")
        else:
            assert isinstance(user, User)
            request.session[NEXT] = request.GET.get("next") or request.POST.get("next")
            if two_factor.required(user) or selectors.two_factor_on(user):
                request.session[PENDING] = user.pk
                request.session["token_failures"] = 0
                return redirect("accounts:login_token")
            return _complete_login(request, user)
    return render(request, "accounts/login.html", {"form": form, "next": request.GET.get("next", "")})


def _pending_user(request: HttpRequest) -> User | None:
    pk = request.session.get(PENDING)
    return selectors.active_user(pk) if pk else None


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
    if is_totp(value):
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
    if user.must_change_password:
        return resolve_url("accounts:password_change")
    return _safe_next(request, next_url)


def _base32(key: bytes) -> str:
    """The secret as authenticator apps take it when typed in, in groups of four."""
    text = base64.b32encode(key).decode().rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def _qr(device: TOTPDevice) -> str:
    return str(segno.make(device.config_url, micro=False).svg_data_uri(scale=4))


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    if isinstance(request.user, User):
        _audit_login("logout", request, request.user.username, request.user)
    logout(request)
    messages.info(request, "您已安全退出。")
    return redirect("accounts:login")


@login_required
@require_http_methods(["GET", "POST"])
def password_change_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    form = PasswordChangeForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.user_set_password(user=user, password=form.cleaned_data["new_password1"], by_self=True)
        update_session_auth_hash(request, user)
        messages.success(request, "密码已修改。")
        return redirect(settings.LOGIN_REDIRECT_URL)
    return render(request, "accounts/password_change.html", {"form": form, "forced": user.must_change_password})


@login_required
@require_GET
def me_view(request: HttpRequest) -> HttpResponse:
    """My account: who I am, my roles, my password and two-factor log-in."""
    user = request.user
    assert isinstance(user, User)
    roles = selectors.roles_of_account(user)
    api_tokens = [(t, tokens.ends_at(t)) for t in selectors.own_tokens(user)]
    context = {
        "account": user,
        "roles": roles,
        "two_factor": selectors.two_factor_on(user),
        "two_factor_required": two_factor.required(user),
        "recovery_left": selectors.recovery_codes_left(user),
        "api_tokens": api_tokens,
        "token_idle_hours": f"{settings.API_TOKEN_IDLE_HOURS:g}",
        "token_max_days": f"{settings.API_TOKEN_MAX_DAYS:g}",
    }
    return render(request, "accounts/me.html", context)


@login_required
@require_POST
def token_revoke_view(request: HttpRequest, pk: int) -> HttpResponse:
    """End one of my API tokens (another account's is a 404)."""
    user = request.user
    assert isinstance(user, User)
    token = selectors.own_token(user, pk)
    name = str(token)
    services.token_revoke(token=token, ip=client_ip(request))
    messages.success(request, f"令牌“{name}”已作废：使用它的程序须重新申请令牌。")
    return redirect("accounts:me")


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
