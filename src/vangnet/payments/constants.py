"""Choices of the payments app: link and provider-payment states, link events."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class LinkStatus(models.TextChoices):
    OPEN = "open", _("Open")
    PENDING = "pending", _("Betaling bezig")
    PARTIALLY_PAID = "partially_paid", _("Deels betaald")
    PAID = "paid", _("Betaald")
    EXPIRED = "expired", _("Verlopen")
    CANCELLED = "cancelled", _("Ingetrokken")


# A link in one of these states can still be used to pay.
USABLE_LINK_STATUSES: tuple[str, ...] = (
    LinkStatus.OPEN,
    LinkStatus.PENDING,
    LinkStatus.PARTIALLY_PAID,
)


class ProviderStatus(models.TextChoices):
    """Mollie's payment states (the test provider uses the same words), plus ``created``.

    ``created`` is ours: the row exists before the provider was asked, so a crash between
    the two leaves a trace and the idempotency key to retry with.
    """

    CREATED = "created", _("Aangemaakt")
    OPEN = "open", _("Open")
    PENDING = "pending", _("In behandeling")
    AUTHORIZED = "authorized", _("Geautoriseerd")
    PAID = "paid", _("Betaald")
    FAILED = "failed", _("Mislukt")
    CANCELED = "canceled", _("Geannuleerd")
    EXPIRED = "expired", _("Verlopen")


FINAL_PROVIDER_STATUSES: frozenset[str] = frozenset(
    {ProviderStatus.PAID, ProviderStatus.FAILED, ProviderStatus.CANCELED, ProviderStatus.EXPIRED}
)


class LinkEventKind(models.TextChoices):
    CREATED = "created", _("Aangemaakt")
    STARTED = "started", _("Betaling gestart")
    START_FAILED = "start_failed", _("Starten mislukt")
    STATUS = "status", _("Status gewijzigd")
    PAID = "paid", _("Betaling ontvangen")
    AMOUNT_MISMATCH = "amount_mismatch", _("Bedrag wijkt af")
    EXPIRED = "expired", _("Verlopen")
    CANCELLED = "cancelled", _("Ingetrokken")
