"""Signing in without an account: fallback checks, one-time codes, rate limits, sessions.

No account enumeration: an unknown customer number gets exactly the answer a known one
with a wrong postcode gets, after the same work (one lookup and one HMAC), and the lock
applies to the typed number whether it exists or not. Counts live in the database
(``PortalAttempt``) so they hold across worker processes.
"""

from __future__ import annotations

import hmac
import logging
import secrets
from datetime import date, datetime, timedelta
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.crypto import salted_hmac

from vangnet.core.errors import Invalid
from vangnet.core.services import audit_record
from vangnet.ledger.models import Customer
from vangnet.parties.constants import ContactKind
from vangnet.parties.validation import normalise_postcode
from vangnet.portal import conf
from vangnet.portal.constants import (
    SESSION_CODE_NUMBER,
    SESSION_CUSTOMER,
    SESSION_JTI,
    SESSION_NUDGED,
    SESSION_SEEN,
    AttemptScope,
)
from vangnet.portal.models import PortalAttempt, PortalCode

logger = logging.getLogger(__name__)

SEEN_RESOLUTION_SECONDS = 60

WRONG_NL = "Deze gegevens kloppen niet. Kijk uw klantnummer, postcode en geboortedatum na."
LOCKED_NL = (
    "U heeft het te vaak geprobeerd. Probeer het over {minutes} minuten opnieuw, of bel ons."
)
CODE_SENT_NL = (
    "Als dit klantnummer bij ons bekend is, krijgt u binnen een paar minuten een code. "
    "Vul die code hieronder in."
)
CODE_WRONG_NL = "Deze code klopt niet of is verlopen. Vraag een nieuwe code aan."


class SignInRefused(Exception):
    """A sign-in that failed; ``nl`` is what the page shows (the same for every cause)."""

    def __init__(self, nl: str, *, locked: bool = False) -> None:
        super().__init__(nl)
        self.nl = nl
        self.locked = locked


def _key(value: str) -> str:
    return salted_hmac("vangnet.portal.attempt", value.strip().upper()).hexdigest()


def client_ip(request: HttpRequest) -> str:
    """The peer address. ``X-Forwarded-For`` is not trusted here: behind a proxy set
    ``REMOTE_ADDR`` in the WSGI server (waitress ``trusted_proxy``), or anyone could
    spread their attempts over invented addresses."""
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def _failures(scope: str, key: str, now: datetime) -> int:
    since = now - timedelta(minutes=conf.lock_minutes())
    return PortalAttempt.objects.filter(scope=scope, key=key, at__gt=since).count()


def _locked(number_key: str, ip_key: str, now: datetime) -> bool:
    return (
        _failures(AttemptScope.NUMBER, number_key, now) >= conf.failures_per_number()
        or _failures(AttemptScope.IP, ip_key, now) >= conf.failures_per_ip()
    )


def _fail(number_key: str, ip_key: str, now: datetime) -> None:
    PortalAttempt.objects.bulk_create(
        [
            PortalAttempt(scope=AttemptScope.NUMBER, key=number_key, at=now),
            PortalAttempt(scope=AttemptScope.IP, key=ip_key, at=now),
        ]
    )


def _locked_error() -> SignInRefused:
    return SignInRefused(LOCKED_NL.format(minutes=conf.lock_minutes()), locked=True)


def _dob_matches(expected: date | None, given: date | None) -> bool:
    # Compare as text in constant time, so a known number with a wrong date costs the
    # same as an unknown one.
    a = expected.isoformat() if expected else "-"
    b = given.isoformat() if given else "+"
    return hmac.compare_digest(a, b)


