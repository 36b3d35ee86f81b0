"""The certificates' rules: who gets one, and what a short code looks like."""

from __future__ import annotations

import secrets

from campuseval.campaigns.models import Campaign
from campuseval.campaigns.rules import WorkflowError

# No 0/O, 1/I: a code is read off paper and typed in.
ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8


def check_issue(campaign: Campaign) -> None:
    """Certificates follow the formal publication (公布), not the 公示."""
    if campaign.published_at is None:
        raise WorkflowError("结果正式公布后才能发放证书")


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(text: str) -> str | None:
    """The code as typed (any case, spaces or dashes between the groups), or None if it cannot
    be one: the wrong length or a character no code has."""
    code = "".join(text.split()).replace("-", "").upper()
    if len(code) != CODE_LENGTH or any(ch not in ALPHABET for ch in code):
        return None
    return code


def number(campaign: Campaign, serial: int) -> str:
    """The certificate number: the campaign's year, its city's code and the serial."""
    return f"{campaign.year}-{campaign.city.code}-{serial:04d}"
