"""Magic links: ``VANGNET_BASE_URL/portaal/<token>/``.

Three forms are read, newest first:

1. ``signing.dumps({"c": customer_id, "j": jti}, salt="vangnet.portal")`` — made by
   ``portal_link_create``; the ``PortalToken`` row with that ``jti`` must exist, belong to
   the customer, be unrevoked and unexpired. Revocable one by one.
2. ``signing.dumps(customer_id, salt="vangnet.portal")`` — the form the message templates
   were specified to use: accepted while younger than ``VANGNET_PORTAL_LINK_DAYS``.
3. ``Signer(salt="vangnet.portal").sign(str(customer_id))`` — what
   ``messaging/content/links.py`` writes today. It has no timestamp, so it can never
   expire; it is refused unless ``VANGNET_PORTAL_ACCEPT_UNTIMED_LINKS`` is on.

Forms 2 and 3 are also refused when made before a ``PortalLinkRevocation`` of the
customer ("revoke all links"). A bad or old link never says whose it was.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from vangnet.core.services import audit_record
from vangnet.ledger.models import Customer
from vangnet.portal import conf
from vangnet.portal.constants import TokenPurpose
from vangnet.portal.models import PortalLinkRevocation, PortalToken

SALT = "vangnet.portal"


class LinkInvalid(Exception):
    """Forged, mangled, unknown or revoked (the page answers 404)."""


class LinkExpired(Exception):
    """Genuine but too old (the page answers 410 and offers the sign-in)."""


@dataclass(frozen=True)
class LinkAccess:
    customer_id: int
    jti: str  # "" for the legacy forms


def _max_age() -> int:
    return conf.link_days() * 86400


def _signed_at(token: str) -> datetime:
    """The creation moment inside a ``TimestampSigner`` value (already verified)."""
    ts = token.rsplit(signing.Signer().sep, 2)[-2]
    return datetime.fromtimestamp(signing.b62_decode(ts), tz=UTC)


def _revoked_before(customer_id: int, made_at: datetime | None) -> bool:
    row = PortalLinkRevocation.objects.filter(customer_id=customer_id).first()
    return row is not None and (made_at is None or made_at <= row.revoked_at)


def link_read(token: str, *, now: datetime | None = None) -> LinkAccess:
    """Check a magic-link token; raise ``LinkInvalid`` or ``LinkExpired``."""
    now = now or timezone.now()
    token = (token or "")[:400]
    try:
        value: Any = signing.loads(token, salt=SALT, max_age=_max_age())
    except signing.SignatureExpired as exc:
        raise LinkExpired("link too old") from exc
    except (signing.BadSignature, ValueError):
        # ValueError: a valid plain ``Signer`` value has no timestamp part to split.
        value = None
    if isinstance(value, dict):
        customer_id, jti = value.get("c"), value.get("j")
        if not isinstance(customer_id, int) or not isinstance(jti, str):
            raise LinkInvalid("malformed")
        row = PortalToken.objects.filter(jti=jti, customer_id=customer_id).first()
        if row is None or row.revoked_at is not None:
            raise LinkInvalid("unknown or revoked")
        if row.expires_at <= now:
            raise LinkExpired("token row expired")
        return LinkAccess(customer_id, jti)
    if isinstance(value, int):
        if _revoked_before(value, _signed_at(token)):
            raise LinkInvalid("revoked")
        return LinkAccess(value, "")
    if value is not None:
        raise LinkInvalid("malformed")
    if conf.accept_untimed_links():
        try:
            raw = signing.Signer(salt=SALT).unsign(token)
        except signing.BadSignature as exc:
            raise LinkInvalid("bad signature") from exc
        if raw.isdigit() and not _revoked_before(int(raw), None):
            return LinkAccess(int(raw), "")
    raise LinkInvalid("bad signature")


def token_active(jti: str, *, now: datetime | None = None) -> bool:
    """Whether a session opened with this jti may go on (revocation works at once)."""
    if not jti:
        return True
    now = now or timezone.now()
    return PortalToken.objects.filter(jti=jti, revoked_at__isnull=True, expires_at__gt=now).exists()


@transaction.atomic
def portal_link_create(
    *,
    customer: Customer,
    purpose: str = TokenPurpose.MESSAGE,
    days: int | None = None,
    actor: Any = None,
) -> str:
    """A new revocable magic link for the customer; returns the absolute URL."""
    days = conf.link_days() if days is None else int(days)
    if days <= 0:
        raise ValueError("a link must live at least one day")
    jti = secrets.token_hex(16)
    row = PortalToken.objects.create(
        customer=customer,
        jti=jti,
        purpose=purpose,
        expires_at=timezone.now() + timedelta(days=days),
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit_record(
        action="portal_link_created",
        actor=actor,
        object_type="portaltoken",
        object_id=row.pk,
        summary=f"Portaallink voor klant {customer.number} ({days} dagen)",
    )
    token = signing.dumps({"c": customer.pk, "j": jti}, salt=SALT)
    return conf.base_url() + reverse("portal:enter", args=[token])


@transaction.atomic
def portal_link_revoke(*, jti: str, actor: Any = None) -> bool:
    done = PortalToken.objects.filter(jti=jti, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    if done:
        audit_record(
            action="portal_link_revoked", actor=actor, object_type="portaltoken", object_id=jti[:8]
        )
    return bool(done)


@transaction.atomic
def portal_links_revoke_all(*, customer: Customer, actor: Any = None) -> int:
    """Every link of the customer made until now stops working (also legacy links)."""
    now = timezone.now()
    done = PortalToken.objects.filter(customer=customer, revoked_at__isnull=True).update(
        revoked_at=now
    )
    PortalLinkRevocation.objects.update_or_create(customer=customer, defaults={"revoked_at": now})
    audit_record(
        action="portal_links_revoked",
        actor=actor,
        object_type="customer",
        object_id=customer.pk,
        summary=f"Alle portaallinks van klant {customer.number} ingetrokken",
    )
    return done
