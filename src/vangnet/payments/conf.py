"""Settings of the payments app, read from the environment when needed (not at import).

Each function documents its variable; tests override them with ``monkeypatch.setenv`` or
the matching Django setting (the setting wins when present).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings

from vangnet.conf.env import env_int, env_str


def _setting(name: str, fallback: Callable[[], Any]) -> Any:
    return getattr(settings, name) if hasattr(settings, name) else fallback()


def provider_code() -> str:
    """VANGNET_PAYMENT_PROVIDER: which provider new payments use (``testprovider`` or
    ``mollie``). The demo default needs no account anywhere."""
    return _setting(
        "VANGNET_PAYMENT_PROVIDER", lambda: env_str("VANGNET_PAYMENT_PROVIDER", "testprovider")
    )


def mollie_api_key() -> str:
    """MOLLIE_API_KEY: ``test_…`` or ``live_…``; the prefix decides test or live mode."""
    return _setting("MOLLIE_API_KEY", lambda: env_str("MOLLIE_API_KEY", ""))


def mollie_api_base_url() -> str:
    """MOLLIE_API_BASE_URL: the API root; tests point it at the local sandbox server."""
    value = _setting(
        "MOLLIE_API_BASE_URL", lambda: env_str("MOLLIE_API_BASE_URL", "https://api.mollie.com")
    )
    return value.rstrip("/")


def mollie_timeout_seconds() -> float:
    """MOLLIE_TIMEOUT_SECONDS: connect/read timeout per API call (default 10)."""
    value = _setting("MOLLIE_TIMEOUT_SECONDS", lambda: env_str("MOLLIE_TIMEOUT_SECONDS", "10"))
    try:
        seconds = float(value)
    except ValueError as exc:
        raise ValueError(f"MOLLIE_TIMEOUT_SECONDS must be a number, got {value!r}") from exc
    if seconds <= 0:
        raise ValueError("MOLLIE_TIMEOUT_SECONDS must be more than 0")
    return seconds


def min_amount_cents() -> int:
    """VANGNET_PAYLINK_MIN_CENTS: the smallest part payment (default €5,00); when less is
    open, the open amount is the minimum."""
    return int(
        _setting("VANGNET_PAYLINK_MIN_CENTS", lambda: env_int("VANGNET_PAYLINK_MIN_CENTS", 500))
    )


def link_valid_days() -> int:
    """VANGNET_PAYLINK_VALID_DAYS: how long a payment link row stays usable (default 30)."""
    return int(
        _setting("VANGNET_PAYLINK_VALID_DAYS", lambda: env_int("VANGNET_PAYLINK_VALID_DAYS", 30))
    )


def signed_link_max_age_days() -> int:
    """VANGNET_PAYLINK_SIGNED_MAX_AGE_DAYS: how old a signed ``/pay/a/…`` link in an e-mail
    or SMS may be before the page says it has expired (default 180; 0 = never)."""
    return int(
        _setting(
            "VANGNET_PAYLINK_SIGNED_MAX_AGE_DAYS",
            lambda: env_int("VANGNET_PAYLINK_SIGNED_MAX_AGE_DAYS", 180),
        )
    )


def base_url() -> str:
    """VANGNET_BASE_URL (project setting): where providers send the person and webhooks."""
    return str(getattr(settings, "VANGNET_BASE_URL", "http://127.0.0.1:8000")).rstrip("/")
