"""Writes on accounts and roles; each one leaves an audit record."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from campuseval.audit.context import Actor
from campuseval.audit.services import (
    Entry,
    audit_append,
    audit_log,
    audited_update,
    entry_for,
    snapshot,
)

from . import throttle, two_factor
from .models import (
    ApiToken,
    EnrolmentCode,
    PasswordHistory,
    RecoveryCode,
    Role,
    RoleAssignment,
    User,
)
from .passwords import PasswordHistoryValidator, generate_password

USER_FIELDS = [
    "username",
    "full_name",
    "phone",
    "email",
    "is_active",
    "must_change_password",
    "otp_required",
    "home_county_id",
]


def region_code_of(user: User) -> str:
    """The region of the account's first role, so that its administrators see its records."""
    first = user.roles.select_related("region", "school__county").first()
    if first is None:
        return ""
    if first.region is not None:
        return first.region.code
    return first.school.county.code if first.school is not None else ""


def _assignment_region_code(assignment: RoleAssignment) -> str:
    if assignment.region is not None:
        return assignment.region.code
    if assignment.department is not None:
        return assignment.department.region.code
    return assignment.school.county.code if assignment.school is not None else ""


def _other_platform_admins(user: User) -> bool:
    return (
        RoleAssignment.objects.filter(role=Role.PLATFORM_ADMIN, user__is_active=True)
        .exclude(user=user)
        .exists()
    )


@transaction.atomic
def user_create(
    *,
    username: str,
    password: str,
    full_name: str = "",
    phone: str = "",
    email: str = "",
    must_change_password: bool = True,
    home_county_id: int | None = None,
) -> User:
    """Create an account; the password is validated and never stored or shown in clear."""
    user = User(
        username=username,
        full_name=full_name,
        phone=phone,
        email=email,
        must_change_password=must_change_password,
        home_county_id=home_county_id,
    )
    validate_password(password, user)
    user.set_password(password)
    user.password_changed_at = timezone.now()
    user.full_clean()
    user.save()
    audit_log("create", user, after=snapshot(user, USER_FIELDS))
    return user


@transaction.atomic
def user_update(*, user: User, **fields: object) -> User:
    if (
        fields.get("is_active") is False
        and user.is_active
        and user.roles.filter(role=Role.PLATFORM_ADMIN).exists()
        and not _other_platform_admins(user)
    ):
        raise ValidationError({"is_active": "这是唯一启用的平台管理员账号，不能停用"})
    for name in fields:
        if name not in USER_FIELDS or name == "username":
            raise ValueError(f"不能修改字段 {name}")
    audited_update(user, fields, tracked=USER_FIELDS, region_code=region_code_of(user))
    return user


@transaction.atomic
def user_set_password(*, user: User, password: str, by_self: bool) -> None:
    """Set a new password; a change by the user ends the must-change-at-first-log-in rule.

    API tokens issued under the old password stop working: a new password is a new key.
    """
    validate_password(password, user)
    # Here rather than among the validators: each earlier password is a slow hash to check, so
    # once per change, not again in every form that validates.
    PasswordHistoryValidator().validate(password, user)
    if user.password:
        PasswordHistory.objects.create(user=user, encoded=user.password)
        stale = PasswordHistory.objects.filter(user=user).values_list("pk", flat=True)[settings.PASSWORD_HISTORY :]
        PasswordHistory.objects.filter(pk__in=list(stale)).delete()
    user.set_password(password)
    user.must_change_password = not by_self
    user.password_changed_at = timezone.now()
    user.save(update_fields=["password", "must_change_password", "password_changed_at"])
    ApiToken.objects.filter(user=user).delete()
    audit_log(
        "update",
        user,
        before={"password": "（已隐藏）"},
        after={"password": "（已修改）", "must_change_password": user.must_change_password},
        region_code=region_code_of(user),
    )


@transaction.atomic
def user_password_reset(*, user: User) -> str:
    """Give the account a new random password, to be changed at the next log-in; return it.

    The caller shows it once; it is not stored or sent anywhere.
    """
    password = generate_password()
    user_set_password(user=user, password=password, by_self=False)
    return password


def _log_role(action: str, assignment: RoleAssignment, **change: dict[str, object]) -> None:
    # Name the account too: "县级管理员 · 琅琊区" alone does not say whose role it is.
    entry = entry_for(action, assignment, region_code=_assignment_region_code(assignment), **change)
    audit_append([replace(entry, object_repr=f"{assignment.user} · {assignment}"[:200])])


@transaction.atomic
def role_grant(
    *,
    user: User,
    role: str,
    region_id: int | None = None,
    school_id: int | None = None,
    department_id: int | None = None,
) -> RoleAssignment:
    assignment = RoleAssignment(
        user=user, role=role, region_id=region_id, school_id=school_id, department_id=department_id
    )
    # Checked before the constraints, whose own message ("…已存在") does not say which role.
    place = {"region_id": region_id, "school_id": school_id, "department_id": department_id}  # None matches NULL
    duplicate = RoleAssignment.objects.filter(user=user, role=role, **place)
    if duplicate.exists():
        raise ValidationError("该账号在这个区域或学校已经有这个角色")
    assignment.full_clean()
    assignment.save()
    _log_role("create", assignment, after=snapshot(assignment))
    return assignment


