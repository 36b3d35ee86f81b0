"""The API's own permission: a token outlives a password reset. Who may act on what is decided
by each app's door (``campaigns.access``: 404 out of scope, 403 with the gate's message for a
role that may never act), the same functions the pages call."""

from __future__ import annotations

from typing import Any

from rest_framework.permissions import BasePermission, IsAuthenticated

from campuseval.accounts.passwords import must_change


class PasswordChanged(BasePermission):
    """A token outlives a password reset: refuse it until the user has changed the password."""

    message = "您须先修改密码（首次登录、管理员重置或密码已到期）：请在网页上登录并修改密码后再使用接口"

    def has_permission(self, request: Any, view: Any) -> bool:
        return not must_change(request.user)


# Every endpoint but the token's and the documentation's.
PERMISSIONS = [IsAuthenticated, PasswordChanged]
