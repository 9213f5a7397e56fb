"""HMAC-SHA256 request signing of the signal exchange (docs/signal-exchange.md).

The same algorithm as ``signals.incoming.auth`` (the municipality side), kept here so a
creditor-only installation does not need the municipal app; a test signs with one and
verifies with the other. Message: ``<timestamp>.<raw body>``; key: SHA-256 hex of the
issued secret.
"""

from __future__ import annotations

import hashlib
import hmac

HEADER_KEY_ID = "X-Vangnet-Key-Id"
HEADER_TIMESTAMP = "X-Vangnet-Timestamp"
HEADER_SIGNATURE = "X-Vangnet-Signature"
PREFIX = "sha256="


def key_from_secret(secret: str) -> str:
    """The HMAC key (and stored form) of an issued secret."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def signature(*, key: str, timestamp: str, body: bytes) -> str:
    mac = hmac.new(key.encode("ascii"), timestamp.encode("ascii") + b"." + body, hashlib.sha256)
    return PREFIX + mac.hexdigest()


def sign_headers(*, key_id: str, key: str, body: bytes, now: int) -> dict[str, str]:
    ts = str(int(now))
    return {
        HEADER_KEY_ID: key_id,
        HEADER_TIMESTAMP: ts,
        HEADER_SIGNATURE: signature(key=key, timestamp=ts, body=body),
        "Content-Type": "application/json",
    }


def verify(*, key: str, timestamp: str, given: str, body: bytes, now: int, window: int) -> str:
    """ "" when the request is genuine and fresh, else an error code."""
    if not timestamp.isdigit():
        return "bad_timestamp"
    if abs(now - int(timestamp)) > window:
        return "stale_timestamp"
    if not hmac.compare_digest(signature(key=key, timestamp=timestamp, body=body), given or ""):
        return "bad_signature"
    return ""
