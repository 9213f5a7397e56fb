"""Settings of direct debit, read from the environment when needed (not at import).

Each function documents its variable; a Django setting of the same name wins, so tests
can use ``settings`` overrides.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings

from vangnet.conf.env import env_int, env_str

XSD_ENGINES = ("lxml", "sepaxml")


def _setting(name: str, fallback: Callable[[], Any]) -> Any:
    return getattr(settings, name) if hasattr(settings, name) else fallback()


def xsd_engine() -> str:
    """VANGNET_SEPA_XSD_ENGINE: what validates a pain.008 against the XSD that sepaxml
    ships before it is written. ``lxml`` (default; libxml2, ~40x faster on 100,000
    collections, see bench/bench_pain008.py) or ``sepaxml`` (its own ``xmlschema`` check).
    Both read the same XSD file from ``sepaxml/schemas/``."""
    value = _setting("VANGNET_SEPA_XSD_ENGINE", lambda: env_str("VANGNET_SEPA_XSD_ENGINE", "lxml"))
    if value not in XSD_ENGINES:
        raise ValueError(f"VANGNET_SEPA_XSD_ENGINE must be one of {XSD_ENGINES}, got {value!r}")
    return value


def page_size() -> int:
    """VANGNET_SEPA_PAGE_SIZE: rows per page on the staff pages (default 50)."""
    return int(_setting("VANGNET_SEPA_PAGE_SIZE", lambda: env_int("VANGNET_SEPA_PAGE_SIZE", 50)))
