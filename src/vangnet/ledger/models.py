"""The ledger: customers, accounts, invoices, payments and their allocation.

Money is integer cents. ``Invoice.open_amount_cents`` and ``Payment.unallocated_cents``
are kept in step with ``Allocation`` rows by the services in ``allocation.py`` so that
balance, arrears and aging are single aggregate queries over all accounts.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from vangnet.core.money import format_euro
from vangnet.ledger.constants import AccountKind, InvoiceKind, PaymentSource
from vangnet.parties.models import Address, Organisation, Person


class Customer(models.Model):
    """A person's relationship with one creditor, known by the creditor's customer number."""

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisatie"), on_delete=models.PROTECT
    )
    number = models.CharField(_("klantnummer"), max_length=32)
    person = models.ForeignKey(
        Person, verbose_name=_("persoon"), on_delete=models.PROTECT, related_name="customers"
    )
    created_at = models.DateTimeField(_("aangemaakt"), auto_now_add=True)

    class Meta:
        verbose_name = _("klant")
        verbose_name_plural = _("klanten")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "number"], name="customer_number_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.person}"


class Account(models.Model):
    """A contract or connection (e.g. one water connection) that is invoiced."""

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisatie"), on_delete=models.PROTECT
    )
    customer = models.ForeignKey(
        Customer, verbose_name=_("klant"), on_delete=models.PROTECT, related_name="accounts"
    )
    number = models.CharField(_("contractnummer"), max_length=32)
    kind = models.CharField(
        _("soort"), max_length=24, choices=AccountKind.choices, default=AccountKind.DRINKING_WATER
    )
    start_date = models.DateField(_("startdatum"), null=True, blank=True)
    end_date = models.DateField(_("einddatum"), null=True, blank=True)
    sepa_mandate_reference = models.CharField(_("machtigingskenmerk"), max_length=35, blank=True)
    supply_address = models.ForeignKey(
        Address,
        verbose_name=_("leveringsadres"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )
    created_at = models.DateTimeField(_("aangemaakt"), auto_now_add=True)
    updated_at = models.DateTimeField(_("gewijzigd"), auto_now=True)

    class Meta:
        verbose_name = _("contract")
        verbose_name_plural = _("contracten")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "number"], name="account_number_unique")
        ]

    def __str__(self) -> str:
        return self.number


class Invoice(models.Model):
    """An invoice or a credit note (``kind``); amounts are positive for both."""

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisatie"), on_delete=models.PROTECT
    )
    account = models.ForeignKey(
        Account, verbose_name=_("contract"), on_delete=models.PROTECT, related_name="invoices"
    )
    number = models.CharField(_("factuurnummer"), max_length=32)
    kind = models.CharField(
        _("soort"), max_length=16, choices=InvoiceKind.choices, default=InvoiceKind.INVOICE
    )
    period_start = models.DateField(_("periode van"), null=True, blank=True)
    period_end = models.DateField(_("periode tot"), null=True, blank=True)
    issue_date = models.DateField(_("factuurdatum"))
    due_date = models.DateField(_("vervaldatum"))
    amount_cents = models.BigIntegerField(_("bedrag (centen)"))
    open_amount_cents = models.BigIntegerField(_("openstaand (centen)"))
    payment_reference = models.CharField(_("betalingskenmerk"), max_length=32, blank=True)
    description = models.CharField(_("omschrijving"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("factuur")
        verbose_name_plural = _("facturen")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "number"], name="invoice_number_unique"
            ),
            models.CheckConstraint(
                condition=Q(amount_cents__gte=0), name="invoice_amount_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(open_amount_cents__gte=0)
                & Q(open_amount_cents__lte=models.F("amount_cents")),
                name="invoice_open_within_amount",
            ),
        ]
        indexes = [
            # The arrears/aging queries only look at open invoices.
            models.Index(
                fields=["account", "due_date"],
                condition=Q(open_amount_cents__gt=0),
                name="invoice_open_by_account",
            ),
            models.Index(
                fields=["due_date"],
                condition=Q(open_amount_cents__gt=0),
                name="invoice_open_by_due",
            ),
            models.Index(fields=["payment_reference"], name="invoice_payment_reference"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {format_euro(self.amount_cents)}"


class Payment(models.Model):
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisatie"), on_delete=models.PROTECT
    )
    account = models.ForeignKey(
        Account, verbose_name=_("contract"), on_delete=models.PROTECT, related_name="payments"
    )
    booked_on = models.DateField(_("boekdatum"))
    amount_cents = models.BigIntegerField(_("bedrag (centen)"))
    unallocated_cents = models.BigIntegerField(_("niet toegewezen (centen)"), default=0)
    source = models.CharField(
        _("bron"), max_length=16, choices=PaymentSource.choices, default=PaymentSource.BANK_TRANSFER
    )
    reference = models.CharField(
        _("bankreferentie"),
        max_length=64,
        help_text=_("Unieke referentie van de bank of betaalprovider (natuurlijke sleutel)."),
    )
    invoice_reference = models.CharField(
        _("factuurverwijzing"),
        max_length=64,
        blank=True,
        help_text=_("Factuurnummer of betalingskenmerk dat de betaler opgaf; gaat voor."),
    )
    payer_iban = models.CharField(_("IBAN betaler"), max_length=34, blank=True)
    payer_name = models.CharField(_("naam betaler"), max_length=140, blank=True)
    description = models.CharField(_("omschrijving"), max_length=200, blank=True)
    reversed_on = models.DateField(_("gestorneerd op"), null=True, blank=True)
    reversal_reason = models.CharField(_("stornoreden"), max_length=8, blank=True)
    created_at = models.DateTimeField(_("aangemaakt"), auto_now_add=True)

    class Meta:
        verbose_name = _("betaling")
        verbose_name_plural = _("betalingen")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "reference"], name="payment_reference_unique"
            ),
            models.CheckConstraint(condition=Q(amount_cents__gt=0), name="payment_amount_positive"),
        ]
        indexes = [
            models.Index(fields=["account", "booked_on"]),
            models.Index(
                fields=["account"],
                condition=Q(unallocated_cents__gt=0),
                name="payment_unallocated",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.booked_on} {format_euro(self.amount_cents)}"


class Allocation(models.Model):
    """Part of a payment or credit note applied to an invoice."""

    invoice = models.ForeignKey(
        Invoice, verbose_name=_("factuur"), on_delete=models.PROTECT, related_name="allocations"
    )
    payment = models.ForeignKey(
        Payment,
        verbose_name=_("betaling"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="allocations",
    )
    credit_note = models.ForeignKey(
        Invoice,
        verbose_name=_("creditnota"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="credit_allocations",
    )
    amount_cents = models.BigIntegerField(_("bedrag (centen)"))
    allocated_at = models.DateTimeField(_("toegewezen op"), auto_now_add=True)

    class Meta:
        verbose_name = _("toewijzing")
        verbose_name_plural = _("toewijzingen")
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_cents__gt=0), name="allocation_amount_positive"
            ),
            models.CheckConstraint(
                condition=(Q(payment__isnull=False) & Q(credit_note__isnull=True))
                | (Q(payment__isnull=True) & Q(credit_note__isnull=False)),
                name="allocation_one_source",
            ),
        ]

    def __str__(self) -> str:
        return f"{format_euro(self.amount_cents)} -> {self.invoice_id}"
