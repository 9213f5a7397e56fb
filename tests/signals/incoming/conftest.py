"""Fixtures for the municipal side: a municipality, two creditors as signal partners."""

from __future__ import annotations

import json
import time
from datetime import date

import pytest

from vangnet.signals.incoming import auth


@pytest.fixture
def municipality(db):
    from vangnet.parties.models import Organisation

    return Organisation.objects.create(
        name="Gemeente Utrecht",
        slug="gemeente-utrecht",
        kind="municipality",
        sector="other",
        municipality_code="0344",
        contact_phone="030 286 00 00",
    )


@pytest.fixture
def partners(db, municipality):
    from vangnet.signals.incoming.intake import partner_create

    water, water_secret = partner_create(
        name="Waterbedrijf", partner_type="Water", key_id="water", feedback_url=""
    )
    rent, rent_secret = partner_create(name="Woonstad", partner_type="Huur", key_id="woonstad")
    return {"water": (water, water_secret), "rent": (rent, rent_secret)}


def signal_body(
    sid: str = "S-1",
    *,
    amount_cents: int = 18750,
    event: str = "create",
    surname: str = "Jansen",
    postcode: str = "3511AB",
    house_number: str = "12",
    dob: str = "1980-05-01",
    crisis: bool = False,
    customer_number: str = "K-1",
    signalled_on: str = "2026-03-02",
    **client_extra,
) -> dict:
    return {
        "format": "vangnet-signal/1",
        "event": event,
        "signal": {
            "id": sid,
            "signalled_on": signalled_on,
            "arose_on": "2026-01-01",
            "amount_cents": amount_cents,
            "crisis": crisis,
            "warm_handover": False,
            "municipality_code": "0344",
            "customer_number": customer_number,
            "client": {
                "initials": "J.",
                "surname": surname,
                "date_of_birth": dob,
                "street": "Dorpsstraat",
                "house_number": house_number,
                "postcode": postcode,
                "city": "Utrecht",
                "phone": "+31612345678",
                **client_extra,
            },
        },
    }


def post_signed(client, body: dict | bytes, *, key_id: str, secret: str, ts: int | None = None):
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    headers = auth.sign_headers(
        key_id=key_id, key=auth.secret_hash(secret), body=raw, now=ts or int(time.time())
    )
    extra = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in headers.items()}
    return client.post(
        "/signals/in/api/signals/", data=raw, content_type="application/json", **extra
    )


def receive(partner, body: dict, *, at):
    """Write a signal through the intake service, received at ``at`` (aware datetime)."""
    from vangnet.signals.incoming.intake import signal_receive
    from vangnet.signals.incoming.wire import parse_envelope

    return signal_receive(
        partner=partner, record=parse_envelope(body, today=date(2030, 1, 1)), now=at
    ).signal
