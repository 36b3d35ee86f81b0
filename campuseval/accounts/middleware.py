"""Send a user who must change their password to the change page, and nowhere else; end a
session that has lasted longer than its absolute lifetime, however active it was."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone

from .passwords import must_change

STARTED = "campuseval_session_started"

ALLOWED_PREFIXES = ("/static/", "/i18n/")


class PasswordChangeRequiredMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and must_change(user):
            # The recovery codes made at the first log-in are shown before the password change.
            allowed = {reverse(name) for name in ("accounts:password_change", "accounts:logout", "accounts:recovery_codes")}
            if request.path not in allowed and not request.path.startswith(ALLOWED_PREFIXES):
                return redirect("accounts:password_change")
        return self.get_response(request)


class SessionLifetimeMiddleware:
    """A signed-in session lasts at most ``SESSION_ABSOLUTE_AGE`` seconds from its log-in (the
    idle limit, ``SESSION_COOKIE_AGE``, is Django's): then the user is signed out and asked to
    log in again (等保 2.0: a session has an absolute end, so a stolen one does not live on)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = timezone.now().timestamp()
            started = request.session.setdefault(STARTED, now)
            if now - float(started) > settings.SESSION_ABSOLUTE_AGE:
                logout(request)
                hours = settings.SESSION_ABSOLUTE_AGE // 3600
                messages.info(request, f"登录已超过 {hours} 小时，为了账号安全请重新登录。")
        return self.get_response(request)
