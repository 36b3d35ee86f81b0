"""The API's own writes: issuing and revoking tokens, each in the audit trail as a log-in."""

from __future__ import annotations

from django.db import transaction
from rest_framework.authtoken.models import Token

from campuseval.accounts.models import User
from campuseval.accounts.services import login_audit as accounts_login_audit


def login_audit(action: str, *, username: str, user: User | None, ip: str | None, **after: str) -> None:
    """A log-in event through the API: the pages' record, marked ``via: api``."""
    accounts_login_audit(action, username=username, user=user, ip=ip, via="api", **after)


@transaction.atomic
def token_issue(*, user: User, ip: str | None) -> Token:
    """The user's API token (one per user, kept until revoked)."""
    token, _ = Token.objects.get_or_create(user=user)
    login_audit("login", username=user.username, user=user, ip=ip)
    return token


@transaction.atomic
def token_revoke(*, user: User, ip: str | None) -> None:
    """Delete the user's token: every client using it must ask for a new one."""
    Token.objects.filter(user=user).delete()
    login_audit("logout", username=user.username, user=user, ip=ip)
