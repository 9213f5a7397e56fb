from django.db import models
from django.utils.translation import gettext_lazy as _


class AccountKind(models.TextChoices):
    DRINKING_WATER = "drinking_water", _("Drinkwater")
    ENERGY = "energy", _("Energie")
    RENT = "rent", _("Huur")
    HEALTH_INSURANCE = "health_insurance", _("Zorgverzekering")
    OTHER = "other", _("Overig")


class InvoiceKind(models.TextChoices):
    INVOICE = "invoice", _("Factuur")
    CREDIT_NOTE = "credit_note", _("Creditnota")


class PaymentSource(models.TextChoices):
    BANK_TRANSFER = "bank_transfer", _("Overboeking")
    DIRECT_DEBIT = "direct_debit", _("Automatische incasso")
    PAYMENT_LINK = "payment_link", _("Betaallink")
    MANUAL = "manual", _("Handmatig")


# Aging buckets (days past due, inclusive bounds); 90+ has no upper bound.
AGING_BUCKETS: tuple[tuple[str, int, int | None], ...] = (
    ("0-30", 0, 30),
    ("31-60", 31, 60),
    ("61-90", 61, 90),
    ("90+", 91, None),
)
