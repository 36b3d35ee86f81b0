"""Account management for platform administrators: list, create, edit, roles, resets.

Every write goes through ``services``; every account is fetched through ``scope.users_for``.
A new or reset password is shown once, in the response to the POST that made it, and is
never stored, logged or sent.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from campuseval.regions.selectors import regions_for

from . import scope, selectors, services, throttle, two_factor
from .filters import UserFilter
from .forms import RoleGrantForm, UserCreateForm, UserEditForm, add_service_errors
from .gates import gate_required, signed_in
from .models import ROLE_PLACE, Role, User
from .passwords import generate_password
from .selectors import roles_of_account, with_roles

PAGE_SIZE = 50
# For the grant form: each role with where it is held, so the page shows the right field.
ROLE_PLACES = [(r.value, r.label, str(ROLE_PLACE[r] or "none")) for r in Role]


def _get_user(request: HttpRequest, pk: int) -> User:
    return scope.get_in_scope(with_roles(scope.users_for(request.user, write=True)), pk=pk)


@gate_required("platform")
@require_GET
def user_list(request: HttpRequest) -> HttpResponse:
    users = with_roles(scope.users_for(request.user))
    found = UserFilter(request.GET or None, queryset=users, regions=regions_for(request.user))
    page = Paginator(found.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "accounts/user_list.html", {"filter": found, "page": page})


def _password_once(request: HttpRequest, user: User, password: str, *, created: bool) -> HttpResponse:
    return render(
        request,
        "accounts/password_once.html",
        {"account": user, "password": password, "created": created},
    )


@gate_required("platform")
@never_cache
@require_http_methods(["GET", "POST"])
def user_create(request: HttpRequest) -> HttpResponse:
    form = UserCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        password = generate_password()
        data = form.cleaned_data
        try:
            user = services.user_create(
                username=data["username"],
                password=password,
                full_name=data["full_name"],
                phone=data["phone"],
                email=data["email"],
                home_county_id=data["home_county"].pk if data["home_county"] else None,
                must_change_password=True,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return _password_once(request, user, password, created=True)
    return render(request, "accounts/user_form.html", {"form": form, "account": None})


def _detail(request: HttpRequest, user: User, grant_form: RoleGrantForm | None = None) -> HttpResponse:
    context: dict[str, Any] = {
        "account": user,
        "roles": list(user.roles.all()),
        "grant_form": grant_form or RoleGrantForm(),
        "role_places": ROLE_PLACES,
        "locked_until": throttle.locked_until(user.username),
        "two_factor_required": two_factor.required(user),
        "enrolment_code": selectors.enrolment_code_pending(user),
    }
    return render(request, "accounts/user_detail.html", context)


@gate_required("platform")
@require_GET
def user_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, _get_user(request, pk))


@gate_required("platform")
@require_http_methods(["GET", "POST"])
def user_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = _get_user(request, pk)
    form = UserEditForm(request.POST or None, user=user, by=signed_in(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.user_update(user=user, **form.changes())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"已保存账号 {user.username} 的信息。")
            return redirect("accounts:user_detail", pk=user.pk)
    return render(request, "accounts/user_form.html", {"form": form, "account": user})


@gate_required("platform")
@require_POST
def role_grant(request: HttpRequest, pk: int) -> HttpResponse:
    user = _get_user(request, pk)
    form = RoleGrantForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            assignment = services.role_grant(
                user=user,
                role=data["role"],
                region_id=data["region"].pk if data["region"] else None,
                school_id=data["school"].pk if data["school"] else None,
                department_id=data["department"].pk if data.get("department") else None,
            )
        except ValidationError as exc:
            add_service_errors(form, exc, aliases={"school": "school_code"})
        else:
            messages.success(request, f"已授予角色：{assignment}。")
            return redirect("accounts:user_detail", pk=user.pk)
    return _detail(request, user, grant_form=form)


@gate_required("platform")
@require_POST
def role_revoke(request: HttpRequest, pk: int, role_pk: int) -> HttpResponse:
    user = _get_user(request, pk)
    assignment = scope.get_in_scope(
        roles_of_account(user),
        pk=role_pk,
    )
    try:
        services.role_revoke(assignment=assignment)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, f"已撤销角色：{assignment}。")
    return redirect("accounts:user_detail", pk=user.pk)


@gate_required("platform")
@never_cache
@require_POST
def password_reset(request: HttpRequest, pk: int) -> HttpResponse:
    user = _get_user(request, pk)
    password = services.user_password_reset(user=user)
    if user.pk == request.user.pk:
        update_session_auth_hash(request, user)  # stay logged in, then change it
    return _password_once(request, user, password, created=False)


@gate_required("platform")
@require_POST
def account_unlock(request: HttpRequest, pk: int) -> HttpResponse:
    """Lift the log-in lock of an account before its 15 minutes are over (audited)."""
    user = _get_user(request, pk)
    if services.account_unlock(user=user):
        messages.success(request, f"已解锁账号 {user.username}，现在可以重新登录。")
    else:
        messages.info(request, f"账号 {user.username} 没有被锁定。")
    return redirect("accounts:user_detail", pk=user.pk)


@gate_required("platform")
@never_cache
@require_POST
def enrolment_code_issue(request: HttpRequest, pk: int) -> HttpResponse:
    """A one-time code for the account to bind an authenticator with, shown this once (audited)."""
    user = _get_user(request, pk)
    code = services.enrolment_code_issue(user=user, by=signed_in(request))
    context = {"account": user, "code": code, "hours": f"{settings.ENROLMENT_CODE_HOURS:g}"}
    return render(request, "accounts/enrolment_code_once.html", context)


@gate_required("platform")
@require_POST
def two_factor_reset(request: HttpRequest, pk: int) -> HttpResponse:
    user = _get_user(request, pk)
    services.totp_device_remove(user=user)
    if two_factor.required(user):
        messages.success(request, "已解除该账号的身份验证器和恢复码；本人须凭新的绑定码重新绑定（点击“发放绑定码”）。")
    else:
        messages.success(request, "已解除该账号的身份验证器，登录时不再需要动态验证码。")
    return redirect("accounts:user_detail", pk=user.pk)