def signin_check(
    *, number: str, postcode: str, date_of_birth: date | None, ip: str, now: datetime | None = None
) -> Customer:
    """The customer whose number, postcode and date of birth match, or ``SignInRefused``."""
    now = now or timezone.now()
    number = (number or "").strip()[:32]
    number_key, ip_key = _key(number), _key(ip)
    if _locked(number_key, ip_key, now):
        raise _locked_error()
    try:
        pc = normalise_postcode(postcode or "")
    except Invalid:
        pc = ""
    found: Customer | None = None
    for customer in Customer.objects.filter(number=number).select_related("person__address"):
        person = customer.person
        address_pc = (person.address.postcode if person.address else "").replace(" ", "").upper()
        ok_pc = hmac.compare_digest(address_pc or "-", pc.replace(" ", "").upper() or "+")
        if _dob_matches(person.date_of_birth, date_of_birth) and ok_pc:
            found = customer
    if found is None:
        _dob_matches(None, date_of_birth)  # same work on the unknown path
        with transaction.atomic():
            _fail(number_key, ip_key, now)
        if _locked(number_key, ip_key, now):
            raise _locked_error()
        raise SignInRefused(WRONG_NL)
    return found


def _code_hash(customer_id: int, code: str) -> str:
    return salted_hmac("vangnet.portal.code", f"{customer_id}:{code.strip()}").hexdigest()


def _recipient(customer: Customer, channel: str) -> tuple[str, int | None]:
    kinds = [ContactKind.EMAIL] if channel == "email" else [ContactKind.MOBILE]
    cp = (
        customer.person.contact_points.filter(kind__in=kinds, invalid_since__isnull=True)
        .order_by("-is_primary", "pk")
        .first()
    )
    return (cp.value, cp.pk) if cp else ("", None)


def code_request(*, number: str, channel: str, ip: str, now: datetime | None = None) -> None:
    """Send a one-time code to the customer's own e-mail address or phone, if any.

    Returns nothing and raises nothing for an unknown number or a customer without that
    contact point: the page always says "if the number is known, a code is on its way".
    Only a lock (too many tries or codes) is told, for every number alike.
    """
    now = now or timezone.now()
    number = (number or "").strip()[:32]
    number_key, ip_key = _key(number), _key(ip)
    if _locked(number_key, ip_key, now):
        raise _locked_error()
    hour_ago = now - timedelta(hours=1)
    sent = PortalAttempt.objects.filter(
        scope=AttemptScope.CODE_SENT, key=number_key, at__gt=hour_ago
    ).count()
    if sent >= conf.codes_per_hour():
        raise _locked_error()
    PortalAttempt.objects.create(scope=AttemptScope.CODE_SENT, key=number_key, at=now)
    channel = "sms" if channel == "sms" else "email"
    for customer in Customer.objects.filter(number=number).select_related("person"):
        recipient, cp_id = _recipient(customer, channel)
        if recipient:
            _code_send(
                customer=customer, channel=channel, recipient=recipient, cp_id=cp_id, now=now
            )


def _code_send(
    *, customer: Customer, channel: str, recipient: str, cp_id: int | None, now: datetime
) -> PortalCode:
    code = f"{secrets.randbelow(10**6):06d}"
    minutes = conf.code_minutes()
    with transaction.atomic():
        row = PortalCode.objects.create(
            customer=customer,
            code_hash=_code_hash(customer.pk, code),
            channel=channel,
            created_at=now,
            expires_at=now + timedelta(minutes=minutes),
        )
        text = (
            f"Uw code voor Mijn betalingen is {code}. De code werkt {minutes} minuten. "
            "Heeft u geen code gevraagd? Dan kunt u dit bericht negeren."
        )
        try:
            from vangnet.messaging.services import outbox_message_create
            from vangnet.messaging.types import RenderedMessage
        except ImportError:  # pragma: no cover - the outbox is part of the tree
            logger.error("portal code %s not sent: messaging outbox unavailable", row.pk)
            return row
        msg = outbox_message_create(
            organisation_id=customer.organisation_id,
            channel=channel,
            recipient=recipient,
            rendered=RenderedMessage(
                subject="Uw inlogcode", text=text, template_code="portaal-code"
            ),
            idempotency_key=f"portal-code:{row.pk}",
            person_id=customer.person_id,
            contact_point_id=cp_id,
            now=now,
        )
        row.outbox_message_id = msg.pk
        row.save(update_fields=["outbox_message_id"])
    return row


