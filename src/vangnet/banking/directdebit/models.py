"""Creditor settings, mandates, collections and the batches sent to the bank.

Money is integer cents. A collection is one debit of one mandate on one date; the
``Batch`` is one pain.008 file. A collection is exported at most once: its status moves
scheduled -> exported -> settled (or returned / cancelled) and the export only takes
``scheduled`` rows, under a row lock.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from vangnet.banking.directdebit import validation
from vangnet.banking.directdebit.constants import (
    ACTIVE_COLLECTION,
    DEFAULT_PRENOTIFICATION_DAYS,
    DEFAULT_REPRESENT_MIN_DAYS,
    DEFAULT_SCHEMA,
    MAX_COLLECTION_DAY,
    SCHEMAS,
    CollectionStatus,
    MandateChannel,
    MandateStatus,
    SequenceType,
    default_collection_days,
    default_return_policy,
)
from vangnet.core.errors import Invalid
from vangnet.core.money import format_euro
from vangnet.ledger.models import Account, Invoice, Payment
from vangnet.parties.models import Organisation


def _django(fn, value) -> None:
    try:
        fn(value)
    except Invalid as exc:
        raise ValidationError(exc.nl, code=exc.code) from exc


def validate_creditor_id(value: str) -> None:
    _django(validation.creditor_id_normalise, value)


def validate_iban(value: str) -> None:
    _django(validation.iban_normalise, value)


def validate_collection_days(value: object) -> None:
    if (
        not isinstance(value, list)
        or not value
        or not all(isinstance(d, int) and 1 <= d <= MAX_COLLECTION_DAY for d in value)
        or len(set(value)) != len(value)
    ):
        raise ValidationError(
            _("Geef een of meer verschillende incassodagen tussen 1 en %(max)s."),
            code="collection_days",
            params={"max": MAX_COLLECTION_DAY},
        )


class DirectDebitProfile(models.Model):
    """A creditor's direct-debit contract with its bank and its collection policy."""

    organisation = models.OneToOneField(
        Organisation,
        verbose_name=_("organisatie"),
        on_delete=models.CASCADE,
        related_name="direct_debit_profile",
    )
    creditor_id = models.CharField(
        _("incassant-ID"), max_length=35, validators=[validate_creditor_id]
    )
    creditor_name = models.CharField(_("naam incassant"), max_length=70)
    iban = models.CharField(_("IBAN incassant"), max_length=34, validators=[validate_iban])
    bic = models.CharField(_("BIC incassant"), max_length=11, blank=True)
    collection_days = models.JSONField(
        _("incassodagen"),
        default=default_collection_days,
        validators=[validate_collection_days],
        help_text=_("Dagen van de maand waaruit de klant kiest (DOMAIN.md: 1, 8, 15, 22)."),
    )
    prenotification_days = models.PositiveSmallIntegerField(
        _("vooraankondiging (dagen)"),
        default=DEFAULT_PRENOTIFICATION_DAYS,
        help_text=_("Zoveel dagen voor de incasso krijgt de klant bericht."),
    )
    represent_min_days = models.PositiveSmallIntegerField(
        _("wachttijd opnieuw incasseren (dagen)"),
        default=DEFAULT_REPRESENT_MIN_DAYS,
        help_text=_("Opnieuw incasseren op de eerstvolgende incassodag na minstens zoveel dagen."),
    )
    return_policy = models.JSONField(
        _("beleid bij storneringen"),
        default=default_return_policy,
        blank=True,
        help_text=_('Per redencode: {"follow_up": …, "signal": …}; "*" geldt voor de rest.'),
    )
    schema = models.CharField(
        _("pain.008-versie"),
        max_length=20,
        choices=[(s, s) for s in SCHEMAS],
        default=DEFAULT_SCHEMA,
    )
    updated_at = models.DateTimeField(_("gewijzigd"), auto_now=True)

    class Meta:
        verbose_name = _("incasso-instellingen")
        verbose_name_plural = _("incasso-instellingen")

    def __str__(self) -> str:
        return f"{self.creditor_name} ({self.creditor_id})"

    def clean(self) -> None:
        if self.bic and not self.bic.strip():
            self.bic = ""
        try:
            if self.bic:
                self.bic = validation.bic_normalise(self.bic)
        except Invalid as exc:
            raise ValidationError({"bic": exc.nl}) from exc
        if self.schema == "pain.008.001.02" and not self.bic:
            raise ValidationError({"bic": _("pain.008.001.02 vraagt een BIC van de incassant.")})


