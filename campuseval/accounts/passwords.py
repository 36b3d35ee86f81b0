"""Password rules beyond Django's: a mix of character classes, and no password that is only
the platform's own words with digits (等保 2.0 三级)."""

from __future__ import annotations

import datetime as dt
import re
import secrets
import string
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.utils import timezone


class CharacterClassValidator:
    """Require characters from at least ``min_classes`` of: upper, lower, digits, symbols."""

    def __init__(self, min_classes: int = 3) -> None:
        self.min_classes = min_classes

    def validate(self, password: str, user: object = None) -> None:
        classes = [
            any(c.isupper() for c in password),
            any(c.islower() for c in password),
            any(c.isdigit() for c in password),
            any(c in string.punctuation or not c.isalnum() for c in password),
        ]
        if sum(classes) < self.min_classes:
            raise ValidationError(
                f"密码须包含大写字母、小写字母、数字、符号中的至少 {self.min_classes} 类",
                code="password_too_simple",
            )

    def get_help_text(self) -> str:
        return f"密码须包含大写字母、小写字母、数字、符号中的至少 {self.min_classes} 类。"


# The words a guesser tries first on this platform: what it is, in English, pinyin and Chinese.
PLATFORM_WORDS = (
    "campuseval", "campus", "smartcampus", "smart", "school", "zhihuixiaoyuan", "zhihui", "xiaoyuan",
    "zhxy", "xuexiao", "jiaoyu", "edu", "password", "admin", "智慧校园", "智慧", "校园", "学校", "教育",
)
LETTERS_LEFT = 4  # a password keeps at least this many letters once the words are taken out


def _names(user: object) -> list[str]:
    """The places of the platform a guesser knows: every province and city it holds, and the
    user's own counties and school."""
    from campuseval.regions.models import Region

    names = list(Region.objects.filter(level__in=["province", "city"]).values_list("name", flat=True))
    roles = getattr(user, "roles", None)
    if roles is None or getattr(user, "pk", None) is None:
        return names
    for role in roles.select_related("region", "school__county"):
        school = role.school
        for place in (role.region, school, school.county if school else None):
            if place is not None:
                names.append(place.name)
    return names


def context_words(user: object = None, extra: Iterable[str] = ()) -> list[str]:
    """Platform words, the user's places and any ``extra`` (the site's name), longest first,
    with 市/区/县 and 学校/小学/中学 suffixes also taken off."""
    words = {w.lower() for w in PLATFORM_WORDS}
    for name in [*_names(user), *extra]:
        name = name.strip().lower()
        if len(name) >= 2:
            words.add(name)
            bare = re.sub(r"(市|区|县|学校|小学|中学|初级中学|高级中学)$", "", name)
            if len(bare) >= 2:
                words.add(bare)
    return sorted(words, key=len, reverse=True)


class ContextWordValidator:
    """Refuse a password that is only context words (campus, 智慧校园, the city, the school) with
    digits and symbols around them, such as ``Campus2026`` or ``泰州@智慧校园2026``."""

    def __init__(self, extra: Iterable[str] = ()) -> None:
        self.extra = list(extra)

    def validate(self, password: str, user: object = None) -> None:
        rest = password.lower()
        found = False
        for word in context_words(user, self.extra):
            if word in rest:
                found = True
                rest = rest.replace(word, " ")
        letters = [c for c in rest if c.isalpha()]
        if found and len(letters) < LETTERS_LEFT:
            raise ValidationError(
                "密码不能只由常见词（如 campus、智慧校园、所在城市或学校的名称）加数字、符号组成，"
                f"去掉这些词后须至少还有 {LETTERS_LEFT} 个字母",
                code="password_context_words",
            )

    def get_help_text(self) -> str:
        return "密码不能只由 campus、智慧校园、所在城市或学校的名称等常见词加数字组成。"


# No look-alikes (0/O, 1/l/I) and no quote characters: it is read off a screen and typed.
_GROUPS = ("ABCDEFGHJKLMNPQRSTUVWXYZ", "abcdefghijkmnpqrstuvwxyz", "23456789", "!#$%*+-=?@")


def generate_password(length: int = 14) -> str:
    """A random password with every character class, for a new account or a reset."""
    chars = [secrets.choice(group) for group in _GROUPS]
    alphabet = "".join(_GROUPS)
    chars += [secrets.choice(alphabet) for _ in range(length - len(chars))]
    secrets.SystemRandom().shuffle(chars)
    return "".join(chars)


def expired(user: Any) -> bool:
    """Whether the account's password is older than ``PASSWORD_MAX_AGE_DAYS`` (0: never)."""
    days = settings.PASSWORD_MAX_AGE_DAYS
    if not days or not getattr(user, "pk", None):
        return False
    since = user.password_changed_at or user.date_joined
    return bool(since is not None and timezone.now() - since > dt.timedelta(days=days))


def must_change(user: Any) -> bool:
    """Whether the account must change its password before doing anything else: the first
    log-in, a reset by an administrator, or a password past its age. Pages and API alike."""
    return bool(getattr(user, "must_change_password", False) or expired(user))


class PasswordHistoryValidator:
    """A new password may not be one of the account's last ``PASSWORD_HISTORY`` passwords."""

    def validate(self, password: str, user: Any = None) -> None:
        count = settings.PASSWORD_HISTORY
        if not count or user is None or not getattr(user, "pk", None):
            return
        from .models import PasswordHistory

        earlier = PasswordHistory.objects.filter(user=user).values_list("encoded", flat=True)[:count]
        current = [user.password] if user.password else []
        if any(check_password(password, encoded) for encoded in [*current, *earlier]):
            raise ValidationError(f"新密码不能与最近 {count} 次用过的密码相同", code="password_reused")

    def get_help_text(self) -> str:
        return f"不能与最近 {settings.PASSWORD_HISTORY} 次用过的密码相同。"
