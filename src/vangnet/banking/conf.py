"""Settings of bank-statement import, read lazily from the environment.

Each function reads its variable when called, so tests and operators can change it
without reloading Django; a Django setting of the same name (upper case) wins.
"""

from __future__ import annotations

from django.conf import settings

from vangnet.conf.env import env_int

MEGABYTE = 1024 * 1024


def max_statement_bytes() -> int:
    """``VANGNET_BANK_MAX_BYTES``: largest statement file accepted (default 200 MB).

    A year of daily CAMT.053 for 100,000 customers is well under this; anything larger
    is refused before a single byte is parsed, so a runaway upload cannot fill memory.
    """
    configured = getattr(settings, "VANGNET_BANK_MAX_BYTES", None)
    if configured is not None:
        return int(configured)
    return env_int("VANGNET_BANK_MAX_BYTES", 200 * MEGABYTE)


def import_batch_size() -> int:
    """``VANGNET_BANK_BATCH_SIZE``: entries written per transaction (default 5,000).

    One batch is atomic: a crash loses at most the batch in flight, and a re-run skips
    the entries that were committed (their keys are unique).
    """
    configured = getattr(settings, "VANGNET_BANK_BATCH_SIZE", None)
    if configured is not None:
        return int(configured)
    return max(1, env_int("VANGNET_BANK_BATCH_SIZE", 5000))


def unmatched_page_size() -> int:
    """``VANGNET_BANK_PAGE_SIZE``: rows per page of the unmatched queue (default 50)."""
    return max(1, env_int("VANGNET_BANK_PAGE_SIZE", 50))
