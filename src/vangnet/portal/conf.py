"""Settings of the customer portal, read lazily (a Django setting of the same name wins).

- ``VANGNET_PORTAL_LINK_DAYS`` (default 30): life of a magic link (new links and the
  legacy form).
- ``VANGNET_PORTAL_ACCEPT_UNTIMED_LINKS`` (default false): accept ``Signer``-signed
  links without a timestamp (they cannot expire).
- ``VANGNET_PORTAL_IDLE_MINUTES`` (default 20): a portal session ends after this many
  idle minutes.
- ``VANGNET_PORTAL_FAILURES_PER_NUMBER`` (default 5): failed sign-ins per customer
  number in the window before a lock.
- ``VANGNET_PORTAL_FAILURES_PER_IP`` (default 20): failed sign-ins per IP address in the
  window before a lock.
- ``VANGNET_PORTAL_LOCK_MINUTES`` (default 15): the window (and the lock) of those
  counts.
- ``VANGNET_PORTAL_CODE_MINUTES`` (default 10): life of a one-time code.
- ``VANGNET_PORTAL_CODES_PER_HOUR`` (default 3): one-time codes sent per customer number
  per hour.
- ``VANGNET_PORTAL_NUDGE_TEMPLATE`` (default ``portaal-voordeel``): message template
  with the nudge variants.
- ``VANGNET_PORTAL_NUDGE_CHANNEL`` (default ``email``): the template's channel (any
  hour, so the bandit's send moment is now).
- ``VANGNET_PORTAL_CALLBACK_DAYS`` (default 10): how many days ahead a call back can be
  chosen.
"""

from __future__ import annotations

from django.conf import settings

from vangnet.conf.env import env_bool, env_int, env_str


def _int(name: str, default: int) -> int:
    value = getattr(settings, name, None)
    return int(value) if value is not None else env_int(name, default)


def link_days() -> int:
    """Days a magic link works; DOMAIN/brief default 30."""
    return _int("VANGNET_PORTAL_LINK_DAYS", 30)


def accept_untimed_links() -> bool:
    """Links signed without a timestamp never expire, so they are refused unless allowed."""
    value = getattr(settings, "VANGNET_PORTAL_ACCEPT_UNTIMED_LINKS", None)
    return bool(value) if value is not None else env_bool("VANGNET_PORTAL_ACCEPT_UNTIMED_LINKS")


def idle_minutes() -> int:
    """Short idle timeout: the portal shows debts and is used on shared phones."""
    return _int("VANGNET_PORTAL_IDLE_MINUTES", 20)


def failures_per_number() -> int:
    return _int("VANGNET_PORTAL_FAILURES_PER_NUMBER", 5)


def failures_per_ip() -> int:
    return _int("VANGNET_PORTAL_FAILURES_PER_IP", 20)


def lock_minutes() -> int:
    return _int("VANGNET_PORTAL_LOCK_MINUTES", 15)


def code_minutes() -> int:
    return _int("VANGNET_PORTAL_CODE_MINUTES", 10)


def codes_per_hour() -> int:
    return _int("VANGNET_PORTAL_CODES_PER_HOUR", 3)


def nudge_template() -> str:
    return getattr(settings, "VANGNET_PORTAL_NUDGE_TEMPLATE", None) or env_str(
        "VANGNET_PORTAL_NUDGE_TEMPLATE", "portaal-voordeel"
    )


def nudge_channel() -> str:
    return getattr(settings, "VANGNET_PORTAL_NUDGE_CHANNEL", None) or env_str(
        "VANGNET_PORTAL_NUDGE_CHANNEL", "email"
    )


def callback_days() -> int:
    return _int("VANGNET_PORTAL_CALLBACK_DAYS", 10)


def base_url() -> str:
    return str(getattr(settings, "VANGNET_BASE_URL", "http://127.0.0.1:8000")).rstrip("/")
