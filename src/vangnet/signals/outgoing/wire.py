"""Building ``vangnet-signal/1`` bodies (docs/signal-exchange.md) from our signals.

Only what the law and the covenant allow leaves the building (DOMAIN.md "Signal
content"): contact details, amount, customer number, name, date of birth, address, the
date the arrears arose and our desk. Never a BSN, never a reason for the arrears.
The client details are read at send time, so an ``update`` carries the current address.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from vangnet.core.errors import Invalid
from vangnet.parties import validation
from vangnet.signals.outgoing import conf
from vangnet.signals.outgoing.constants import WireEvent
from vangnet.signals.outgoing.models import OutgoingSignal

FORMAT = "vangnet-signal/1"


def load_signals(ids: Iterable[int]) -> list[OutgoingSignal]:
    """Signals with everything the body needs, in three queries."""
    from vangnet.parties.models import ContactPoint

    signals = list(
        OutgoingSignal.objects.filter(pk__in=list(ids))
        .select_related(
            "endpoint",
            "organisation",
            "account__customer__person__address",
            "account__supply_address",
        )
        .order_by("pk")
    )
    person_ids = {s.account.customer.person_id for s in signals}
    contacts: dict[int, dict[str, str]] = {}
    for pid, kind, value in (
        ContactPoint.objects.filter(person_id__in=person_ids, invalid_since__isnull=True)
        .order_by("-is_primary", "pk")
        .values_list("person_id", "kind", "value")
    ):
        contacts.setdefault(pid, {}).setdefault(kind, value)
    for s in signals:
        s._contacts = contacts.get(s.account.customer.person_id, {})  # type: ignore[attr-defined]
    return signals


def client_json(signal: OutgoingSignal) -> dict[str, Any]:
    person = signal.account.customer.person
    address = person.address or signal.account.supply_address
    contacts = getattr(signal, "_contacts", {})
    out: dict[str, Any] = {
        "initials": person.initials,
        "prefix": person.surname_prefix,
        "surname": person.surname,
    }
    if person.date_of_birth:
        out["date_of_birth"] = person.date_of_birth.isoformat()
    if address is not None:
        out.update(
            street=address.street,
            house_number=str(address.house_number),
            house_number_suffix=address.house_number_suffix,
            postcode=address.postcode.replace(" ", "").upper(),
            city=address.city,
        )
    # A number the receiver would refuse must not cost the whole signal: contact details
    # are optional in the exchange, so an unusable one is left out (the same check the
    # municipality applies, parties.validation.normalise_phone).
    phone = _usable_phone(contacts.get("mobile") or contacts.get("landline") or "")
    if phone:
        out["phone"] = phone
    if contacts.get("email"):
        out["email"] = contacts["email"]
    return {k: v for k, v in out.items() if v not in ("", None)}


def signal_json(signal: OutgoingSignal, event: str) -> dict[str, Any]:
    if event == WireEvent.CLOSE:
        return {"id": signal.wire_id, "reason": signal.close_reason or "other"}
    contact = (
        signal.endpoint.creditor_contact if signal.endpoint else ""
    ) or conf.creditor_contact()
    body: dict[str, Any] = {
        "id": signal.wire_id,
        "signalled_on": signal.signalled_on.isoformat(),
        "amount_cents": int(signal.amount_cents),
        "crisis": signal.crisis,
        "warm_handover": signal.warm_handover,
        "municipality_code": signal.municipality_code,
        "customer_number": signal.account.customer.number,
        "client": client_json(signal),
    }
    if signal.arose_on and signal.arose_on <= signal.signalled_on:
        body["arose_on"] = signal.arose_on.isoformat()
    if signal.end_of_supply_on:
        body["end_of_supply_on"] = signal.end_of_supply_on.isoformat()
    if contact:
        body["creditor_contact"] = contact
    return {k: v for k, v in body.items() if v != ""}


def envelope(signal: OutgoingSignal, event: str | None = None) -> dict[str, Any]:
    event = event or signal.pending_event or WireEvent.CREATE
    return {"format": FORMAT, "event": event, "signal": signal_json(signal, event)}


def body_bytes(signal: OutgoingSignal, event: str | None = None) -> bytes:
    """Compact, key-sorted JSON: the exact bytes that are signed and sent."""
    return json.dumps(envelope(signal, event), separators=(",", ":"), sort_keys=True).encode()


def _usable_phone(raw: str) -> str:
    if not raw:
        return ""
    try:
        return validation.normalise_phone(raw)
    except Invalid:
        return ""
