"""Gates for pages that a role may never use at all: 403 with a message, not 404.

Objects inside such pages are still fetched through ``scope`` and are 404 out of scope.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from . import scope

View = Callable[..., HttpResponse]


def forbidden(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "accounts/forbidden.html", {"message": message}, status=403)


def allowed_if(check: Callable[[scope.AnyUser], bool], message: str) -> Callable[[View], View]:
    """Log-in required; then 403 with ``message`` unless ``check(user)``."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not check(request.user):
                return forbidden(request, message)
            return view(request, *args, **kwargs)

        return login_required(wrapped)

    return decorator


platform_admin_required = allowed_if(
    scope.is_platform_admin, "账号管理仅限平台管理员使用。如需开通或修改账号，请联系平台管理员。"
)
