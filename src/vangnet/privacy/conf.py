"""Settings of the privacy app, read lazily (a Django setting of the same name wins)."""

from __future__ import annotations

from django.conf import settings

from vangnet.conf.env import env_int


def _int(name: str, default: int) -> int:
    value = getattr(settings, name, None)
    return int(value) if value is not None else env_int(name, default)


def retention_days() -> int:
    """VANGNET_RETENTION_DAYS: how long after the last case closed a person's data is kept.

    Default 730 days (two years): long enough for complaints and a new arrears episode
    to be handled with history, short enough for AVG storage limitation.
    """
    return _int("VANGNET_RETENTION_DAYS", 730)


def token_grace_days() -> int:
    """VANGNET_TOKEN_GRACE_DAYS: expired links are removed this many days after expiry
    (so a customer who clicks an old link still sees "verlopen", not "onbekend")."""
    return _int("VANGNET_TOKEN_GRACE_DAYS", 30)


def purge_batch_size() -> int:
    """VANGNET_PURGE_BATCH_SIZE: persons anonymised per transaction."""
    return _int("VANGNET_PURGE_BATCH_SIZE", 500)
