"""The DDAS vroegsignalering exchange model (VNG Realisatie, v0.9): vocabulary and export.

The municipality reports its signals and cases to CBS in this JSON format (DOMAIN.md "The
municipal side"). The builder takes plain records, so the same code serves the Django
export command and tests with hand-made examples; ``validate`` checks a document against
the bundled official JSON schema (never fetched: the ``$id`` is not resolved).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from pathlib import Path
from typing import Any

SCHEMA_PATH = Path(__file__).resolve().parent / "data" / "json_schema_Uitwisselmodel.json"

# EnumSignaalpartner
PARTNER_TYPES: tuple[str, ...] = (
    "Energie",
    "Huur",
    "Hypotheek",
    "CAK Zorgverzekeringen",
    "Zorg",
    "Water",
    "DUO",
    "Belastingdienst",
    "CAK Eigen bijdrage",
    "Overige",
    "Dienst Toeslagen",
)

# Our creditor sectors (parties.constants.Sector values) -> DDAS signaalpartner type.
SECTOR_TO_PARTNER: dict[str, str] = {
    "energy": "Energie",
    "rent": "Huur",
    "drinking_water": "Water",
    "health_insurance": "CAK Zorgverzekeringen",
    "other": "Overige",
}

# EnumContactsoort
CONTACT_KINDS: tuple[str, ...] = (
    "Mail",
    "Brief",
    "SMS/Whatsapp",
    "Telefoon",
    "Huisbezoek",
    "Kaartje",
    "Overige",
    "Administratief",
)

# Our channels -> DDAS contactsoort.
CHANNEL_TO_CONTACT: dict[str, str] = {
    "email": "Mail",
    "letter": "Brief",
    "sms": "SMS/Whatsapp",
    "whatsapp": "SMS/Whatsapp",
    "phone": "Telefoon",
    "visit": "Huisbezoek",
    "card": "Kaartje",
    "internal": "Administratief",
}

WRITTEN_CONTACTS = frozenset({"Mail", "Brief", "SMS/Whatsapp", "Kaartje"})

# EnumSignaalstatus
SIGNAL_STATUSES: tuple[str, ...] = (
    "Nog niet opgepakt",
    "Niet opgepakt: onterecht signaal",
    "Inwoner is overleden",
    "Persoon is geen inwoner (meer) in de gemeente",
    "Niet opgepakt: herhaalde melding",
    "Niet opgepakt: andere reden",
)

# EnumEindresultaat, keyed by our short codes.
RESULTS: dict[str, str] = {
    "repeated": "Niet opgepakt: herhaalde melding",
    "unjustified": "Niet opgepakt: onterecht signaal",
    "deceased": "Inwoner is overleden",
    "not_resident": "Persoon is geen inwoner (meer) in de gemeente",
    "other_reason": "Niet opgepakt: andere reden",
    "known_debt_help": "Inwoner al bekend bij schuldhulpverlening",
    "other_trajectory": "Inwoner heeft al een ander lopend traject",
    "no_contact": "Definitief geen contact kunnen krijgen",
    "no_response": "Geen reactie na eerder contact",
    "no_help_needed": "Inwoner hoeft geen hulp vanuit vroegsignalering",
    "self_solved": "Inwoner heeft zelf al betaald/betalingsregeling getroffen",
    "quick_fix": "(Budget)advies en/of quick fix",
    "referral_financial": "Vervolghulp en/of verwijzing financieel",
    "referral_without_contact": "Verwijzing zonder contact",
    "referral_non_financial": "Vervolghulp en/of verwijzing niet financieel",
}

# Results that count as help accepted by a reached resident (DOMAIN.md: hulpacceptatie =
# quick fix, payment arrangement, referral).
HELP_ACCEPTED_RESULTS = frozenset({"quick_fix", "referral_financial", "referral_non_financial"})

# Results a creditor may learn: only *that* a signal was not picked up, never why
# (DOMAIN.md "After help is accepted").
NOT_PICKED_UP_RESULTS = frozenset(
    {"repeated", "unjustified", "deceased", "not_resident", "other_reason"}
)


def day_part(moment: time | datetime) -> str:
    """DDAS dagdeel: Ochtend before 12:00, Middag 12:00–18:00, Avond from 18:00."""
    t = moment.time() if isinstance(moment, datetime) else moment
    if t < time(12, 0):
        return "Ochtend"
    if t < time(18, 0):
        return "Middag"
    return "Avond"


def whole_euros(cents: int) -> int:
    """DDAS ``bedrag`` is whole euros; round half up, as a clerk would."""
    return int((Decimal(cents) / 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class Client:
    bsn: str = ""
    initials: str = ""
    prefix: str = ""
    surname: str = ""
    date_of_birth: date | None = None
    street: str = ""
    postcode: str = ""
    house_number: str = ""
    house_number_suffix: str = ""
    city: str = ""


@dataclass(frozen=True)
class Signal:
    id: str
    partner_type: str
    client: Client
    amount_cents: int | None = None
    arose_on: date | None = None
    signalled_on: date | None = None
    status: str = "Nog niet opgepakt"
    crisis: bool = False
    warm_handover: bool = False


@dataclass(frozen=True)
class ContactAttempt:
    kind: str  # a CONTACT_KINDS value
    reached: bool
    at: datetime


@dataclass(frozen=True)
class SignalCase:
    signal_ids: Sequence[str]
    matched_on: date | None = None
    picked_up_on: date | None = None
    result: str = ""  # a RESULTS key, "" while open
    period_start: date | None = None
    period_end: date | None = None
    attempts: Sequence[ContactAttempt] = field(default_factory=tuple)


@dataclass(frozen=True)
class Delivery:
    municipality_code: str
    organisation_name: str
    signals: Sequence[Signal]
    cases: Sequence[SignalCase]
    kvk_number: str = ""
    contacts: Sequence[dict[str, str]] = field(default_factory=tuple)


def _drop_empty(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in values.items() if v not in ("", None)}


def _client(client: Client) -> dict[str, Any]:
    return _drop_empty(
        {
            "Burgerservicenummer": client.bsn,
            "Voorletters": client.initials,
            "Voorvoegsel": client.prefix,
            "Achternaam": client.surname,
            "Geboortedatum": client.date_of_birth.isoformat() if client.date_of_birth else "",
            "Straatnaam": client.street,
            "Postcode": client.postcode.replace(" ", "").upper(),
            "Huisnummer": client.house_number,
            "Huisnummertoevoeging": client.house_number_suffix,
            "Plaatsnaam": client.city,
        }
    )


def _signal(signal: Signal) -> dict[str, Any]:
    if signal.partner_type not in PARTNER_TYPES:
        raise ValueError(f"unknown signaalpartner type {signal.partner_type!r}")
    if signal.status not in SIGNAL_STATUSES:
        raise ValueError(f"unknown signal status {signal.status!r}")
    return _drop_empty(
        {
            "ID": signal.id,
            "crisissignaal": signal.crisis,
            "warmeOverdracht": signal.warm_handover,
            "bedrag": None if signal.amount_cents is None else whole_euros(signal.amount_cents),
            "ontstaansdatum": signal.arose_on.isoformat() if signal.arose_on else "",
            "signaaldatum": signal.signalled_on.isoformat() if signal.signalled_on else "",
            "status": signal.status,
            "signaalpartner": {"type": signal.partner_type},
            "client": _client(signal.client),
        }
    )


def _case(case: SignalCase) -> dict[str, Any]:
    if case.result and case.result not in RESULTS:
        raise ValueError(f"unknown result code {case.result!r}")
    attempts = []
    for attempt in case.attempts:
        if attempt.kind not in CONTACT_KINDS:
            raise ValueError(f"unknown contactsoort {attempt.kind!r}")
        attempts.append(
            {
                "soort": attempt.kind,
                "bereikt": attempt.reached,
                "datum": attempt.at.date().isoformat(),
                "dagdeel": day_part(attempt.at),
            }
        )
    return _drop_empty(
        {
            "resultaat": RESULTS.get(case.result, ""),
            "matchingsdatum": case.matched_on.isoformat() if case.matched_on else "",
            "startdatum_matchtingperiode": (  # sic: the schema's spelling
                case.period_start.isoformat() if case.period_start else ""
            ),
            "datum_opgepakt": case.picked_up_on.isoformat() if case.picked_up_on else "",
            "einddatum_matchingperiode": case.period_end.isoformat() if case.period_end else "",
            "vroegsignalen": [{"ID": sid} for sid in dict.fromkeys(case.signal_ids)],
            "contactpogingen": attempts,
        }
    )


def build_document(
    *,
    supplier_code: str,
    period_start: date,
    period_end: date,
    delivered_at: datetime,
    deliveries: Iterable[Delivery],
) -> dict[str, Any]:
    """The whole ``Uitwisselmodel`` document: one ``levering`` per municipality."""
    leveringen = []
    for number, delivery in enumerate(deliveries, start=1):
        organisation: dict[str, Any] = {"naam": delivery.organisation_name}
        if delivery.kvk_number:
            organisation["kvk-nummer"] = delivery.kvk_number
        if delivery.contacts:
            organisation["contactpersoonen"] = [dict(c) for c in delivery.contacts]
        leveringen.append(
            {
                "teller": number,
                "gemeentecode": delivery.municipality_code,
                "aanleverende_organisatie": organisation,
                "vroegsignalen": [_signal(s) for s in delivery.signals],
                "vroegsignaalzaken": [_case(c) for c in delivery.cases],
            }
        )
    # Naive datetimes are taken as UTC; aware ones are converted to it.
    stamp = delivered_at.astimezone(UTC) if delivered_at.tzinfo else delivered_at
    return {
        "codeGegevensleverancier": supplier_code,
        "startdatumLevering": period_start.isoformat(),
        "einddatumLevering": period_end.isoformat(),
        "aanleverdatumEnTijd": stamp.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "leveringen": leveringen,
    }


@cache
def schema() -> dict[str, Any]:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def validate(document: dict[str, Any]) -> list[str]:
    """Every schema violation as ``path: message`` (empty when valid).

    Formats (date, date-time, email) are checked too: a CBS delivery with "2025-13-01"
    must fail here, not at CBS.
    """
    from jsonschema import Draft202012Validator

    validator = Draft202012Validator(schema(), format_checker=Draft202012Validator.FORMAT_CHECKER)
    errors = sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))
    return [
        f"{'/'.join(str(p) for p in error.absolute_path) or '(document)'}: {error.message}"
        for error in errors
    ]
