"""Choices and defaults of SEPA direct debit (DOMAIN.md "SEPA direct debit (Core)")."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

# DOMAIN.md "SEPA": a water company in the seeds lets customers pick one of four days.
DEFAULT_COLLECTION_DAYS: tuple[int, ...] = (1, 8, 15, 22)
# DOMAIN.md "SEPA": pre-notification at least 14 days before the collection.
DEFAULT_PRENOTIFICATION_DAYS = 14
# Re-presentment after AM04 waits at least this many days, so the customer gets a new
# pre-notification in time and income can arrive (DOMAIN.md "SEPA"; policy, not law).
DEFAULT_REPRESENT_MIN_DAYS = 14
# A mandate lapses 36 months after its last collection (DOMAIN.md "SEPA").
MANDATE_LAPSE_MONTHS = 36
# Collection days must exist in every month.
MAX_COLLECTION_DAY = 28

SCHEMAS: tuple[str, ...] = ("pain.008.001.08", "pain.008.001.02")
DEFAULT_SCHEMA = "pain.008.001.08"  # STYLE.md: prefer .08 (sepaxml ships its XSD)

# The SEPA maximum for one transaction: 999,999,999.99 EUR.
MAX_AMOUNT_CENTS = 99_999_999_999


class SequenceType(models.TextChoices):
    FIRST = "FRST", _("Eerste incasso (FRST)")
    RECURRING = "RCUR", _("Doorlopende incasso (RCUR)")


class MandateStatus(models.TextChoices):
    ACTIVE = "active", _("Actief")
    REVOKED = "revoked", _("Ingetrokken")
    LAPSED = "lapsed", _("Vervallen (36 maanden niet gebruikt)")
    VOID = "void", _("Ongeldig (rekening bestaat niet meer)")


class MandateChannel(models.TextChoices):
    PAPER = "paper", _("Papier")
    PORTAL = "portal", _("Klantportaal")
    PHONE = "phone", _("Telefoon")


class CollectionStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Gepland")
    EXPORTED = "exported", _("Naar de bank")
    SETTLED = "settled", _("Afgeschreven")
    RETURNED = "returned", _("Gestorneerd")
    CANCELLED = "cancelled", _("Geannuleerd")


ACTIVE_COLLECTION = (CollectionStatus.SCHEDULED, CollectionStatus.EXPORTED)


class ReturnFollowUp(models.TextChoices):
    REPRESENT = "represent", _("Nog één keer incasseren")
    CONTACT = "contact", _("Contact opnemen")
    VOID_MANDATE = "void_mandate", _("Machtiging ongeldig, vraag nieuw rekeningnummer")
    NONE = "none", _("Niet opnieuw incasseren")


# Plain-Dutch meaning of each R-transaction reason code (ISO 20022 ExternalReturnReason),
# shown on the case timeline. AM04 is money trouble, not unwillingness (DOMAIN.md).
REASON_MEANINGS_NL: dict[str, str] = {
    "AM04": "onvoldoende saldo — signaal van geldzorgen, geen onwil",
    "MD06": "terugboeking door klant",
    "MS02": "geweigerd door klant",
    "MS03": "geweigerd door de bank, reden niet opgegeven",
    "AC04": "rekening opgeheven",
    "AC06": "rekening geblokkeerd",
    "AC01": "rekeningnummer onjuist",
    "AC13": "rekening is geen rekening van een consument",
    "AG01": "incasso niet toegestaan op deze rekening",
    "AG02": "ongeldige betaalcode",
    "AM05": "dubbele incasso",
    "BE05": "incassant onbekend bij de bank",
    "FF01": "ongeldig bestandsformaat",
    "MD01": "geen geldige machtiging",
    "MD02": "gegevens van de machtiging ontbreken of kloppen niet",
    "MD07": "rekeninghouder overleden",
    "RC01": "BIC onjuist",
    "RR01": "gegevens van de klant ontbreken",
    "RR02": "naam of adres van de klant ontbreekt",
    "RR03": "naam of adres van de incassant ontbreekt",
    "RR04": "reden volgens wet- en regelgeving",
    "SL01": "bijzondere dienst van de bank van de klant",
}

# Timeline cause that tells the strategy engine about money trouble (AM04).
SIGNAL_MONEY_TROUBLE = "geldzorgen-signaal"

# Default re-presentment policy per reason code; "*" is every other code. Each entry:
# follow-up, and optionally a signal for the case. Stored per creditor on the profile.
DEFAULT_RETURN_POLICY: dict[str, dict[str, str]] = {
    "AM04": {"follow_up": ReturnFollowUp.REPRESENT.value, "signal": SIGNAL_MONEY_TROUBLE},
    "MD06": {"follow_up": ReturnFollowUp.CONTACT.value},
    "MS02": {"follow_up": ReturnFollowUp.CONTACT.value},
    "AC04": {"follow_up": ReturnFollowUp.VOID_MANDATE.value},
    "AC06": {"follow_up": ReturnFollowUp.VOID_MANDATE.value},
    "MD01": {"follow_up": ReturnFollowUp.VOID_MANDATE.value},
    "*": {"follow_up": ReturnFollowUp.NONE.value},
}


def default_collection_days() -> list[int]:
    return list(DEFAULT_COLLECTION_DAYS)


def default_return_policy() -> dict[str, dict[str, str]]:
    return {code: dict(rule) for code, rule in DEFAULT_RETURN_POLICY.items()}
