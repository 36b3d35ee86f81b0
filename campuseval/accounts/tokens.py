"""API tokens: only a digest is kept, several per account, each ended when idle or old.

The key is 32 random bytes, so a plain SHA-256 of it cannot be searched back (a slow hash is for
passwords, which people choose). ``ApiTokenAuthentication`` is the API's one road from an
``Authorization: Token <key>`` header to an account; the pages' "我的账号" and the API list and
revoke the same rows.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from rest_framework.authentication import TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed

from .models import ApiToken, User

# A token's last use is written at most this often, so that reads do not each write a row.
TOUCH_EVERY = dt.timedelta(minutes=1)


def new_key() -> str:
    return secrets.token_urlsafe(32)


def digest_of(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def idle_limit() -> dt.timedelta:
    return dt.timedelta(hours=settings.API_TOKEN_IDLE_HOURS)


def lifetime() -> dt.timedelta:
    return dt.timedelta(days=settings.API_TOKEN_MAX_DAYS)


def ends_at(token: ApiToken) -> dt.datetime:
    """When the token stops working if it is not used again."""
    return min(token.expires_at, token.last_used_at + idle_limit())


def is_live(token: ApiToken, now: dt.datetime | None = None) -> bool:
    return (now or timezone.now()) < ends_at(token)


def live_q(now: dt.datetime | None = None) -> Q:
    """``is_live`` as a filter: the tokens neither past their lifetime nor idle too long."""
    now = now or timezone.now()
    return Q(expires_at__gt=now, last_used_at__gt=now - idle_limit())


class ApiTokenAuthentication(TokenAuthentication):
    """``Authorization: Token <key>``: the token's account, while the token lives."""

    def authenticate_credentials(self, key: str) -> tuple[User, ApiToken]:
        token = ApiToken.objects.select_related("user").filter(digest=digest_of(key)).first()
        if token is None:
            raise AuthenticationFailed("令牌无效或已作废：请用 POST /api/token/ 重新申请")
        now = timezone.now()
        if not is_live(token, now):
            token.delete()
            raise AuthenticationFailed("令牌已过期（长期未用或超过有效期）：请用 POST /api/token/ 重新申请")
        if not token.user.is_active:
            raise AuthenticationFailed("账号已停用")
        if now - token.last_used_at >= TOUCH_EVERY:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
            token.last_used_at = now
        return token.user, token

