"""Settings of the outbox and the delivery workers, read lazily.

Each value is read when it is needed (not at import), from a Django setting of the same
name if one is set (tests use ``override_settings``) or else from the environment.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.utils.module_loading import import_string

from vangnet.conf.env import env_str


def _setting(name: str, default: str) -> str:
    value = getattr(settings, name, None)
    return str(value) if value not in (None, "") else env_str(name, default)


def _float(name: str, default: float) -> float:
    raw = _setting(name, "")
    if raw == "":
        return default
    try:
        return float(raw)
    except ValueError as exc:
        raise ValueError(f"{name} must be a number, got {raw!r}") from exc


def max_attempts() -> int:
    """VANGNET_OUTBOX_MAX_ATTEMPTS: hand-over attempts before a row fails (default 8).

    With the default backoff (1 min doubling, capped at 6 h) eight attempts span about
    four hours: long enough to ride out a provider outage, short enough that a reminder
    is not days late.
    """
    return max(1, int(_float("VANGNET_OUTBOX_MAX_ATTEMPTS", 8)))


def retry_base_seconds() -> float:
    """VANGNET_OUTBOX_RETRY_BASE_SECONDS: first retry delay; doubles per attempt (60)."""
    return _float("VANGNET_OUTBOX_RETRY_BASE_SECONDS", 60.0)


def retry_max_seconds() -> float:
    """VANGNET_OUTBOX_RETRY_MAX_SECONDS: longest delay between two attempts (6 h)."""
    return _float("VANGNET_OUTBOX_RETRY_MAX_SECONDS", 6 * 3600.0)


def lease_seconds() -> float:
    """VANGNET_OUTBOX_LEASE_SECONDS: how long a claimed batch belongs to its worker (300).

    A worker that dies holds its rows this long; then another worker re-claims them and
    sends them again with the same idempotency key. A worker stops sending (and gives the
    rest of its batch back) before its lease runs out, so the lease must exceed the time
    one message can take (the SMTP/HTTP timeout).
    """
    return _float("VANGNET_OUTBOX_LEASE_SECONDS", 300.0)


def expire_hours() -> float:
    """VANGNET_OUTBOX_EXPIRE_HOURS: a pending row not sent this long after its send time
    expires instead of going out late (72): a reminder about last week's balance does
    more harm than good."""
    return _float("VANGNET_OUTBOX_EXPIRE_HOURS", 72.0)


def batch_size() -> int:
    """VANGNET_OUTBOX_BATCH: rows a worker claims at a time (100)."""
    return max(1, int(_float("VANGNET_OUTBOX_BATCH", 100)))


def idle_sleep_seconds() -> float:
    """VANGNET_OUTBOX_SLEEP: seconds `vangnet deliver` waits when nothing is due (5)."""
    return _float("VANGNET_OUTBOX_SLEEP", 5.0)


def email_backend() -> str:
    """VANGNET_EMAIL_BACKEND: Django e-mail backend of the e-mail channel.

    Defaults to ``EMAIL_BACKEND`` (SMTP). Separate because Django's test runner swaps
    ``EMAIL_BACKEND`` for an in-memory one; the channel tests talk real SMTP.
    """
    return _setting("VANGNET_EMAIL_BACKEND", "") or settings.EMAIL_BACKEND


def email_timeout() -> float:
    """EMAIL_TIMEOUT (Django's setting): seconds before an SMTP attempt counts as temporary."""
    return float(getattr(settings, "EMAIL_TIMEOUT", None) or 10)


def renderer() -> Callable[[Any], Any]:
    """VANGNET_MESSAGING_RENDERER: dotted path of ``render_for_action(action)``.

    The default is the template engine (``messaging.content``); the setting exists so
    the renderer is a replaceable part (tests, a customer's own engine).
    """
    path = _setting(
        "VANGNET_MESSAGING_RENDERER", "vangnet.messaging.content.services.render_for_action"
    )
    return import_string(path)
