"""The one table of role gates: which roles may use a kind of page or API operation at all.

A role that may never act is refused with 403 and the gate's Chinese message (a page renders
``accounts/forbidden.html`` through ``handler403``; DRF answers ``{"detail": message}``).
Objects behind a gate are still fetched through each app's door and are 404 out of scope.

    @gate_required("county")            # a page
    gates.require(user, "county")       # a door, for pages and API alike
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from . import scope
from .models import Role, User

View = Callable[..., HttpResponse]


@dataclass(frozen=True)
class Gate:
    roles: frozenset[str]
    message: str


GATES: dict[str, Gate] = {
    "school": Gate(
        frozenset({Role.SCHOOL_USER}),
        "“我的申报”、自评和佐证材料仅供学校用户使用；您的账号不是学校用户。",
    ),
    "county_reader": Gate(
        frozenset({Role.COUNTY_ADMIN, Role.CITY_ADMIN, Role.PLATFORM_ADMIN}),
        "县级初评仅限县（市、区）管理员和市级管理员使用。",
    ),
    "county": Gate(
        frozenset({Role.COUNTY_ADMIN}),
        "只有县（市、区）管理员可以评分、退回或推荐；市级管理员只能查看县级初评。",
    ),
    "quota_overview": Gate(
        frozenset({Role.CITY_ADMIN, Role.PLATFORM_ADMIN}),
        "各县（市、区）推荐名额汇总仅限市级管理员查看。",
    ),
    "city": Gate(
        frozenset({Role.CITY_ADMIN}),
        "年度创建的设置、专家分配、认定和公布仅限市级管理员使用。",
    ),
    "evidence": Gate(
        frozenset({Role.SCHOOL_USER}), "佐证材料由学校上传和管理；您的账号不是学校用户。"
    ),
    "expert": Gate(frozenset({Role.EXPERT}), "“我的评审”和专家评分仅限评估专家使用。"),
    "plans": Gate(
        frozenset({Role.PLATFORM_ADMIN, Role.CITY_ADMIN, Role.COUNTY_ADMIN, Role.OBSERVER, Role.DEPARTMENT_USER}),
        "规划与目标仅供教育局（市、县）的管理员、处室用户和观察员使用。",
    ),
    "plan_makers": Gate(
        frozenset({Role.PLATFORM_ADMIN, Role.CITY_ADMIN, Role.COUNTY_ADMIN}),
        "新建规划和目标仅限市、县（市、区）管理员。",
    ),
    "dashboards": Gate(
        frozenset({Role.PLATFORM_ADMIN, Role.CITY_ADMIN, Role.COUNTY_ADMIN, Role.OBSERVER}),
        "数据看板仅供教育局（省、市、县）的管理员和观察员查看。",
    ),
    "platform": Gate(
        frozenset({Role.PLATFORM_ADMIN}),
        "账号管理仅限平台管理员使用。如需开通或修改账号，请联系平台管理员。",
    ),
}


def signed_in(request: HttpRequest) -> User:
    """The request's user behind a gate (every gate requires log-in)."""
    assert isinstance(request.user, User)
    return request.user


def passes(user: scope.AnyUser, name: str) -> bool:
    return scope.has_role(user, *GATES[name].roles)


def require(user: scope.AnyUser, name: str) -> None:
    """Raise PermissionDenied with the gate's message unless the user holds one of its roles."""
    if not passes(user, name):
        raise PermissionDenied(GATES[name].message)


def forbidden(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "accounts/forbidden.html", {"message": message}, status=403)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """handler403: the refusal's own message, or a general one."""
    message = str(exception) if exception is not None and str(exception) else "您的账号无权使用此功能。"
    return forbidden(request, message)


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


def gate_required(name: str) -> Callable[[View], View]:
    """Log-in required; then 403 with the gate's message for a role outside it."""
    gate = GATES[name]
    return allowed_if(lambda user: scope.has_role(user, *gate.roles), gate.message)
