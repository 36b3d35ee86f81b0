"""Every API error has the same body: ``detail`` (a Chinese sentence naming what is wrong and
where) and ``code``, and for a form's field errors ``errors`` (field → messages), as the
schema publishes for every operation (``document_errors``)."""

from __future__ import annotations

from typing import Any

from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

# The answers every operation may give besides its own, documented once here.
COMMON_ERRORS = {
    "400": "请求的参数或数据不合规：detail 说明哪一项、为什么；errors 按字段列出",
    "401": "没有登录或令牌无效、已过期",
    "403": "无权进行这项操作（detail 说明原因）",
    "404": "对象不存在或不在本账号的范围内",
    "429": "请求过于频繁",
    "503": "系统暂时不可用（数据库忙或不可达），请稍后再试",
}


def _first_message(errors: Any, field: str = "") -> str:
    if isinstance(errors, dict):
        for name, inner in errors.items():
            key = "" if name == "non_field_errors" else str(name)
            return _first_message(inner, f"{field}.{key}".strip(".") if key else field)
        return ""
    if isinstance(errors, list) and errors:
        return _first_message(errors[0], field)
    text = str(errors)
    return f"{field}：{text}" if field else text


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's answer, with a ``detail`` always: field errors keep their dict under ``errors``."""
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    data = response.data
    if isinstance(data, dict) and "detail" in data:
        if "code" not in data:
            code = getattr(getattr(exc, "detail", None), "code", None) or getattr(exc, "default_code", "error")
            response.data = {**data, "code": str(code)}
        return response
    response.data = {"detail": _first_message(data) or "请求不合规", "code": "invalid", "errors": data}
    return response


def document_errors(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    """drf-spectacular postprocessing: every operation lists the common error answers (those it
    does not document itself) with the one error body."""
    error = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}}
    for methods in result.get("paths", {}).values():
        for operation in methods.values():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            for status, description in COMMON_ERRORS.items():
                operation["responses"].setdefault(status, {"description": description, "content": error})
    return result
