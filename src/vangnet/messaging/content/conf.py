"""Settings of messaging_content, read lazily (a Django setting of the same name wins).

Each function documents its variable; nothing is read at import time, so tests can use
``override_settings`` or the environment.
"""

from __future__ import annotations

from django.conf import settings

from vangnet.conf.env import env_int, env_str


def _setting(name: str, default: str) -> str:
    value = getattr(settings, name, None)
    return str(value) if value not in (None, "") else env_str(name, default)


def base_url() -> str:
    """VANGNET_BASE_URL (project setting): prefix of the pay and portal links."""
    return str(getattr(settings, "VANGNET_BASE_URL", "http://127.0.0.1:8000")).rstrip("/")


def helpdesk_fallback_name() -> str:
    """VANGNET_HELPDESK_FALLBACK_NAME: help desk named when the municipality has none on
    file (for example a national help line). Empty: the text points to the municipality."""
    return _setting("VANGNET_HELPDESK_FALLBACK_NAME", "")


def helpdesk_fallback_phone() -> str:
    """VANGNET_HELPDESK_FALLBACK_PHONE: its phone number. Empty by default: we never print
    a number nobody checked."""
    return _setting("VANGNET_HELPDESK_FALLBACK_PHONE", "")


def helpdesk_fallback_url() -> str:
    """VANGNET_HELPDESK_FALLBACK_URL: its website. Empty by default."""
    return _setting("VANGNET_HELPDESK_FALLBACK_URL", "")


def plan_max_months() -> int:
    """VANGNET_PLAN_MAX_MONTHS: longest payment plan the messages offer (default 12)."""
    value = getattr(settings, "VANGNET_PLAN_MAX_MONTHS", None)
    return int(value) if value else env_int("VANGNET_PLAN_MAX_MONTHS", 12)


def resolve_cache_seconds() -> int:
    """VANGNET_TEMPLATE_CACHE_SECONDS: how long a process remembers which version of a
    template to use (default 30). Saving a template clears it in the saving process at
    once; other processes see the change within this many seconds."""
    value = getattr(settings, "VANGNET_TEMPLATE_CACHE_SECONDS", None)
    return int(value) if value is not None else env_int("VANGNET_TEMPLATE_CACHE_SECONDS", 30)
