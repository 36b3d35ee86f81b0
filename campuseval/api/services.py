"""The API's own writes: issuing and revoking tokens, each in the audit trail."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from campuseval.accounts import tokens
from campuseval.accounts.models import ApiToken, User
from campuseval.accounts.services import login_audit as accounts_login_audit
from campuseval.accounts.services import token_revoke as accounts_token_revoke

DEFAULT_TOKEN_NAME = "接口客户端"


def login_audit(action: str, *, username: str, user: User | None, ip: str | None, **after: str) -> None:
    """A log-in event through the API: the pages' record, marked ``via: api``."""
    accounts_login_audit(action, username=username, user=user, ip=ip, via="api", **after)


@transaction.atomic
def token_issue(*, user: User, ip: str | None, name: str = "") -> tuple[ApiToken, str]:
    """A new token for the user and its key (shown once, never stored).

    The account's ended tokens are removed first; beyond ``API_TOKENS_PER_USER`` live ones it
    refuses, naming the page where old ones are revoked.
    """
    now = timezone.now()
    User.objects.select_for_update().filter(pk=user.pk).first()  # one issue at a time per account
    ApiToken.objects.filter(user=user).exclude(tokens.live_q(now)).delete()
    live = ApiToken.objects.filter(user=user).count()
    if live >= settings.API_TOKENS_PER_USER:
        raise ValidationError(
            f"该账号已有 {live} 个有效令牌（最多 {settings.API_TOKENS_PER_USER} 个）："
            "请先在“我的账号”页面或用 DELETE /api/tokens/{id}/ 作废不再使用的令牌"
        )
    key = tokens.new_key()
    token = ApiToken.objects.create(
        user=user,
        name=(name.strip() or DEFAULT_TOKEN_NAME)[:50],
        digest=tokens.digest_of(key),
        prefix=key[:8],
        created_ip=ip,
        last_used_at=now,
        expires_at=now + tokens.lifetime(),
    )
    login_audit("login", username=user.username, user=user, ip=ip, token=str(token))
    return token, key


def token_revoke(*, token: ApiToken, ip: str | None) -> None:
    """End one token (the one the request came with, or one of the account's own)."""
    accounts_token_revoke(token=token, ip=ip, via="api")
