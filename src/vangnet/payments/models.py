"""Payment links, the provider payments started from them, and their event log.

A ``PaymentLink`` is what a person opens from an e-mail or SMS; each attempt to pay is a
``ProviderPayment`` at a provider (Mollie, or the built-in test provider). Money is
integer cents; the provider's own amount string is only read and written at the edge.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from vangnet.core.money import format_euro
from vangnet.ledger.models import Account, Customer, Payment
from vangnet.parties.models import Organisation
from vangnet.payments.constants import LinkEventKind, LinkStatus, ProviderStatus


class PaymentLink(models.Model):
    """One pay page for one account; ``amount_cents`` empty means "whatever is open"."""

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisatie"), on_delete=models.PROTECT
    )
    account = models.ForeignKey(
        Account, verbose_name=_("contract"), on_delete=models.PROTECT, related_name="payment_links"
    )
    customer = models.ForeignKey(
        Customer, verbose_name=_("klant"), on_delete=models.PROTECT, related_name="+"
    )
    token = models.CharField(_("sleutel"), max_length=64, unique=True)
    amount_cents = models.BigIntegerField(
        _("gevraagd bedrag (centen)"),
        null=True,
        blank=True,
        help_text=_("Leeg: het openstaande saldo van het contract."),
    )
    min_amount_cents = models.BigIntegerField(_("minimaal deelbedrag (centen)"))
    paid_cents = models.BigIntegerField(_("betaald (centen)"), default=0)
    status = models.CharField(
        _("status"), max_length=16, choices=LinkStatus.choices, default=LinkStatus.OPEN
    )
    expires_at = models.DateTimeField(_("verloopt op"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("aangemaakt door"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("aangemaakt"), auto_now_add=True)
    updated_at = models.DateTimeField(_("gewijzigd"), auto_now=True)

    class Meta:
        verbose_name = _("betaallink")
        verbose_name_plural = _("betaallinks")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["account", "status"], name="paylink_account_status"),
            models.Index(
                fields=["organisation", "status", "-created_at"], name="paylink_org_status"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_cents__isnull=True) | Q(amount_cents__gt=0),
                name="paylink_amount_positive",
            ),
            models.CheckConstraint(
                condition=Q(min_amount_cents__gt=0), name="paylink_min_amount_positive"
            ),
        ]

    def __str__(self) -> str:
        amount = format_euro(self.amount_cents) if self.amount_cents else _("open saldo")
        return f"{self.account} {amount} ({self.get_status_display()})"


class ProviderPayment(models.Model):
    """One attempt to pay at a provider; keeps only what reconciliation needs.

    No card or bank details are stored: ``raw`` holds the provider's status, amount, method
    and timestamps of the last fetch, nothing about the payer.
    """

    link = models.ForeignKey(
        PaymentLink,
        verbose_name=_("betaallink"),
        on_delete=models.PROTECT,
        related_name="provider_payments",
    )
    provider = models.CharField(_("provider"), max_length=32)
    provider_payment_id = models.CharField(
        _("betaling-id bij provider"), max_length=64, blank=True, default=""
    )
    amount_cents = models.BigIntegerField(_("bedrag (centen)"))
    status = models.CharField(
        _("status"), max_length=16, choices=ProviderStatus.choices, default=ProviderStatus.CREATED
    )
    checkout_url = models.URLField(_("betaalpagina"), max_length=500, blank=True)
    idempotency_key = models.CharField(_("idempotentiesleutel"), max_length=64, unique=True)
    error = models.CharField(_("foutmelding"), max_length=300, blank=True)
    paid_at = models.DateTimeField(_("betaald op"), null=True, blank=True)
    ledger_payment = models.ForeignKey(
        Payment,
        verbose_name=_("geboekte betaling"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    raw = models.JSONField(_("laatste status bij provider"), default=dict, blank=True)
    created_at = models.DateTimeField(_("aangemaakt"), auto_now_add=True)
    updated_at = models.DateTimeField(_("gewijzigd"), auto_now=True)

    class Meta:
        verbose_name = _("providerbetaling")
        verbose_name_plural = _("providerbetalingen")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "provider_payment_id"],
                condition=~Q(provider_payment_id=""),
                name="providerpayment_unique_id",
            ),
            models.CheckConstraint(
                condition=Q(amount_cents__gt=0), name="providerpayment_amount_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.provider} {self.provider_payment_id or '-'} {format_euro(self.amount_cents)}"


class PaymentLinkEvent(models.Model):
    """Append-only log of what happened to a link (started, paid, refused …)."""

    link = models.ForeignKey(
        PaymentLink, verbose_name=_("betaallink"), on_delete=models.CASCADE, related_name="events"
    )
    provider_payment = models.ForeignKey(
        ProviderPayment,
        verbose_name=_("providerbetaling"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="events",
    )
    kind = models.CharField(_("soort"), max_length=16, choices=LinkEventKind.choices)
    text = models.CharField(_("omschrijving"), max_length=300, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)
    at = models.DateTimeField(_("tijdstip"), auto_now_add=True)

    class Meta:
        verbose_name = _("betaallinkgebeurtenis")
        verbose_name_plural = _("betaallinkgebeurtenissen")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.kind}"


class TestProviderPayment(models.Model):
    """The built-in test provider's own side (what Mollie keeps in its database).

    Kept apart from ``ProviderPayment`` so the demo goes through the same path as a real
    provider: create, checkout page, notification, fetch.
    """

    __test__ = False  # not a pytest test class

    payment_id = models.CharField(_("betaling-id"), max_length=40, unique=True)
    amount_cents = models.BigIntegerField(_("bedrag (centen)"))
    description = models.CharField(_("omschrijving"), max_length=255, blank=True)
    status = models.CharField(_("status"), max_length=16, default=ProviderStatus.OPEN)
    redirect_url = models.URLField(_("terug-URL"), max_length=500)
    webhook_url = models.URLField(_("webhook-URL"), max_length=500, blank=True)
    idempotency_key = models.CharField(_("idempotentiesleutel"), max_length=64, unique=True)
    metadata = models.JSONField(_("metadata"), default=dict, blank=True)
    paid_at = models.DateTimeField(_("betaald op"), null=True, blank=True)
    created_at = models.DateTimeField(_("aangemaakt"), auto_now_add=True)

    class Meta:
        verbose_name = _("testbetaling")
        verbose_name_plural = _("testbetalingen")

    def __str__(self) -> str:
        return self.payment_id
