"""HMAC-SHA256 request signing of the signal exchange (docs/signal-exchange.md).

Pure functions, shared by the intake API (verify) and the feedback sender (sign). The
signed message is ``<timestamp>.<raw body>``, so neither the body nor the time can be
changed, and a captured request is refused once it is older than the replay window.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

HEADER_KEY_ID = "X-Vangnet-Key-Id"
HEADER_TIMESTAMP = "X-Vangnet-Timestamp"
HEADER_SIGNATURE = "X-Vangnet-Signature"
SIGNATURE_PREFIX = "sha256="


def secret_new() -> str:
    """A fresh secret to hand to a partner once (43 URL-safe characters, 256 bits)."""
    return secrets.token_urlsafe(32)


def secret_hash(secret: str) -> str:
    """The stored form of a secret, which is also the HMAC key both sides use."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def signature(*, key: str, timestamp: str, body: bytes) -> str:
    """``sha256=<hex>``: HMAC-SHA256 with ``key`` (the secret's SHA-256 hex) over
    ``timestamp + "." + body``."""
    mac = hmac.new(key.encode("ascii"), timestamp.encode("ascii") + b"." + body, hashlib.sha256)
    return SIGNATURE_PREFIX + mac.hexdigest()


def sign_headers(*, key_id: str, key: str, body: bytes, now: int) -> dict[str, str]:
    ts = str(int(now))
    return {
        HEADER_KEY_ID: key_id,
        HEADER_TIMESTAMP: ts,
        HEADER_SIGNATURE: signature(key=key, timestamp=ts, body=body),
        "Content-Type": "application/json",
    }


@dataclass(frozen=True)
class Verdict:
    ok: bool
    code: str = ""
    message: str = ""


def verify(*, key: str, timestamp: str, given: str, body: bytes, now: int, window: int) -> Verdict:
    """Check the signature in constant time and the timestamp against the replay window."""
    if not timestamp.isdigit():
        return Verdict(False, "bad_timestamp", f"{HEADER_TIMESTAMP} must be Unix seconds")
    if abs(now - int(timestamp)) > window:
        return Verdict(
            False,
            "stale_timestamp",
            f"{HEADER_TIMESTAMP} is more than {window} seconds from the server time",
        )
    expected = signature(key=key, timestamp=timestamp, body=body)
    if not hmac.compare_digest(expected, given or ""):
        return Verdict(False, "bad_signature", "the signature does not match the body")
    return Verdict(True)
