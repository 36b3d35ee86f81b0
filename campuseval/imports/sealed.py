"""The imported accounts' one-time passwords, sealed at rest (Fernet).

The key is derived from SECRET_KEY (HKDF-SHA256 with a fixed purpose label) and never stored,
so a copy of the database alone does not reveal the passwords. During a key rotation the old
key, kept in SECRET_KEY_FALLBACKS as Django's signing expects, still opens what it sealed.
No model import: the migration that sealed the plaintext rows uses this module too.
"""

from __future__ import annotations

import base64
import json

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.utils.encoding import force_bytes

# Changing the label makes every sealed password unreadable: add a new one beside it instead.
PURPOSE = b"campuseval.imports.initial-passwords.v1"


class Unreadable(Exception):
    """Sealed under another key (SECRET_KEY changed since) or altered: it cannot be opened."""


def _fernet(secret: str | bytes) -> Fernet:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=PURPOSE).derive(force_bytes(secret))
    return Fernet(base64.urlsafe_b64encode(key))


def _box() -> MultiFernet:
    secrets = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return MultiFernet([_fernet(secret) for secret in secrets])


def seal(passwords: dict[str, str]) -> str:
    """The passwords as one token (ASCII) sealed with the current key; "" for none."""
    if not passwords:
        return ""
    data = json.dumps(passwords, ensure_ascii=False, sort_keys=True).encode()
    return _box().encrypt(data).decode("ascii")


def unseal(token: str) -> dict[str, str]:
    """The passwords a token holds; raises Unreadable when no key we hold opens it."""
    if not token:
        return {}
    try:
        data = _box().decrypt(token.encode("ascii"))
    except (InvalidToken, UnicodeEncodeError) as exc:
        raise Unreadable("初始密码无法解密（平台密钥已更换）") from exc
    passwords: dict[str, str] = json.loads(data)
    return passwords
