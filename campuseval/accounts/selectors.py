"""Reads of accounts: the account list with roles and two-factor state, one account by name."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import RoleAssignment, User


def user_by_username(username: str) -> User | None:
    return User.objects.filter(username=username).first()


def with_roles(qs: QuerySet[User]) -> QuerySet[User]:
    """Accounts with their roles and whether two-factor log-in is set up (for the lists)."""
    confirmed = TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)
    return (
        qs.select_related("home_county")
        .prefetch_related(
            Prefetch("roles", queryset=RoleAssignment.objects.select_related("region", "school"))
        )
        .annotate(two_factor=Exists(confirmed))
    )


def roles_of_account(user: User) -> QuerySet[RoleAssignment]:
    return RoleAssignment.objects.filter(user=user).select_related("region", "school__county")


def active_user(pk: int) -> User | None:
    return User.objects.filter(pk=pk, is_active=True).first()


def totp_device(user: User, *, confirmed: bool) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=confirmed).first()


def two_factor_on(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()
