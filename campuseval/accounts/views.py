"""Log-in (password, then TOTP when the account has it), log-out, password change."""

from __future__ import annotations

import segno
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.signals import user_login_failed
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from campuseval.audit.context import Actor, acting_as, client_ip
from campuseval.audit.services import audit_log

from . import services
from .forms import LoginForm, PasswordChangeForm, TokenForm
from .models import User

PENDING = "campuseval_pending_user"
NEXT = "campuseval_next"
MAX_TOKEN_FAILURES = 5


def _safe_next(request: HttpRequest, url: str | None) -> str:
    if url and url_has_allowed_host_and_scheme(url, {request.get_host()}, request.is_secure()):
        return url
    return "/"


def _complete_login(request: HttpRequest, user: User, device: TOTPDevice | None = None) -> HttpResponse:
    next_url = request.session.pop(NEXT, None)
    request.session.pop(PENDING, None)
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    if device is not None:
        otp_login(request, device)
    with acting_as(Actor(user.pk, user.username, client_ip(request))):
        audit_log("login", user)
    if user.must_change_password:
        messages.info(request, "首次登录，请先修改密码。")
        return redirect("accounts:password_change")
    return redirect(_safe_next(request, next_url))


@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = authenticate(
            request,
            username=form.cleaned_data["username"],
            password=form.cleaned_data["password"],
        )
        if user is None:
            with acting_as(Actor(None, form.cleaned_data["username"][:150], client_ip(request))):
                audit_log("login_failed", User(username=form.cleaned_data["username"][:150]))
            form.add_error(None, "用户名或密码不正确。连续 5 次失败后账号将锁定 15 分钟。")
        else:
            assert isinstance(user, User)
            request.session[NEXT] = request.GET.get("next") or request.POST.get("next")
            if user.otp_required or TOTPDevice.objects.filter(user=user, confirmed=True).exists():
                request.session[PENDING] = user.pk
                request.session["token_failures"] = 0
                return redirect("accounts:login_token")
            return _complete_login(request, user)
    return render(request, "accounts/login.html", {"form": form, "next": request.GET.get("next", "")})


def _pending_user(request: HttpRequest) -> User | None:
    pk = request.session.get(PENDING)
    return User.objects.filter(pk=pk, is_active=True).first() if pk else None


@require_http_methods(["GET", "POST"])
def login_token_view(request: HttpRequest) -> HttpResponse:
    """Second step: the TOTP code; first enrolment when the account has no authenticator yet."""
    user = _pending_user(request)
    if user is None:
        return redirect("accounts:login")
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    enrolling = device is None
    if enrolling:
        device = TOTPDevice.objects.filter(user=user, confirmed=False).first() or services.totp_device_start(user=user)
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
        if failures >= MAX_TOKEN_FAILURES:
            request.session.pop(PENDING, None)
            messages.error(request, "动态验证码错误次数过多，请重新登录。")
            return redirect("accounts:login")
        form.add_error("token", "动态验证码不正确或已过期")
    context = {"form": form, "enrolling": enrolling}
    if enrolling:
        context["qr_svg"] = segno.make(device.config_url, micro=False).svg_data_uri(scale=4)
        context["secret"] = device.bin_key.hex()
    return render(request, "accounts/login_token.html", context)


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        audit_log("logout", request.user)  # type: ignore[arg-type]
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
        return redirect("/")
    return render(request, "accounts/password_change.html", {"form": form, "forced": user.must_change_password})