@transaction.atomic
def role_revoke(*, assignment: RoleAssignment) -> None:
    if assignment.role == Role.PLATFORM_ADMIN and not _other_platform_admins(assignment.user):
        raise ValidationError("这是唯一启用的平台管理员，不能撤销其平台管理员角色")
    _log_role("delete", assignment, before=snapshot(assignment))
    assignment.delete()


@transaction.atomic
def totp_device_start(*, user: User) -> TOTPDevice:
    """A fresh, unconfirmed authenticator for the user (replacing an unconfirmed one)."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name="身份验证器", confirmed=False)


@transaction.atomic
def totp_device_confirm(*, device: TOTPDevice, enrolment_code: bool = False) -> list[str]:
    """Bind the authenticator (replacing the one bound) and return the account's new recovery
    codes, to be shown once; ``enrolment_code``: it was allowed by one, which is now used up."""
    user = device.user
    TOTPDevice.objects.filter(user=user, confirmed=True).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    if enrolment_code:
        EnrolmentCode.objects.filter(user=user).delete()
    codes = _recovery_codes_replace(user)
    audit_log(
        "update",
        user,
        after={"two_factor": "已绑定身份验证器", "recovery_codes": f"已生成 {len(codes)} 个"}
        | ({"enrolment_code": "已使用"} if enrolment_code else {}),
        region_code=region_code_of(user),
    )
    return codes


def _recovery_codes_replace(user: User) -> list[str]:
    RecoveryCode.objects.filter(user=user).delete()
    codes = [two_factor.new_code(2) for _ in range(two_factor.RECOVERY_CODES)]
    RecoveryCode.objects.bulk_create(
        RecoveryCode(user=user, digest=two_factor.digest_of(code, "recovery")) for code in codes
    )
    return codes


@transaction.atomic
def recovery_codes_renew(*, user: User) -> list[str]:
    """Ten new recovery codes (the old ones stop working), to be shown once; audited."""
    codes = _recovery_codes_replace(user)
    audit_log("update", user, after={"recovery_codes": f"已重新生成 {len(codes)} 个"}, region_code=region_code_of(user))
    return codes


@transaction.atomic
def recovery_code_use(*, user: User, code: str) -> int | None:
    """Log in with a recovery code in place of the authenticator's: the code is used up
    (audited). The number left, or None when the code is not one of the account's."""
    used, _ = RecoveryCode.objects.filter(user=user, digest=two_factor.digest_of(code, "recovery")).delete()
    if not used:
        return None
    left = RecoveryCode.objects.filter(user=user).count()
    audit_log(
        "update", user, after={"recovery_codes": f"登录时使用 1 个，剩余 {left} 个"}, region_code=region_code_of(user)
    )
    return left


@transaction.atomic
def enrolment_code_issue(*, user: User, by: User | None) -> str:
    """A one-time code allowing the account to bind an authenticator (replacing an earlier
    code), valid ``ENROLMENT_CODE_HOURS``; shown once to the administrator, audited."""
    code = two_factor.new_code(3)
    hours = settings.ENROLMENT_CODE_HOURS
    EnrolmentCode.objects.update_or_create(
        user=user,
        defaults={
            "digest": two_factor.digest_of(code, "enrolment"),
            "issued_by": by,
            "expires_at": timezone.now() + dt.timedelta(hours=hours),
        },
    )
    audit_log("update", user, after={"enrolment_code": f"已发放，{hours:g} 小时内有效"}, region_code=region_code_of(user))
    return code


@transaction.atomic
def totp_device_remove(*, user: User) -> None:
    """Unbind the user's authenticators (a lost phone, or the user turns two-factor off).

    With ``otp_required`` the user binds a new one at the next log-in.
    """
    deleted, _ = TOTPDevice.objects.filter(user=user).delete()
    RecoveryCode.objects.filter(user=user).delete()
    if deleted:
        audit_log(
            "update",
            user,
            before={"two_factor": "已绑定身份验证器"},
            after={"two_factor": "已解除"},
            region_code=region_code_of(user),
        )


def account_unlock(*, user: User) -> bool:
    """Lift the log-in lock of the account (its failures from every address are forgotten);
    audited. False when it was not locked."""
    until = throttle.locked_until(user.username)
    throttle.unlock(user.username)
    if until is None:
        return False
    audit_log(
        "update", user, before={"login": f"已锁定至 {timezone.localtime(until):%H:%M}"}, after={"login": "已解锁"},
        region_code=region_code_of(user),
    )
    return True


def login_audit(action: str, *, username: str, user: User | None, ip: str | None, **after: str) -> None:
    """Record a log-in event (log-in, failed log-in, log-out) of the pages or the API; the
    region of the account's first role lets its administrators see it.

    A failed attempt is anonymous: whoever typed the name is not known to be its owner.
    """
    acting = user.pk if user is not None and action != "login_failed" else None
    entry = Entry(
        action=action,
        object_type=User._meta.label_lower,
        object_id=str(user.pk) if user else "",
        object_repr=str(user) if user else username[:200],
        region_code=region_code_of(user) if user else "",
        after=after or None,
    )
    audit_append([entry], actor=Actor(acting, username[:150], ip))


@transaction.atomic
def token_revoke(*, token: ApiToken, ip: str | None, via: str = "page") -> None:
    """End one of the account's API tokens; every client using it must ask for a new one."""
    user = token.user
    name = str(token)
    token.delete()
    login_audit("logout", username=user.username, user=user, ip=ip, token=name, via=via)
