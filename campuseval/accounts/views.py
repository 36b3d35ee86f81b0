"""Log-in (password, then TOTP when the account has it), log-out, password change, my account."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from campuseval.audit.context import client_ip

from . import passwords, selectors, services, throttle, tokens, two_factor
from .forms import (
    LoginForm,
    PasswordChangeForm,
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
    if passwords.expired(user):
        messages.info(request, f"您的密码已使用超过 {settings.PASSWORD_MAX_AGE_DAYS} 天，请修改密码。")
        return redirect("accounts:password_change")
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
        try:
            services.user_set_password(user=user, password=form.cleaned_data["new_password1"], by_self=True)
        except ValidationError as exc:
            form.add_error("new_password1", exc)
        else:
            update_session_auth_hash(request, user)
            messages.success(request, "密码已修改。")
            return redirect(settings.LOGIN_REDIRECT_URL)
    context = {
        "form": form,
        "forced": passwords.must_change(user),
        "expired": passwords.expired(user),
        "max_age": settings.PASSWORD_MAX_AGE_DAYS,
    }
    return render(request, "accounts/password_change.html", context)


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
