"""The resident's personal link: a signed, expiring token with the melding id only."""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.urls import reverse

from vangnet.signals.incoming import conf

SALT = "vangnet.signals_in.resident"


def resident_token(melding_id: int) -> str:
    return signing.dumps({"m": melding_id}, salt=SALT, compress=True)


def resident_melding_id(token: str) -> int | None:
    """The melding id, or None when the link is forged or older than allowed."""
    try:
        data = signing.loads(token, salt=SALT, max_age=conf.resident_link_days() * 86400)
    except signing.BadSignature:
        return None
    value = data.get("m") if isinstance(data, dict) else None
    return value if isinstance(value, int) else None


def resident_url(melding_id: int) -> str:
    base = getattr(settings, "VANGNET_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
    return base + reverse("signals_in:resident", args=[resident_token(melding_id)])
