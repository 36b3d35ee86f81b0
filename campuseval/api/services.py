"""The API's own writes: issuing and revoking tokens, each in the audit trail as a log-in."""

from __future__ import annotations

from django.db import transaction
from rest_framework.authtoken.models import Token

from campuseval.accounts.models import User
from campuseval.accounts.services import region_code_of
from campuseval.audit.context import Actor
from campuseval.audit.services import Entry, audit_append


def login_audit(action: str, *, username: str, user: User | None, ip: str | None, **after: str) -> None:
    """Record a log-in event through the API, as the log-in page records its own.

    A failed attempt is anonymous: whoever typed the name is not known to be its owner.
    """
    acting = user.pk if user is not None and action != "login_failed" else None
    entry = Entry(
        action=action,
        object_type=User._meta.label_lower,
        object_id=str(user.pk) if user else "",
        object_repr=str(user) if user else username[:200],
        region_code=region_code_of(user) if user else "",
        after={"via": "api", **after},
    )
    audit_append([entry], actor=Actor(acting, username[:150], ip))


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
