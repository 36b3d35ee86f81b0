"""POST /api/token/: a token for username and password (and the TOTP code); DELETE revokes it.

Log-in through the API keeps every rule of the log-in page: django-axes counts failures and
locks, two-factor accounts give their code, accounts that must change their password first
do so on the web page.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest
from django_otp.plugins.otp_totp.models import TOTPDevice
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from campuseval.accounts import tokens, two_factor
from campuseval.accounts.models import ApiToken, User
from campuseval.accounts.passwords import must_change
from campuseval.accounts.scope import roles_of
from campuseval.accounts.selectors import own_token, own_tokens
from campuseval.accounts.throttle import address_message, address_throttled
from campuseval.audit.context import client_ip

from . import serializers as s
from .services import login_audit, token_issue, token_revoke

TOKEN_RULES = """
每次申请得到一个新令牌（可以用 `name` 给它起名，例如“成绩导入脚本”），之后每个请求带上请求头
`Authorization: Token <token>`。令牌只在申请时显示一次，平台只保存它的摘要。

- 令牌长期不用（默认 7 天）或申请满有效期（默认 30 天）后失效（401），须重新申请；
  每个账号最多同时有 10 个有效令牌（400），旧的在“我的账号”页面或 `DELETE /api/tokens/{id}/` 作废。
- `DELETE /api/token/` 作废本次请求所用的令牌；`GET /api/tokens/` 列出本人的全部令牌。
- 修改或重置密码后，该账号的全部令牌作废。

- 与网页登录共用锁定规则：连续 5 次失败（密码或动态验证码）后，账号和来源地址锁定 15 分钟（429）。
- 已开启两步验证的账号（须两步验证，或已绑定身份验证器；生产模式下平台、市级、县级管理员都须两步验证）
  须在 `otp` 字段填写动态验证码；
  须两步验证但还没有绑定的账号，须先在网页上登录完成绑定（403）。
- 须修改密码的账号（首次登录、管理员重置密码后）须先在网页上修改密码（403）；
  已发出的令牌在修改密码之前也不能使用（403）。
