from django.db import models
from django.utils.translation import gettext_lazy as _


class StatementFormat(models.TextChoices):
    CAMT053 = "camt053", "CAMT.053"
    MT940 = "mt940", "MT940"


class Direction(models.TextChoices):
    CREDIT = "credit", _("Bijschrijving")
    DEBIT = "debit", _("Afschrijving")


class EntryStatus(models.TextChoices):
    MATCHED = "matched", _("Gekoppeld")
    UNMATCHED = "unmatched", _("Niet gekoppeld")
    IGNORED = "ignored", _("Genegeerd")
    RETURNED = "returned", _("Gestorneerd")


class MatchRule(models.TextChoices):
    """How an entry found its account, strongest first; ``MANUAL`` is a person's choice."""

    REFERENCE = "reference", _("Betalingskenmerk")
    INVOICE_NUMBER = "invoice_number", _("Factuurnummer in omschrijving")
    CUSTOMER_NUMBER = "customer_number", _("Klant- of contractnummer in omschrijving")
    IBAN = "iban", _("Bekend IBAN")
    AMOUNT = "amount", _("Bedrag van één open factuur")
    MANUAL = "manual", _("Handmatig")


# Confidence (percent) per rule: a valid structured reference is as good as it gets; an
# amount that fits one open invoice of a known payer is a good guess, not proof.
CONFIDENCE = {
    MatchRule.REFERENCE: 100,
    MatchRule.INVOICE_NUMBER: 90,
    MatchRule.CUSTOMER_NUMBER: 80,
    MatchRule.IBAN: 70,
    MatchRule.AMOUNT: 60,
    MatchRule.MANUAL: 100,
}
