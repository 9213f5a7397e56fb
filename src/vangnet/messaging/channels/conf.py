"""Settings of the channel adapters, read lazily from the environment.

Each value is read when it is needed (not at import), so tests and the demo can point
the adapters at the local CM server by setting an environment variable or a Django
setting of the same name (the Django setting wins, which ``override_settings`` uses).
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

from vangnet.conf.env import env_int, env_str


def _setting(name: str, default: str) -> str:
    value = getattr(settings, name, None)
    return str(value) if value not in (None, "") else env_str(name, default)


def cm_base_url() -> str:
    """VANGNET_CM_BASE_URL: CM.com Business Messaging API base (no trailing slash).

    Default is CM's production gateway; tests and the demo point it at
    ``sandbox.cm_server``.
    """
    return _setting("VANGNET_CM_BASE_URL", "https://gw.cmtelecom.com").rstrip("/")


def cm_product_token() -> str:
    """VANGNET_CM_PRODUCT_TOKEN: the product token (a GUID) from CM's Channels app."""
    return _setting("VANGNET_CM_PRODUCT_TOKEN", "")


def cm_sms_sender() -> str:
    """VANGNET_CM_SMS_SENDER: SMS sender id, max 11 letters or 16 digits."""
    return _setting("VANGNET_CM_SMS_SENDER", "Vangnet")


def cm_whatsapp_sender() -> str:
    """VANGNET_CM_WHATSAPP_SENDER: the WhatsApp business number (digits, 00 prefix)."""
    return _setting("VANGNET_CM_WHATSAPP_SENDER", "")


def cm_timeout() -> float:
    """VANGNET_CM_TIMEOUT: seconds to wait for CM before the attempt counts as temporary."""
    value = getattr(settings, "VANGNET_CM_TIMEOUT", None)
    return float(value) if value else float(env_int("VANGNET_CM_TIMEOUT", 10))


def webhook_secret() -> str:
    """VANGNET_WEBHOOK_SECRET: shared secret that provider webhooks carry.

    Sent either in the ``X-Vangnet-Webhook-Secret`` header or as the ``secret`` query
    parameter (CM's webhook configuration only takes a URL, so the secret goes in the
    URL). Empty: every webhook call is refused — an unauthenticated webhook would let
    anyone mark messages delivered or inject replies.
    """
    return _setting("VANGNET_WEBHOOK_SECRET", "")


def default_region() -> str:
    """VANGNET_PHONE_REGION: region for phone numbers written without country code."""
    return _setting("VANGNET_PHONE_REGION", "NL")


def print_dir() -> Path:
    """VANGNET_PRINT_DIR: where print batches (merged PDF + CSV manifest) are dropped.

    Default ``VANGNET_HOME/print``; the print room's hot folder in production.
    """
    raw = _setting("VANGNET_PRINT_DIR", "")
    path = Path(raw) if raw else Path(settings.VANGNET_HOME) / "print"
    path.mkdir(parents=True, exist_ok=True)
    return path


def letter_store_dir() -> Path:
    """Where queued letter PDFs wait for their batch (``<print dir>/queue``)."""
    path = print_dir() / "queue"
    path.mkdir(parents=True, exist_ok=True)
    return path
