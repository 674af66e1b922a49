"""Ticket codes: the signed, unguessable token in a ticket's QR code and status URL.

token = base32(12 random bytes ‖ first 8 bytes of HMAC-SHA256(key, site ‖ random)), 32 characters.
Base32 so that a scanner set to upper case, a phone that lower-cases, or a clerk typing it all give
the same token; the random part is the lookup key, the MAC tells a forged code from a lost one
without touching the database.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re
import secrets

from server.rules.errors import InvalidCode

_RANDOM_BYTES = 12
_MAC_BYTES = 8
TOKEN_LENGTH = 32  # base32 of 20 bytes, no padding
_TOKEN_RE = re.compile(r"^[A-Z2-7]{32}$")


def _mac(key: bytes, site_id: str, random_part: bytes) -> bytes:
    return hmac.new(key, site_id.encode() + b"\x00" + random_part, hashlib.sha256).digest()[:_MAC_BYTES]


def new_token(key: bytes, site_id: str) -> tuple[str, str]:
    """(token for the URL, lookup key stored with the ticket)."""
    random_part = secrets.token_bytes(_RANDOM_BYTES)
    raw = random_part + _mac(key, site_id, random_part)
    token = base64.b32encode(raw).decode("ascii").lower()
    return token, random_part.hex()


def extract_token(text: str) -> str:
    """The bare token from what a scanner or a person typed: a full URL or the token, any case,
    surrounded by whitespace, CR or LF."""
    cleaned = text.strip().strip("\x00").rstrip("/")
    if "/" in cleaned:
        cleaned = cleaned.rsplit("/", 1)[1]
    cleaned = cleaned.split("?", 1)[0].split("#", 1)[0].upper()
    if not _TOKEN_RE.match(cleaned):
        raise InvalidCode("This is not a Wartemarke ticket code.")
    return cleaned


def verify_token(key: bytes, site_ids: list[str], text: str) -> tuple[str, str]:
    """(site id, lookup key) of a genuine token; InvalidCode otherwise."""
    token = extract_token(text)
    try:
        raw = base64.b32decode(token)
    except binascii.Error:
        raise InvalidCode("This is not a Wartemarke ticket code.") from None
    random_part, mac = raw[:_RANDOM_BYTES], raw[_RANDOM_BYTES:]
    for site_id in site_ids:
        if hmac.compare_digest(mac, _mac(key, site_id, random_part)):
            return site_id, random_part.hex()
    raise InvalidCode("This ticket code is not genuine (its signature does not match).")
