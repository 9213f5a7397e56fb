"""Parsing one signal record (API body, JSON upload or CSV row) with errors per field.

The format is ``vangnet-signal/1`` (docs/signal-exchange.md, schema in
``signals/outgoing/schema/signal.v1.json``). Unknown fields are refused rather than
ignored: a creditor that sends a BSN or a reason for the arrears learns at once that we
do not take it (data minimisation), instead of us storing it silently.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from vangnet.core.errors import Invalid
from vangnet.parties import validation

FORMAT = "vangnet-signal/1"
EVENTS = ("create", "update", "close")
CLOSE_REASONS = ("paid", "arrangement", "withdrawn", "other")

SIGNAL_FIELDS = frozenset(
    {
        "id",
        "signalled_on",
        "arose_on",
        "amount_cents",
        "crisis",
        "end_of_supply_on",
        "warm_handover",
        "municipality_code",
        "customer_number",
        "creditor_contact",
        "client",
        "reason",
    }
)
CLIENT_FIELDS = frozenset(
    {
        "initials",
        "prefix",
        "surname",
        "date_of_birth",
        "street",
        "house_number",
        "house_number_suffix",
        "postcode",
        "city",
        "phone",
        "email",
    }
)
# CSV columns: the signal fields flattened, the amount in euros ("123,45" or "123.45").
CSV_COLUMNS = (
    "event",
    "id",
    "signalled_on",
    "arose_on",
    "amount",
    "crisis",
    "end_of_supply_on",
    "warm_handover",
    "municipality_code",
    "customer_number",
    "creditor_contact",
    *sorted(CLIENT_FIELDS),
)


@dataclass(frozen=True)
class FieldError:
    field: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"field": self.field, "message": self.message}


@dataclass
class SignalRecord:
    event: str
    id: str
    signalled_on: date | None = None
    arose_on: date | None = None
    end_of_supply_on: date | None = None
    amount_cents: int | None = None
    crisis: bool = False
    warm_handover: bool = False
    municipality_code: str = ""
    customer_number: str = ""
    creditor_contact: str = ""
    reason: str = ""
    client: dict[str, Any] = field(default_factory=dict)


class RecordInvalid(ValueError):
    def __init__(self, errors: list[FieldError]) -> None:
        super().__init__("; ".join(f"{e.field}: {e.message}" for e in errors))
        self.errors = errors


def _text(value: Any, where: str, errors: list[FieldError], *, max_len: int) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        errors.append(FieldError(where, "must be a string"))
        return ""
    value = value.strip()
    if len(value) > max_len:
        errors.append(FieldError(where, f"at most {max_len} characters"))
    return value


def _date(value: Any, where: str, errors: list[FieldError], *, required: bool) -> date | None:
    if value in (None, ""):
        if required:
            errors.append(FieldError(where, "required (YYYY-MM-DD)"))
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        errors.append(FieldError(where, f"not a date (YYYY-MM-DD): {value!r}"))
        return None


def _bool(value: Any, where: str, errors: list[FieldError]) -> bool:
    if value in (None, ""):
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in {"true", "1", "ja", "yes", "j"}:
        return True
    if isinstance(value, str) and value.strip().lower() in {"false", "0", "nee", "no", "n"}:
        return False
    errors.append(FieldError(where, "must be true or false"))
    return False


def parse_signal(
    body: Any, *, event: str = "create", prefix: str = "signal", today: date | None = None
) -> SignalRecord:
    """One signal object -> ``SignalRecord``, or ``RecordInvalid`` listing every problem."""
    errors: list[FieldError] = []
    if event not in EVENTS:
        raise RecordInvalid([FieldError("event", f"must be one of {', '.join(EVENTS)}")])
    if not isinstance(body, dict):
        raise RecordInvalid([FieldError(prefix, "must be an object")])
    for name in sorted(set(body) - SIGNAL_FIELDS):
        errors.append(FieldError(f"{prefix}.{name}", "unknown field (not accepted)"))
    record = SignalRecord(
        event=event, id=_text(body.get("id"), f"{prefix}.id", errors, max_len=100)
    )
    if not record.id:
        errors.append(FieldError(f"{prefix}.id", "required"))
    if event == "close":
        record.reason = _text(body.get("reason"), f"{prefix}.reason", errors, max_len=20)
        if record.reason not in CLOSE_REASONS:
            errors.append(
                FieldError(f"{prefix}.reason", f"must be one of {', '.join(CLOSE_REASONS)}")
            )
        if errors:
            raise RecordInvalid(errors)
        return record

    record.signalled_on = _date(
        body.get("signalled_on"), f"{prefix}.signalled_on", errors, required=True
    )
    record.arose_on = _date(body.get("arose_on"), f"{prefix}.arose_on", errors, required=False)
    record.end_of_supply_on = _date(
        body.get("end_of_supply_on"), f"{prefix}.end_of_supply_on", errors, required=False
    )
    if record.signalled_on and today and record.signalled_on > today:
        errors.append(FieldError(f"{prefix}.signalled_on", "lies in the future"))
    if record.arose_on and record.signalled_on and record.arose_on > record.signalled_on:
        errors.append(FieldError(f"{prefix}.arose_on", "lies after signalled_on"))
    amount = body.get("amount_cents")
    if isinstance(amount, bool) or not isinstance(amount, int):
        errors.append(FieldError(f"{prefix}.amount_cents", "required, a whole number of cents"))
    elif amount < 0 or amount > 10**11:
        errors.append(FieldError(f"{prefix}.amount_cents", "must be between 0 and 10^11"))
    else:
        record.amount_cents = amount
    record.crisis = _bool(body.get("crisis"), f"{prefix}.crisis", errors)
    record.warm_handover = _bool(body.get("warm_handover"), f"{prefix}.warm_handover", errors)
    if record.end_of_supply_on and not record.crisis:
        errors.append(FieldError(f"{prefix}.end_of_supply_on", "only with crisis=true"))
    code = _text(body.get("municipality_code"), f"{prefix}.municipality_code", errors, max_len=6)
    if code and not re.fullmatch(r"(GM)?\d{4}", code):
        errors.append(FieldError(f"{prefix}.municipality_code", "four digits, e.g. 0344"))
    record.municipality_code = code.removeprefix("GM")
    record.customer_number = _text(
        body.get("customer_number"), f"{prefix}.customer_number", errors, max_len=64
    )
    record.creditor_contact = _text(
        body.get("creditor_contact"), f"{prefix}.creditor_contact", errors, max_len=200
    )
    record.client = _client(body.get("client"), f"{prefix}.client", errors, today=today)
    if errors:
        raise RecordInvalid(errors)
    return record


def _client(raw: Any, where: str, errors: list[FieldError], *, today: date | None) -> dict:
    if not isinstance(raw, dict):
        errors.append(FieldError(where, "required, an object"))
        return {}
    for name in sorted(set(raw) - CLIENT_FIELDS):
        hint = " (a BSN is not accepted: data minimisation)" if name == "bsn" else ""
        errors.append(FieldError(f"{where}.{name}", f"unknown field (not accepted){hint}"))
    out: dict[str, Any] = {}
    for name, max_len in (
        ("initials", 20),
        ("prefix", 20),
        ("surname", 200),
        ("street", 200),
        ("house_number_suffix", 16),
        ("city", 100),
    ):
        out[name] = _text(raw.get(name), f"{where}.{name}", errors, max_len=max_len)
    if not out["surname"]:
        errors.append(FieldError(f"{where}.surname", "required"))
    number = raw.get("house_number")
    number_text = str(number).strip() if isinstance(number, int | str) else ""
    if not number_text.isdigit() or not 0 < int(number_text) < 100000:
        errors.append(FieldError(f"{where}.house_number", "required, a whole number"))
    out["house_number"] = number_text.lstrip("0")
    try:
        out["postcode"] = validation.normalise_postcode(str(raw.get("postcode") or ""))
    except Invalid as exc:
        errors.append(FieldError(f"{where}.postcode", exc.en))
    dob = _date(raw.get("date_of_birth"), f"{where}.date_of_birth", errors, required=False)
    if dob:
        try:
            validation.check_birth_date(dob, today=today)
        except Invalid as exc:
            errors.append(FieldError(f"{where}.date_of_birth", exc.en))
    out["date_of_birth"] = dob
    phone = _text(raw.get("phone"), f"{where}.phone", errors, max_len=32)
    if phone:
        try:
            phone = validation.normalise_phone(phone)
        except Invalid as exc:
            errors.append(FieldError(f"{where}.phone", exc.en))
    out["phone"] = phone
    email = _text(raw.get("email"), f"{where}.email", errors, max_len=254)
    if email:
        try:
            email = validation.normalise_email(email)
        except Invalid as exc:
            errors.append(FieldError(f"{where}.email", exc.en))
    out["email"] = email
    return out


def parse_envelope(body: Any, *, today: date | None = None) -> SignalRecord:
    """The API body: ``{"format": "vangnet-signal/1", "event": …, "signal": {…}}``."""
    if not isinstance(body, dict):
        raise RecordInvalid([FieldError("(body)", "must be a JSON object")])
    errors = []
    if body.get("format") != FORMAT:
        errors.append(FieldError("format", f"must be {FORMAT!r}"))
    for name in sorted(set(body) - {"format", "event", "signal"}):
        errors.append(FieldError(name, "unknown field (not accepted)"))
    event = body.get("event", "create")
    if event not in EVENTS:
        errors.append(FieldError("event", f"must be one of {', '.join(EVENTS)}"))
    if errors:
        raise RecordInvalid(errors)
    return parse_signal(body.get("signal"), event=event, today=today)


def euros_to_cents(raw: str) -> int:
    """``"123,45"``/``"123.45"``/``"1.234,56"`` -> 12345 (Decimal, never float)."""
    text = raw.strip().replace("€", "").replace(" ", "")
    if "," in text:
        text = text.replace(".", "").replace(",", ".")
    try:
        value = Decimal(text)
    except InvalidOperation as exc:
        raise ValueError(f"not an amount: {raw!r}") from exc
    cents = value * 100
    if cents != cents.to_integral_value():
        raise ValueError(f"more than two decimals: {raw!r}")
    return int(cents)


def csv_row_to_body(row: dict[str, str]) -> tuple[str, dict[str, Any], list[FieldError]]:
    """A CSV row (``CSV_COLUMNS``) -> (event, signal object, errors of the CSV layer)."""
    errors: list[FieldError] = []
    unknown = sorted(k for k in row if k and k not in CSV_COLUMNS)
    for name in unknown:
        errors.append(FieldError(name, "unknown column (not accepted)"))
    signal: dict[str, Any] = {}
    client: dict[str, Any] = {}
    for key, value in row.items():
        if key not in CSV_COLUMNS or key == "event" or value in (None, ""):
            continue
        if key in CLIENT_FIELDS:
            client[key] = value
        elif key == "amount":
            try:
                signal["amount_cents"] = euros_to_cents(value)
            except ValueError as exc:
                errors.append(FieldError("amount", str(exc)))
                signal["amount_cents"] = 0
        else:
            signal[key] = value
    signal["client"] = client
    return (row.get("event") or "create").strip(), signal, errors
