"""Settings of the engagement app, read lazily from the environment.

Each function documents its variable; nothing is read at import time, so tests can set
the environment (or Django settings) first.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings

from vangnet.conf.env import env_int, env_list, env_str


def short_link_base_url() -> str:
    """``VANGNET_SHORT_LINK_BASE_URL``: origin of short links (``https://vng.example``);
    default ``settings.VANGNET_BASE_URL``. A shorter domain saves SMS characters."""
    base = env_str("VANGNET_SHORT_LINK_BASE_URL") or getattr(
        settings, "VANGNET_BASE_URL", "http://127.0.0.1:8000"
    )
    return base.rstrip("/")


def short_link_length() -> int:
    """``VANGNET_SHORT_LINK_LENGTH``: characters in a code, 8–10 (default 9: 56**9 ≈ 5e15
    codes, so guessing a live one is hopeless)."""
    length = env_int("VANGNET_SHORT_LINK_LENGTH", 9)
    if not 8 <= length <= 10:
        raise ValueError("VANGNET_SHORT_LINK_LENGTH must be between 8 and 10")
    return length


def short_link_ttl_days() -> int:
    """``VANGNET_SHORT_LINK_TTL_DAYS``: days a link works (default 90; 0 = no expiry)."""
    return env_int("VANGNET_SHORT_LINK_TTL_DAYS", 90)


def allowed_target_hosts() -> list[str]:
    """``VANGNET_SHORT_LINK_HOSTS``: hosts a short link may redirect to (comma separated);
    default the host of ``VANGNET_BASE_URL``. Stops the redirector becoming an open
    redirect for phishing."""
    default = urlsplit(getattr(settings, "VANGNET_BASE_URL", "http://127.0.0.1:8000")).hostname
    return env_list("VANGNET_SHORT_LINK_HOSTS", [default or "127.0.0.1"])


def reward_hours() -> int:
    """``VANGNET_BANDIT_REWARD_HOURS``: a response within this many hours of sending
    counts as a success for the experiment arm (default 48)."""
    return env_int("VANGNET_BANDIT_REWARD_HOURS", 48)


def default_exploration_percent() -> int:
    """``VANGNET_BANDIT_EXPLORATION_PERCENT``: uniform-random share of choices in a new
    experiment (default 10)."""
    return env_int("VANGNET_BANDIT_EXPLORATION_PERCENT", 10)
