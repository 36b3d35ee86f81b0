"""Writes on accounts and roles; each one leaves an audit record."""

from __future__ import annotations

from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from campuseval.audit.services import audit_log, changed, snapshot

from .models import RoleAssignment, User

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


def _region_code(user: User) -> str:
    first = user.roles.select_related("region", "school__county").first()
    if first is None:
        return ""
    if first.region is not None:
        return first.region.code
    return first.school.county.code if first.school is not None else ""


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
    user.full_clean()
    user.save()
    audit_log("create", user, after=snapshot(user, USER_FIELDS))
    return user


@transaction.atomic
def user_update(*, user: User, **fields: object) -> User:
    before = snapshot(user, USER_FIELDS)
    for name, value in fields.items():
        if name not in USER_FIELDS or name == "username":
            raise ValueError(f"不能修改字段 {name}")
        setattr(user, name, value)
    user.full_clean()
    user.save(update_fields=[f.removesuffix("_id") for f in fields])
    old, new = changed(before, snapshot(user, USER_FIELDS))
    if new:
        audit_log("update", user, before=old, after=new, region_code=_region_code(user))
    return user


@transaction.atomic
def user_set_password(*, user: User, password: str, by_self: bool) -> None:
    """Set a new password; a change by the user ends the must-change-at-first-log-in rule."""
    validate_password(password, user)
    user.set_password(password)
    user.must_change_password = not by_self
    user.save(update_fields=["password", "must_change_password"])
    audit_log(
        "update",
        user,
        before={"password": "（已隐藏）"},
        after={"password": "（已修改）", "must_change_password": user.must_change_password},
        region_code=_region_code(user),
    )


@transaction.atomic
def role_grant(
    *, user: User, role: str, region_id: int | None = None, school_id: int | None = None
) -> RoleAssignment:
    assignment = RoleAssignment(user=user, role=role, region_id=region_id, school_id=school_id)
    assignment.full_clean()
    assignment.save()
    region_code = (
        assignment.region.code
        if assignment.region
        else assignment.school.county.code
        if assignment.school
        else ""
    )
    audit_log("create", assignment, after=snapshot(assignment), region_code=region_code)
    return assignment


@transaction.atomic
def role_revoke(*, assignment: RoleAssignment) -> None:
    before = snapshot(assignment)
    region_code = assignment.region.code if assignment.region else ""
    audit_log("delete", assignment, before=before, region_code=region_code)
    assignment.delete()


@transaction.atomic
def totp_device_start(*, user: User) -> TOTPDevice:
    """A fresh, unconfirmed authenticator for the user (replacing an unconfirmed one)."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name="身份验证器", confirmed=False)


@transaction.atomic
def totp_device_confirm(*, device: TOTPDevice) -> None:
    TOTPDevice.objects.filter(user=device.user, confirmed=True).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    audit_log("update", device.user, after={"two_factor": "已绑定身份验证器"})
