"""Imports every channel adapter module so that each registers itself (registry.py).

The e-mail adapter is written separately (outbox work); it is imported when present so
this module works before and after it lands.
"""

from __future__ import annotations

import importlib

from vangnet.messaging.channels import cm, letter, staff  # noqa: F401 - they register

try:
    importlib.import_module("vangnet.messaging.channels.email")
except ModuleNotFoundError as exc:  # pragma: no cover - until the e-mail adapter exists
    if exc.name != "vangnet.messaging.channels.email":
        raise