class Mandate(models.Model):
    """A customer's SEPA Core mandate for one account, with the chosen collection day."""

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisatie"), on_delete=models.PROTECT
    )
    account = models.ForeignKey(
        Account, verbose_name=_("contract"), on_delete=models.PROTECT, related_name="mandates"
    )
    reference = models.CharField(_("machtigingskenmerk"), max_length=35)
    debtor_name = models.CharField(_("naam rekeninghouder"), max_length=70)
    iban = models.CharField(_("IBAN"), max_length=34)
    bic = models.CharField(_("BIC"), max_length=11, blank=True)
    signed_on = models.DateField(_("getekend op"))
    channel = models.CharField(_("getekend via"), max_length=8, choices=MandateChannel.choices)
    collection_day = models.PositiveSmallIntegerField(_("incassodag"))
    sequence_type = models.CharField(
        _("volgorde"),
        max_length=4,
        choices=SequenceType.choices,
        default=SequenceType.FIRST,
        help_text=_("FRST tot de eerste geslaagde incasso, daarna RCUR."),
    )
    status = models.CharField(
        _("status"), max_length=8, choices=MandateStatus.choices, default=MandateStatus.ACTIVE
    )
    status_reason = models.CharField(_("reden status"), max_length=200, blank=True)
    revoked_on = models.DateField(_("beëindigd op"), null=True, blank=True)
    last_collected_on = models.DateField(_("laatste incasso"), null=True, blank=True)
    created_at = models.DateTimeField(_("aangemaakt"), auto_now_add=True)
    updated_at = models.DateTimeField(_("gewijzigd"), auto_now=True)

    class Meta:
        verbose_name = _("machtiging")
        verbose_name_plural = _("machtigingen")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "reference"], name="mandate_reference_unique"
            ),
            # One active mandate per account: collections know which account to debit.
            models.UniqueConstraint(
                fields=["account"],
                condition=Q(status="active"),
                name="mandate_one_active_per_account",
            ),
        ]
        indexes = [models.Index(fields=["organisation", "status"], name="mandate_org_status")]

    def __str__(self) -> str:
        return self.reference


class Batch(models.Model):
    """One pain.008 message sent to the bank; the XML is kept (gzip) for download."""

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisatie"), on_delete=models.PROTECT
    )
    message_id = models.CharField(_("berichtkenmerk"), max_length=35, unique=True)
    collection_date = models.DateField(_("incassodatum"))
    schema = models.CharField(_("pain.008-versie"), max_length=20)
    file_name = models.CharField(_("bestand"), max_length=500)
    count = models.PositiveIntegerField(_("aantal"))
    total_cents = models.BigIntegerField(_("totaal (centen)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    content_gz = models.BinaryField(_("inhoud (gzip)"))
    created_at = models.DateTimeField(_("aangemaakt"), auto_now_add=True)

    class Meta:
        verbose_name = _("incassobestand")
        verbose_name_plural = _("incassobestanden")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.message_id} ({self.count}, {format_euro(self.total_cents)})"


class Collection(models.Model):
    """One debit of a mandate on a collection date, for an invoice or another reference.

    ``reference`` says what is collected (an invoice number, or e.g. a payment-plan
    instalment id); at most one scheduled or exported collection per reference and per
    invoice exists, so scheduling twice is harmless.
    """

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisatie"), on_delete=models.PROTECT
    )
    # CASCADE: mandates are never deleted by the application (they are revoked); only a
    # purge of an organisation's data (the simulator's reload) removes both.
    mandate = models.ForeignKey(
        Mandate, verbose_name=_("machtiging"), on_delete=models.CASCADE, related_name="collections"
    )
    account = models.ForeignKey(
        Account, verbose_name=_("contract"), on_delete=models.PROTECT, related_name="+"
    )
    invoice = models.ForeignKey(
        Invoice,
        verbose_name=_("factuur"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reference = models.CharField(_("kenmerk"), max_length=64)
    remittance = models.CharField(_("omschrijving"), max_length=140)
    amount_cents = models.BigIntegerField(_("bedrag (centen)"))
    collection_date = models.DateField(_("incassodatum"))
    sequence_type = models.CharField(
        _("volgorde"), max_length=4, choices=SequenceType.choices, blank=True
    )
    end_to_end_id = models.CharField(_("end-to-end-ID"), max_length=35, unique=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=CollectionStatus.choices,
        default=CollectionStatus.SCHEDULED,
    )
    batch = models.ForeignKey(
        Batch,
        verbose_name=_("incassobestand"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="collections",
    )
    represents = models.ForeignKey(
        "self",
        verbose_name=_("herhaling van"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="representments",
    )
    prenotified_at = models.DateTimeField(_("vooraangekondigd op"), null=True, blank=True)
    payment = models.ForeignKey(
        Payment,
        verbose_name=_("betaling"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    settled_on = models.DateField(_("afgeschreven op"), null=True, blank=True)
    returned_on = models.DateField(_("gestorneerd op"), null=True, blank=True)
    return_reason = models.CharField(_("stornoreden"), max_length=4, blank=True)
    return_source = models.CharField(_("bron storno"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("aangemaakt"), auto_now_add=True)

    class Meta:
        verbose_name = _("incasso")
        verbose_name_plural = _("incasso's")
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_cents__gt=0), name="collection_amount_positive"
            ),
            models.UniqueConstraint(
                fields=["organisation", "reference"],
                condition=Q(status__in=[s.value for s in ACTIVE_COLLECTION]),
                name="collection_one_active_per_reference",
            ),
            models.UniqueConstraint(
                fields=["invoice"],
                condition=Q(status__in=[s.value for s in ACTIVE_COLLECTION])
                & Q(invoice__isnull=False),
                name="collection_one_active_per_invoice",
            ),
        ]
        indexes = [
            models.Index(
                fields=["organisation", "status", "collection_date"],
                name="collection_org_status_date",
            ),
            models.Index(fields=["mandate", "status"], name="collection_mandate_status"),
        ]

    def __str__(self) -> str:
        return f"{self.end_to_end_id} {format_euro(self.amount_cents)} {self.collection_date}"
