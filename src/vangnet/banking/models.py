"""Imported bank statements, their entries and what reconciliation made of them.

Every entry of every imported statement is kept (also debits and entries that could
not be matched), keyed by ``entry_key`` unique per organisation, so importing the same
file twice changes nothing and the unmatched queue is simply a status filter.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from vangnet.banking.constants import Direction, EntryStatus, MatchRule, StatementFormat
from vangnet.core.money import format_euro
from vangnet.ledger.models import Account, Invoice, Payment
from vangnet.parties.models import Organisation


class Statement(models.Model):
    """One statement (a CAMT ``Stmt`` or an MT940 ``:20:`` block) of one bank account."""

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisatie"), on_delete=models.PROTECT
    )
    account_iban = models.CharField(_("rekening"), max_length=34)
    statement_id = models.CharField(_("afschriftnummer"), max_length=128)
    format = models.CharField(_("formaat"), max_length=8, choices=StatementFormat.choices)
    version = models.CharField(_("versie"), max_length=32, blank=True)
    file_name = models.CharField(_("bestandsnaam"), max_length=255, blank=True)
    file_hash = models.CharField(_("SHA-256 van het bestand"), max_length=64)
    imported_at = models.DateTimeField(_("ingelezen op"), auto_now_add=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ingelezen door"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    entry_count = models.PositiveIntegerField(_("posten"), default=0)
    matched_count = models.PositiveIntegerField(_("gekoppeld"), default=0)
    unmatched_count = models.PositiveIntegerField(_("niet gekoppeld"), default=0)
    returned_count = models.PositiveIntegerField(_("gestorneerd"), default=0)
    ignored_count = models.PositiveIntegerField(_("genegeerd"), default=0)

    class Meta:
        verbose_name = _("bankafschrift")
        verbose_name_plural = _("bankafschriften")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "account_iban", "statement_id"],
                name="statement_unique_per_account",
            )
        ]

    def __str__(self) -> str:
        return f"{self.account_iban} {self.statement_id}"


class StatementEntry(models.Model):
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisatie"), on_delete=models.PROTECT
    )
    statement = models.ForeignKey(
        Statement, verbose_name=_("afschrift"), on_delete=models.PROTECT, related_name="entries"
    )
    entry_key = models.CharField(_("postsleutel"), max_length=64)
    position = models.CharField(_("plaats in bestand"), max_length=64, blank=True)
    amount_cents = models.BigIntegerField(_("bedrag (centen)"))
    direction = models.CharField(_("richting"), max_length=8, choices=Direction.choices)
    booking_date = models.DateField(_("boekdatum"), null=True, blank=True)
    value_date = models.DateField(_("valutadatum"), null=True, blank=True)
    account_servicer_reference = models.CharField(_("bankreferentie"), max_length=64, blank=True)
    end_to_end_id = models.CharField(_("end-to-end-ID"), max_length=64, blank=True)
    mandate_id = models.CharField(_("machtigingskenmerk"), max_length=64, blank=True)
    creditor_reference = models.CharField(_("betalingskenmerk"), max_length=64, blank=True)
    remittance = models.CharField(_("omschrijving"), max_length=500, blank=True)
    party_name = models.CharField(_("naam tegenpartij"), max_length=140, blank=True)
    party_iban = models.CharField(_("IBAN tegenpartij"), max_length=34, blank=True)
    bank_code = models.CharField(_("transactiecode"), max_length=35, blank=True)
    return_reason = models.CharField(_("stornoreden"), max_length=8, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=EntryStatus.choices, default=EntryStatus.UNMATCHED
    )
    account = models.ForeignKey(
        Account,
        verbose_name=_("contract"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="statement_entries",
    )
    invoice = models.ForeignKey(
        Invoice,
        verbose_name=_("factuur"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="statement_entries",
    )
    payment = models.ForeignKey(
        Payment,
        verbose_name=_("betaling"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="statement_entries",
    )
    match_rule = models.CharField(
        _("koppelregel"), max_length=16, choices=MatchRule.choices, blank=True
    )
    confidence = models.PositiveSmallIntegerField(_("zekerheid (%)"), null=True, blank=True)
    note = models.CharField(_("toelichting"), max_length=200, blank=True)
    return_registered_at = models.DateTimeField(_("storno verwerkt op"), null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("afgehandeld door"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    handled_at = models.DateTimeField(_("afgehandeld op"), null=True, blank=True)
    created_at = models.DateTimeField(_("aangemaakt"), auto_now_add=True)

    class Meta:
        verbose_name = _("bankpost")
        verbose_name_plural = _("bankposten")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "entry_key"], name="statement_entry_key_unique"
            ),
            models.CheckConstraint(
                condition=Q(amount_cents__gte=0), name="statement_entry_amount_not_negative"
            ),
        ]
        indexes = [
            models.Index(
                fields=["organisation", "booking_date"],
                condition=Q(status="unmatched"),
                name="statement_entry_unmatched",
            ),
            models.Index(
                fields=["organisation"],
                condition=Q(status="returned", return_registered_at__isnull=True),
                name="statement_entry_return_open",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.booking_date} {format_euro(self.amount_cents)} {self.party_name}"


class KnownPayerIban(models.Model):
    """An IBAN staff confirmed as paying for an account ("remember this IBAN").

    Reconciliation rule 4 also learns IBANs from earlier payments; this table holds the
    ones a person vouched for, including IBANs of relatives or a budget coach.
    """

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisatie"), on_delete=models.PROTECT
    )
    iban = models.CharField(_("IBAN"), max_length=34)
    account = models.ForeignKey(
        Account, verbose_name=_("contract"), on_delete=models.CASCADE, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("vastgelegd door"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("vastgelegd op"), auto_now_add=True)

    class Meta:
        verbose_name = _("bekend IBAN")
        verbose_name_plural = _("bekende IBAN's")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "iban", "account"], name="known_payer_iban_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.iban} → {self.account_id}"
