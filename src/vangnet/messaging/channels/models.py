"""Models of messaging_channels: house style, letters waiting for print, print batches,
and inbound replies.

Letters are not printed one by one: the letter adapter renders the PDF at once (so what
was sent is fixed) and queues it; once a day ``print-batch`` seals the queue into one
merged PDF plus a CSV manifest for the print room.
"""

from __future__ import annotations

from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from vangnet.parties.models import ContactPoint, Organisation, Person

DEFAULT_PRIMARY_COLOUR = "#1f4e79"
DEFAULT_FONT = "DejaVu Sans"


class HouseStyle(models.Model):
    """How an organisation's letters look: logo, colour, font, return address, footer."""

    organisation = models.OneToOneField(
        Organisation,
        verbose_name=_("organisatie"),
        on_delete=models.CASCADE,
        related_name="house_style",
    )
    logo = models.FileField(_("logo (bestand)"), upload_to="housestyle/", blank=True)
    logo_svg = models.TextField(
        _("logo (SVG)"),
        blank=True,
        help_text=_("SVG-tekst van het logo; gaat voor op het logobestand."),
    )
    primary_colour = models.CharField(
        _("huiskleur"),
        max_length=7,
        default=DEFAULT_PRIMARY_COLOUR,
        validators=[RegexValidator(r"^#[0-9A-Fa-f]{6}$", _("Gebruik #RRGGBB."))],
    )
    font_family = models.CharField(_("lettertype"), max_length=100, default=DEFAULT_FONT)
    return_address = models.TextField(
        _("retouradres"),
        blank=True,
        help_text=_("Eén regel boven het adresvenster, bijvoorbeeld: Postbus 1, 1000 AA Stad."),
    )
    footer = models.TextField(
        _("voettekst"),
        blank=True,
        help_text=_("Contactgegevens onderaan elke pagina (telefoon, e-mail, website)."),
    )
    kvk_number = models.CharField(
        _("KvK-nummer"),
        max_length=8,
        blank=True,
        validators=[RegexValidator(r"^[0-9]{8}$", _("Een KvK-nummer heeft 8 cijfers."))],
    )
    signature_name = models.CharField(_("ondertekening"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("huisstijl")
        verbose_name_plural = _("huisstijlen")

    def __str__(self) -> str:
        return f"{self.organisation}"


class PrintBatchStatus(models.TextChoices):
    OPEN = "open", _("Open")
    SEALED = "sealed", _("Vastgezet")
    BUILT = "built", _("Klaar voor drukker")


class PrintBatch(models.Model):
    """One day's letters for the print room.

    Sealing fixes which letters belong to the batch; after that a re-run only rewrites
    the same files (same letters, same order), so nothing is ever printed twice and a
    crash between sealing and writing is repaired by running again.
    """

    batch_date = models.DateField(_("datum"), unique=True)
    status = models.CharField(
        _("status"), max_length=8, choices=PrintBatchStatus.choices, default=PrintBatchStatus.OPEN
    )
    letter_count = models.PositiveIntegerField(_("brieven"), default=0)
    page_count = models.PositiveIntegerField(_("pagina's"), default=0)
    pdf_name = models.CharField(_("PDF-bestand"), max_length=200, blank=True)
    manifest_name = models.CharField(_("manifest"), max_length=200, blank=True)
    pdf_sha256 = models.CharField(_("controlegetal PDF"), max_length=64, blank=True)
    sealed_at = models.DateTimeField(_("vastgezet op"), null=True, blank=True)
    built_at = models.DateTimeField(_("gemaakt op"), null=True, blank=True)

    class Meta:
        verbose_name = _("printbatch")
        verbose_name_plural = _("printbatches")
        ordering = ["-batch_date"]

    def __str__(self) -> str:
        return f"{self.batch_date} ({self.letter_count})"


class LetterQueueItem(models.Model):
    """One rendered letter waiting for (or printed in) a batch."""

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisatie"), on_delete=models.PROTECT
    )
    case = models.ForeignKey(
        "strategy.Case",
        verbose_name=_("dossier"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    idempotency_key = models.CharField(_("idempotentiesleutel"), max_length=128, unique=True)
    template_code = models.CharField(_("sjabloon"), max_length=64, blank=True)
    customer_number = models.CharField(_("klantnummer"), max_length=32, blank=True)
    name = models.CharField(_("naam"), max_length=200)
    postcode = models.CharField(_("postcode"), max_length=7, blank=True)
    pages = models.PositiveSmallIntegerField(_("pagina's"))
    file_name = models.CharField(_("bestand"), max_length=200)
    sha256 = models.CharField(_("controlegetal"), max_length=64)
    queued_on = models.DateField(_("in wachtrij op"))
    batch = models.ForeignKey(
        PrintBatch,
        verbose_name=_("printbatch"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="items",
    )
    sequence = models.PositiveIntegerField(_("volgnummer"), null=True, blank=True)
    created_at = models.DateTimeField(_("aangemaakt"), auto_now_add=True)

    class Meta:
        verbose_name = _("brief in wachtrij")
        verbose_name_plural = _("brieven in wachtrij")
        indexes = [
            models.Index(
                fields=["queued_on"],
                condition=models.Q(batch__isnull=True),
                name="letter_unbatched",
            )
        ]
        constraints = [
            models.UniqueConstraint(fields=["batch", "sequence"], name="letter_batch_sequence")
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.template_code} ({self.queued_on})"


class InboundChannel(models.TextChoices):
    SMS = "sms", _("SMS")
    WHATSAPP = "whatsapp", _("WhatsApp")
    EMAIL = "email", _("E-mail")


class InboundMessage(models.Model):
    """A reply from a person (SMS, WhatsApp, e-mail), matched to a person and case if we can.

    ``provider_id`` is unique: providers retry webhooks until they get a 200, so the same
    message may arrive more than once and must land once.
    """

    channel = models.CharField(_("kanaal"), max_length=16, choices=InboundChannel.choices)
    sender = models.CharField(_("van"), max_length=254)
    recipient = models.CharField(_("aan"), max_length=254, blank=True)
    subject = models.CharField(_("onderwerp"), max_length=300, blank=True)
    body = models.TextField(_("bericht"), blank=True)
    received_at = models.DateTimeField(_("ontvangen op"))
    provider_id = models.CharField(_("id bij aanbieder"), max_length=128, unique=True)
    in_reply_to = models.CharField(
        _("antwoord op"), max_length=128, blank=True, help_text=_("Kenmerk van ons bericht.")
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisatie"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )
    person = models.ForeignKey(
        Person, verbose_name=_("persoon"), null=True, blank=True, on_delete=models.SET_NULL
    )
    contact_point = models.ForeignKey(
        ContactPoint,
        verbose_name=_("contactgegeven"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )
    case = models.ForeignKey(
        "strategy.Case",
        verbose_name=_("dossier"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    match_note = models.CharField(_("koppeling"), max_length=200, blank=True)
    task = models.ForeignKey(
        "workspace.Task",
        verbose_name=_("taak"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("vastgelegd op"), auto_now_add=True)

    class Meta:
        verbose_name = _("ontvangen bericht")
        verbose_name_plural = _("ontvangen berichten")
        ordering = ["-received_at"]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} {self.sender} {self.received_at:%Y-%m-%d %H:%M}"
