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

from . import selectors, services, throttle, tokens
from .forms import ConfirmPasswordForm, LoginForm, PasswordChangeForm, TokenForm, TwoFactorSetupForm
from .middleware import STARTED as SESSION_STARTED
from .models import User

PENDING = "campuseval_pending_user"
NEXT = "campuseval_next"
MAX_TOKEN_FAILURES = 5


def _audit_login(
    action: str, request: HttpRequest, username: str, user: User | None, **after: str
) -> None:
    services.login_audit(action, username=username, user=user, ip=client_ip(request), **after)


def _safe_next(request: HttpRequest, url: str | None) -> str:
    if url and url_has_allowed_host_and_scheme(url, {request.get_host()}, request.is_secure()):
        return url
    return resolve_url(settings.LOGIN_REDIRECT_URL)  # the user's own work (待办)


def _complete_login(request: HttpRequest, user: User, device: TOTPDevice | None = None) -> HttpResponse:
    next_url = request.session.pop(NEXT, None)
    request.session.pop(PENDING, None)
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    request.session[SESSION_STARTED] = timezone.now().timestamp()  # its absolute lifetime starts
    if device is not None:
        otp_login(request, device)
    _audit_login("login", request, user.username, user)
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
            if user.otp_required or selectors.two_factor_on(user):
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
    """Second step: the TOTP code; first enrolment when the account has no authenticator yet."""
    user = _pending_user(request)
    if user is None:
        return redirect("accounts:login")
    device = selectors.totp_device(user, confirmed=True)
    enrolling = device is None
    if enrolling:
        device = selectors.totp_device(user, confirmed=False) or services.totp_device_start(user=user)
    assert device is not None
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            if enrolling:
                services.totp_device_confirm(device=device)
            return _complete_login(request, user, device)
        failures = request.session.get("token_failures", 0) + 1
        request.session["token_failures"] = failures
        # Count it with the password failures, so the same lockout applies.
        user_login_failed.send(sender=__name__, credentials={"username": user.username}, request=request)
        _audit_login("login_failed", request, user.username, user, reason="动态验证码不正确")
        if failures >= MAX_TOKEN_FAILURES:
            request.session.pop(PENDING, None)
            messages.error(request, "动态验证码错误次数过多，请重新登录。")
            return redirect("accounts:login")
        form.add_error("token", "动态验证码不正确或已过期")
    context = {"form": form, "enrolling": enrolling}
    if enrolling:
        context["qr_svg"] = _qr(device)
        context["secret"] = _base32(device.bin_key)
    return render(request, "accounts/login_token.html", context)


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
    """Bind an authenticator (or replace the one bound): scan, then confirm with a code."""
    user = request.user
    assert isinstance(user, User)
    device = selectors.totp_device(user, confirmed=False)
    if device is None:
        device = services.totp_device_start(user=user)
    form = TwoFactorSetupForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            services.totp_device_confirm(device=device)
            otp_login(request, device)
            messages.success(request, "两步验证已开启：今后登录时须输入身份验证器上的动态验证码。")
            return redirect("accounts:me")
        form.add_error("token", "动态验证码不正确或已过期，请核对手机时间后重试")
    context = {
        "form": form,
        "qr_svg": _qr(device),
        "secret": _base32(device.bin_key),
        "replacing": selectors.two_factor_on(user),
    }
    return render(request, "accounts/two_factor_setup.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def two_factor_off_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    if user.otp_required:
        messages.error(request, "管理员要求您的账号使用两步验证，不能自行关闭。更换手机请重新绑定。")
        return redirect("accounts:me")
    form = ConfirmPasswordForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.totp_device_remove(user=user)
        messages.success(request, "两步验证已关闭。")
        return redirect("accounts:me")
    return render(request, "accounts/two_factor_off.html", {"form": form})
