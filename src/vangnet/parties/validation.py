"""Normalise and validate personal data fields: postcode, BSN, phone, e-mail, IBAN.

Plain functions (no ORM) so that importers validate a million rows without Django form
overhead, and forms/admin reuse the very same rules.
"""

from __future__ import annotations

import re
from datetime import date

import phonenumbers
from schwifty import IBAN
from schwifty.exceptions import SchwiftyException
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.nl import bsn as stdnum_bsn

from vangnet.core.errors import Invalid

_POSTCODE = re.compile(r"^\s*([1-9][0-9]{3})\s?([A-Za-z]{2})\s*$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# SA, SD and SS are not issued by PostNL.
_FORBIDDEN_POSTCODE_LETTERS = {"SA", "SD", "SS"}


def normalise_postcode(raw: str) -> str:
    """'1234ab' -> '1234 AB'."""
    match = _POSTCODE.match(raw or "")
    if not match or match.group(2).upper() in _FORBIDDEN_POSTCODE_LETTERS:
        raise Invalid(
            "postcode",
            f"ongeldige postcode {raw!r}: gebruik 1234 AB",
            f"invalid postcode {raw!r}: use 1234 AB",
        )
    return f"{match.group(1)} {match.group(2).upper()}"


def normalise_bsn(raw: str) -> str:
    """Validate the 11-proof of a BSN; returns the nine digits."""
    try:
        return stdnum_bsn.validate(raw)
    except StdnumError as exc:
        raise Invalid(
            "bsn",
            "ongeldig BSN (elfproef klopt niet)",
            "invalid BSN (eleven-test fails)",
        ) from exc


def mask_bsn(value: str | None) -> str:
    """A BSN is never shown in full: only the last three digits."""
    if not value:
        return ""
    return "******" + value[-3:]


def normalise_phone(raw: str, *, region: str = "NL") -> str:
    """Any Dutch or international notation -> E.164 (+31612345678)."""
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException as exc:
        raise Invalid(
            "phone",
            f"ongeldig telefoonnummer {raw!r}",
            f"invalid phone number {raw!r}",
        ) from exc
    if not phonenumbers.is_valid_number(number):
        raise Invalid("phone", f"ongeldig telefoonnummer {raw!r}", f"invalid phone number {raw!r}")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def is_mobile(e164: str) -> bool:
    number = phonenumbers.parse(e164, None)
    return phonenumbers.number_type(number) in (
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    )


def normalise_email(raw: str) -> str:
    value = (raw or "").strip()
    if not _EMAIL.match(value) or len(value) > 254:
        raise Invalid("email", f"ongeldig e-mailadres {raw!r}", f"invalid e-mail address {raw!r}")
    local, _, domain = value.rpartition("@")
    return f"{local}@{domain.lower()}"


def normalise_iban(raw: str) -> str:
    try:
        return IBAN(raw).compact
    except SchwiftyException as exc:
        raise Invalid("iban", f"ongeldig IBAN {raw!r}", f"invalid IBAN {raw!r}") from exc


def check_birth_date(value: date, *, today: date | None = None) -> date:
    today = today or date.today()
    if value > today or value.year < 1900:
        raise Invalid(
            "date_of_birth",
            f"onmogelijke geboortedatum {value.isoformat()}",
            f"impossible date of birth {value.isoformat()}",
        )
    return value
