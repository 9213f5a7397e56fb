"""IBAN, creditor identifier, SEPA identifiers and the SEPA character set.

Failures are ``core.errors.Invalid`` with a stable code and a Dutch and English reason,
so forms, the CSV import and the export report the same words.
"""

from __future__ import annotations

import re

from schwifty import IBAN
from schwifty.exceptions import SchwiftyException
from text_unidecode import unidecode  # a dependency of sepaxml

from vangnet.core.errors import Invalid

# The EPC "Latin character set" every SEPA bank must accept (EPC217-08): letters,
# digits and / - ? : ( ) . , ' + and space.
SEPA_TEXT_RE = re.compile(r"[^A-Za-z0-9/\-?:().,'+ ]")
SEPA_ID_RE = re.compile(r"^[A-Za-z0-9/\-?:().,'+ ]{1,35}$")
_SPACES = re.compile(r"\s+")


def sepa_text(value: str, max_length: int) -> str:
    """Transliterate to the SEPA character set: "Ĳsbrand Œuvré & Zn" -> "IJsbrand OEuvre + Zn".

    Banks may reject (or garble) characters outside the set, and the XSD does not catch
    them (``Max70Text`` allows any character), so names and remittance text are cleaned
    here: accents are dropped, "&" becomes "+", anything else outside the set a space.
    """
    text = value or ""
    if not text.isascii():  # most names are plain ASCII: skip the costly transliteration
        text = unidecode(text)
    text = text.replace("&", "+")
    text = SEPA_TEXT_RE.sub(" ", text)
    return _SPACES.sub(" ", text).strip()[:max_length].strip()


def sepa_identifier(value: str, *, what_nl: str, what_en: str) -> str:
    """A mandate reference or end-to-end id: 1–35 SEPA characters, no "//", no "/" at the ends."""
    if not SEPA_ID_RE.match(value or ""):
        raise Invalid(
            "sepa_identifier",
            f"{what_nl} moet 1 tot 35 tekens zijn: letters, cijfers en / - ? : ( ) . , ' +",
            f"{what_en} must be 1-35 characters: letters, digits and / - ? : ( ) . , ' +",
        )
    if value.startswith("/") or value.endswith("/") or "//" in value:
        raise Invalid(
            "sepa_identifier_slash",
            f"{what_nl} mag niet met '/' beginnen of eindigen en geen '//' bevatten",
            f"{what_en} must not start or end with '/' or contain '//'",
        )
    return value


def iban_normalise(value: str) -> tuple[str, str]:
    """``(IBAN in compact form, BIC or "")``; the BIC follows from a Dutch IBAN's bank code."""
    raw = (value or "").strip()
    if not raw:
        raise Invalid("iban_empty", "Vul een IBAN in.", "Enter an IBAN.")
    try:
        iban = IBAN(raw)
    except SchwiftyException as exc:
        raise Invalid(
            "iban_invalid",
            f"‘{raw}’ is geen geldig IBAN-rekeningnummer. Controleer de letters en cijfers;"
            " een Nederlands IBAN heeft 18 tekens, zoals NL91ABNA0417164300.",
            f"{raw!r} is not a valid IBAN ({exc}).",
        ) from exc
    try:
        bic = iban.bic
    except SchwiftyException:
        bic = None
    return iban.compact, str(bic) if bic else ""


def bic_normalise(value: str) -> str:
    from schwifty import BIC

    raw = (value or "").strip().upper()
    if not raw:
        return ""
    try:
        return str(BIC(raw))
    except SchwiftyException as exc:
        raise Invalid(
            "bic_invalid", f"‘{raw}’ is geen geldige BIC.", f"{raw!r} is not a valid BIC."
        ) from exc


def _mod97_digits(text: str) -> int:
    return int("".join(str(int(ch, 36)) for ch in text)) % 97


def creditor_id_check_digits(country: str, national_id: str) -> str:
    """Check digits of a SEPA creditor identifier (EPC262-08 §6.3, ISO 7064 Mod 97-10).

    The creditor business code (positions 5–7) is left out; the national identifier is
    followed by the country code and "00", letters become numbers (A=10 … Z=35), and the
    check digits are 98 minus the remainder modulo 97.
    """
    return f"{98 - _mod97_digits(national_id + country + '00'):02d}"


def creditor_id_normalise(value: str) -> str:
    """A SEPA creditor identifier (Incassant-ID); Dutch ones are NLkkZZZ + KvK (8) + 4 digits."""
    text = re.sub(r"[\s]", "", value or "").upper()
    match = re.fullmatch(r"([A-Z]{2})(\d{2})([A-Z0-9]{3})([A-Z0-9]{1,28})", text)
    if not match:
        raise Invalid(
            "creditor_id_format",
            "Een incassant-ID begint met een landcode, twee controlecijfers en drie tekens,"
            " zoals NL69ZZZ123456780000.",
            "A creditor identifier is country code, two check digits, a three-character"
            " business code and the national identifier, like NL69ZZZ123456780000.",
        )
    country, check, _business, national = match.groups()
    if country == "NL" and not re.fullmatch(r"\d{12}", national):
        raise Invalid(
            "creditor_id_nl_format",
            "Een Nederlands incassant-ID heeft na 'NLkkZZZ' twaalf cijfers: het"
            " KvK-nummer (8) en een volgnummer (4).",
            "A Dutch creditor identifier has twelve digits after 'NLkkZZZ': the KvK number"
            " (8) and a serial number (4).",
        )
    expected = creditor_id_check_digits(country, national)
    if check != expected:
        raise Invalid(
            "creditor_id_check",
            f"De controlecijfers van incassant-ID {text} kloppen niet.",
            f"The check digits of creditor identifier {text} are wrong (expected {expected}).",
        )
    return text


def mask_iban(iban: str) -> str:
    """ "NL91ABNA0417164300" -> "NL…4300": enough for the customer to recognise the account."""
    return f"{iban[:2]}…{iban[-4:]}" if len(iban) > 6 else iban