def code_check(*, number: str, code: str, ip: str, now: datetime | None = None) -> Customer:
    """The customer whose unused, unexpired code this is, or ``SignInRefused``."""
    now = now or timezone.now()
    number = (number or "").strip()[:32]
    number_key, ip_key = _key(number), _key(ip)
    if _locked(number_key, ip_key, now):
        raise _locked_error()
    code = "".join(ch for ch in (code or "") if ch.isdigit())[:6]
    for customer in Customer.objects.filter(number=number):
        with transaction.atomic():
            row = (
                PortalCode.objects.select_for_update()
                .filter(
                    customer=customer,
                    code_hash=_code_hash(customer.pk, code),
                    used_at__isnull=True,
                    expires_at__gt=now,
                )
                .first()
            )
            if row is not None:
                row.used_at = now
                row.save(update_fields=["used_at"])
                return customer
    _code_hash(0, code)
    with transaction.atomic():
        _fail(number_key, ip_key, now)
    if _locked(number_key, ip_key, now):
        raise _locked_error()
    raise SignInRefused(CODE_WRONG_NL)


def attempts_purge(*, now: datetime | None = None, keep_days: int = 2) -> int:
    """Delete attempt rows and used or expired codes older than ``keep_days`` (nightly)."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=keep_days)
    done = PortalAttempt.objects.filter(at__lt=cutoff).delete()[0]
    done += PortalCode.objects.filter(expires_at__lt=cutoff).delete()[0]
    return done


# ---------------------------------------------------------------------------------------
# The session


def session_start(request: HttpRequest, *, customer: Customer, via: str, jti: str = "") -> None:
    """Sign the person in: a fresh session key (no fixation), idle timeout, audit line."""
    request.session.cycle_key()
    for key in (SESSION_CODE_NUMBER, SESSION_NUDGED):
        request.session.pop(key, None)
    request.session[SESSION_CUSTOMER] = customer.pk
    request.session[SESSION_JTI] = jti
    request.session[SESSION_SEEN] = timezone.now().timestamp()
    request.session.set_expiry(conf.idle_minutes() * 60)
    audit_record(
        action="portal_signin",
        process="portal",
        object_type="customer",
        object_id=customer.pk,
        summary=f"Aangemeld in het portaal ({via})",
        details={"via": via},
    )


def session_end(request: HttpRequest) -> None:
    for key in (SESSION_CUSTOMER, SESSION_JTI, SESSION_SEEN, SESSION_NUDGED, SESSION_CODE_NUMBER):
        request.session.pop(key, None)
    request.session.cycle_key()


def session_customer(request: HttpRequest) -> tuple[Customer | None, str]:
    """The signed-in customer, or ``(None, reason)`` with reason "" / "idle" / "revoked"."""
    from vangnet.portal.tokens import token_active

    customer_id: Any = request.session.get(SESSION_CUSTOMER)
    if not customer_id:
        return None, ""
    now = timezone.now()
    seen = float(request.session.get(SESSION_SEEN) or 0)
    if now.timestamp() - seen > conf.idle_minutes() * 60:
        session_end(request)
        return None, "idle"
    if not token_active(request.session.get(SESSION_JTI) or "", now=now):
        session_end(request)
        return None, "revoked"
    customer = (
        Customer.objects.select_related("person__address", "organisation")
        .filter(pk=customer_id)
        .first()
    )
    if customer is None:
        session_end(request)
        return None, ""
    if now.timestamp() - seen >= SEEN_RESOLUTION_SECONDS:
        # Touch the session at most once a minute: saving it on every page view would
        # be a database write per request for a one-minute-grained idle timeout.
        request.session[SESSION_SEEN] = now.timestamp()
        request.session.set_expiry(conf.idle_minutes() * 60)
    return customer, ""