- 停用的账号得不到令牌，已有的令牌也不能再用（401）。
"""


class TokenApi(APIView):
    """POST: a token for username, password (and the TOTP code); DELETE: revoke one's token."""

    def get_permissions(self) -> list[Any]:
        if self.request.method == "POST":
            return [AllowAny()]
        return [IsAuthenticated()]

    @extend_schema(
        tags=["令牌"],
        summary="用用户名和密码（及动态验证码）换取令牌",
        description=TOKEN_RULES,
        auth=[],
        request=s.TokenIn,
        responses={
            200: s.TokenOut,
            400: OpenApiResponse(s.ErrorOut, description="用户名或密码、动态验证码不正确，或须填写 otp"),
            403: OpenApiResponse(s.ErrorOut, description="须先在网页上修改密码或绑定身份验证器"),
            429: OpenApiResponse(s.ErrorOut, description="连续失败：账号已锁定，或本网络地址失败过多暂被限流"),
        },
    )
    def post(self, request: Request) -> Response:
        serializer = s.TokenIn(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        http: HttpRequest = request._request
        ip = client_ip(http)
        username = data["username"]
        if address_throttled(ip):
            known = User.objects.filter(username=username).first()
            login_audit("login_failed", username=username, user=known, ip=ip, reason="网络地址限流")
            return _refusal(address_message(), "address_throttled", status.HTTP_429_TOO_MANY_REQUESTS)
        # Pass Django's request so that django-axes counts the failure and applies its lockout.
        user = authenticate(http, username=username, password=data["password"])
        if getattr(http, "axes_locked_out", False):
            return self._locked(http, username)
        if user is None:
            known = User.objects.filter(username=username).first()
            login_audit("login_failed", username=username, user=known, ip=ip, reason="用户名或密码不正确")
            return _refusal(
                f"用户名或密码不正确。连续 {settings.AXES_FAILURE_LIMIT} 次失败后账号将锁定。",
                "invalid_credentials",
            )
        assert isinstance(user, User)
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if two_factor.required(user) or device is not None:
            if device is None:
                return _refusal(
                    "该账号须两步验证，但还没有绑定身份验证器：请先在网页上登录并完成绑定",
                    "otp_not_set_up",
                    status.HTTP_403_FORBIDDEN,
                )
            if not data.get("otp"):
                return _refusal("该账号已开启两步验证：请在 otp 字段填写身份验证器上的动态验证码", "otp_required")
            if not device.verify_token(data["otp"]):
                # Counted with the password failures, as on the log-in page.
                user_login_failed.send(sender=__name__, credentials={"username": user.username}, request=http)
                login_audit("login_failed", username=username, user=user, ip=ip, reason="动态验证码不正确")
                if getattr(http, "axes_locked_out", False):
                    return self._locked(http, username)
                return _refusal("动态验证码不正确或已过期", "otp_invalid")
        if must_change(user):
            return _refusal(
                "须先修改密码（首次登录、管理员重置或密码已到期）：请先在网页上登录并修改密码，再申请令牌",
                "password_change_required",
                status.HTTP_403_FORBIDDEN,
            )
        try:
            token, key = token_issue(user=user, ip=ip, name=data.get("name", ""))
        except DjangoValidationError as error:
            return _refusal(error.messages[0], "token_limit")
        user_logged_in.send(sender=user.__class__, request=http, user=user)
        body = {
            "token": key,
            "id": token.pk,
            "name": token.name,
            "expires_at": token.expires_at,
            "username": user.username,
            "full_name": user.full_name,
            "roles": sorted(roles_of(user)),
        }
        return Response(s.TokenOut(body).data)

    @staticmethod
    def _locked(http: HttpRequest, username: str) -> Response:
        known = User.objects.filter(username=username).first()
        login_audit("login_failed", username=username, user=known, ip=client_ip(http), reason="登录已锁定")
        # Answer in JSON ourselves; left set, AxesMiddleware would replace it with its HTML page.
        http.axes_locked_out = False  # type: ignore[attr-defined]
        minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
        return _refusal(
            f"连续 {settings.AXES_FAILURE_LIMIT} 次登录失败，该账号已锁定 {minutes} 分钟，"
            "请稍后再试；如忘记密码，请联系管理员重置。",
            "locked",
            status.HTTP_429_TOO_MANY_REQUESTS,
        )

    @extend_schema(
        tags=["令牌"],
        summary="作废本次请求所用的令牌",
        request=None,
        responses={204: None, 400: OpenApiResponse(s.ErrorOut, description="本次请求没有使用令牌（网页登录）")},
    )
    def delete(self, request: Request) -> Response:
        if not isinstance(request.auth, ApiToken):
            return _refusal("本次请求没有使用令牌：用网页登录时请在“我的账号”页面作废令牌", "no_token")
        token_revoke(token=request.auth, ip=client_ip(request._request))
        return Response(status=status.HTTP_204_NO_CONTENT)


def _token_row(token: ApiToken, current: object) -> dict[str, Any]:
    return {
        "id": token.pk,
        "name": token.name,
        "prefix": token.prefix,
        "created_at": token.created_at,
        "created_ip": token.created_ip,
        "last_used_at": token.last_used_at,
        "expires_at": token.expires_at,
        "ends_at": tokens.ends_at(token),
        "current": token == current,
    }


class TokenListApi(APIView):
    """GET: the account's own API tokens (names, when issued and last used, when they end)."""

    @extend_schema(tags=["令牌"], summary="本人的全部令牌", responses={200: s.TokenRowOut(many=True)})
    def get(self, request: Request) -> Response:
        rows = [_token_row(t, request.auth) for t in own_tokens(request.user)]
        return Response(s.TokenRowOut(rows, many=True).data)


class TokenDetailApi(APIView):
    """DELETE: end one of the account's own tokens (another account's is a 404)."""

    @extend_schema(
        tags=["令牌"],
        summary="作废本人的一个令牌",
        request=None,
        responses={204: None, 404: OpenApiResponse(s.ErrorOut, description="本人没有这个令牌")},
    )
    def delete(self, request: Request, pk: int) -> Response:
        token_revoke(token=own_token(request.user, pk), ip=client_ip(request._request))
        return Response(status=status.HTTP_204_NO_CONTENT)


def _refusal(detail: str, code: str, status_code: int = status.HTTP_400_BAD_REQUEST) -> Response:
    return Response({"detail": detail, "code": code}, status=status_code)
