"""Role tokens for devices and staff: random, shown once, stored only as a hash.

Tokens carry 256 bits of randomness, so a plain SHA-256 is the right hash: there is nothing for a
slow password hash to protect against, and a fast one keeps per-request authentication cheap.
"""

from __future__ import annotations

import hashlib
import secrets
from enum import StrEnum


class Role(StrEnum):
    KIOSK = "kiosk"
    DISPLAY = "display"
    STAFF = "staff"
    ADMIN = "admin"
    #: Office managers: sign in to the console and see everything, steer nothing.
    MANAGER = "manager"
    #: A counselling partner's organisation: books and manages its own later slots, nothing else.
    PARTNER = "partner"


def new_device_token() -> str:
    return "wm_" + secrets.token_urlsafe(32)


def hash_device_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()
