"""Log-in failures counted per account and per address (issue 13, defect 1).

An account locks after ``AXES_FAILURE_LIMIT`` failures (django-axes, per user name) and an
administrator can unlock it on its page (``account_unlock``). An address is never locked:
after ``LOGIN_ADDRESS_LIMIT`` failures within ``AXES_COOLOFF_TIME`` its log-in attempts are
refused for the rest of that time without trying the password, so one person guessing behind a
school's NAT slows that address down but locks no one else's account. The counts are django-axes'
own rows (one per user name, address and browser), read here; nothing is counted twice.
"""

from __future__ import annotations

from datetime import datetime

from axes.models import AccessAttempt
from axes.utils import reset
from django.conf import settings
from django.db.models import Max, Sum
from django.utils import timezone
from django.utils.translation import gettext as _


def _recent() -> datetime:
    return timezone.now() - settings.AXES_COOLOFF_TIME


def address_failures(address: str | None) -> int:
    """Failed log-ins from the address within the cool-off time, over every account."""
    if not address:
        return 0
    rows = AccessAttempt.objects.filter(ip_address=address, attempt_time__gte=_recent())
    return rows.aggregate(n=Sum("failures_since_start"))["n"] or 0


def address_throttled(address: str | None) -> bool:
    return address_failures(address) >= settings.LOGIN_ADDRESS_LIMIT


def address_message() -> str:
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return _("本网络地址登录失败次数过多，请 %(minutes)s 分钟后再试（账号本身未被锁定）") % {"minutes": minutes}


def locked_until(username: str) -> datetime | None:
    """When the account's lock ends, or None when it is not locked."""
    rows = AccessAttempt.objects.filter(username=username, attempt_time__gte=_recent())
    got = rows.aggregate(n=Sum("failures_since_start"), last=Max("attempt_time"))
    if (got["n"] or 0) < settings.AXES_FAILURE_LIMIT or got["last"] is None:
        return None
    return got["last"] + settings.AXES_COOLOFF_TIME


def unlock(username: str) -> int:
    """Forget the account's failures (every address): the number of rows removed."""
    return reset(username=username)
