"""`campuseval check --deploy`: the audit chain is keyed in production (issue 13, defect 5)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def audit_key_set(app_configs: Any, **kwargs: Any) -> list[Warning]:
    if settings.AUDIT_KEY:
        return []
    return [
        Warning(
            "审计日志的哈希链未设置密钥：能改数据库的人就能改写审计记录并重算整条链。",
            hint="把一个随机的长密钥放进数据库之外的文件，以 CAMPUSEVAL_AUDIT_KEY_FILE 指向它（docs/deployment.md）。",
            id="campuseval.W001",
        )
    ]
