"""Password rules beyond Django's: a mix of character classes (等保 2.0 三级)."""

from __future__ import annotations

import secrets
import string

from django.core.exceptions import ValidationError


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


# No look-alikes (0/O, 1/l/I) and no quote characters: it is read off a screen and typed.
_GROUPS = ("ABCDEFGHJKLMNPQRSTUVWXYZ", "abcdefghijkmnpqrstuvwxyz", "23456789", "!#$%*+-=?@")


def generate_password(length: int = 14) -> str:
    """A random password with every character class, for a new account or a reset."""
    chars = [secrets.choice(group) for group in _GROUPS]
    alphabet = "".join(_GROUPS)
    chars += [secrets.choice(alphabet) for _ in range(length - len(chars))]
    secrets.SystemRandom().shuffle(chars)
    return "".join(chars)
