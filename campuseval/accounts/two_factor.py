"""Who must log in with a second factor, and the one-time codes around it.

Level 3 (GB/T 22239-2019 §8.1.4.1) asks two factors of administrators: with ``ADMIN_TWO_FACTOR``
(on by default in production mode) platform, city and county administrators log in with a TOTP
code, and so does any account an administrator marked "须两步验证". Binding an authenticator
needs the password *and* either a one-time enrolment code from a platform administrator or the
account's current second factor. Enrolment and recovery codes are kept as HMAC digests keyed
with ``SECRET_KEY``: a copy of the database alone does not reveal them.
"""

from __future__ import annotations

import re
import secrets

from django.conf import settings
from django.utils.crypto import salted_hmac

from .models import Role, User

ADMIN_ROLES = frozenset({Role.PLATFORM_ADMIN, Role.CITY_ADMIN, Role.COUNTY_ADMIN})
RECOVERY_CODES = 10
# Letters and digits that cannot be mistaken for one another when read aloud or typed.
ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
CODE = re.compile(r"^[A-Z0-9]{4}-?[A-Z0-9]{4}(-?[A-Z0-9]{4})?$")


def is_admin(user: User) -> bool:
    return user.roles.filter(role__in=ADMIN_ROLES).exists()


def required(user: User) -> bool:
    """Whether the account must log in with a second factor."""
    return bool(user.otp_required or (settings.ADMIN_TWO_FACTOR and is_admin(user)))


def new_code(groups: int) -> str:
    """``groups`` groups of four, e.g. ``7KQ2-M9XD``."""
    return "-".join("".join(secrets.choice(ALPHABET) for _ in range(4)) for _ in range(groups))


def normalise(text: str) -> str:
    """As typed: case, spaces and hyphens do not matter."""
    return re.sub(r"[\s\-]", "", text).upper()


def is_totp(text: str) -> bool:
    """An authenticator's 6 digits (spaces allowed, as some apps show ``123 456``)."""
    return bool(re.fullmatch(r"\d{6}", text.strip().replace(" ", "")))


def looks_like_code(text: str) -> bool:
    return bool(CODE.match(text.strip().upper().replace(" ", "")))


def digest_of(code: str, purpose: str) -> str:
    return salted_hmac(f"campuseval.two_factor.{purpose}", normalise(code), algorithm="sha256").hexdigest()
