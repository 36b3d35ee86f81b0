"""Reads of accounts: the account list with roles and two-factor state, one account by name."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.http import Http404
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import tokens, two_factor
from .models import ApiToken, EnrolmentCode, RecoveryCode, RoleAssignment, User


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


def own_tokens(user: User) -> QuerySet[ApiToken]:
    """The account's live API tokens, newest first: nobody else's are ever listed or revoked."""
    return ApiToken.objects.filter(tokens.live_q(), user=user)


def own_token(user: User, pk: int) -> ApiToken:
    """One of the account's own tokens; another account's (or none) is a 404."""
    token = ApiToken.objects.filter(user=user, pk=pk).select_related("user").first()
    if token is None:
        raise Http404("没有这个令牌")
    return token


def enrolment_code_valid(user: User, code: str) -> bool:
    """Whether ``code`` is the account's live enrolment code (it stays until a binding uses it)."""
    digest = two_factor.digest_of(code, "enrolment")
    return EnrolmentCode.objects.filter(user=user, digest=digest, expires_at__gt=timezone.now()).exists()


def enrolment_code_pending(user: User) -> EnrolmentCode | None:
    return EnrolmentCode.objects.filter(user=user, expires_at__gt=timezone.now()).first()


def recovery_codes_left(user: User) -> int:
    return RecoveryCode.objects.filter(user=user).count()
