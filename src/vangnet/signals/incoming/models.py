"""Signals received from creditors, the meldingen they bundle into, and contact attempts.

Data minimisation (DOMAIN.md "Signal content"): a signal stores only what the law and the
covenant let a creditor send — contact details, amount, customer number, initials,
surname, date of birth, address, the date the arrears arose and a creditor contact. No
BSN is received; the BSN is only known once a staff member has checked the BRP.
Everything here has a ``purge_after`` date (see ``privacy.py``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from vangnet.signals import ddas
from vangnet.signals.incoming.constants import (
    CONTACT_KIND_CHOICES,
    DAY_PART_CHOICES,
    PARTNER_TYPE_CHOICES,
    RESULT_CHOICES,
    SIGNAL_STATUS_CHOICES,
    STATUS_NEW,
    FeedbackEvent,
    FeedbackStatus,
    MeldingStatus,
)


class SignalPartner(models.Model):
    """An organisation that sends us signals, authenticated by HMAC (docs/signal-exchange.md).

    ``secret_hash`` is SHA-256 of the secret issued once to the partner; both sides use
    that digest as the HMAC key, so the issued secret itself is never stored. The digest
    can still sign requests: treat this column like a password.
    """

    name = models.CharField(_("naam"), max_length=200)
    partner_type = models.CharField(
        _("soort signaalpartner"), max_length=32, choices=PARTNER_TYPE_CHOICES
    )
    key_id = models.SlugField(_("sleutel-id"), max_length=64, unique=True)
    secret_hash = models.CharField(_("sleutel (hash)"), max_length=64)
    feedback_url = models.URLField(_("terugmeld-URL"), blank=True)
    active = models.BooleanField(_("actief"), default=True)
    created_at = models.DateTimeField(_("aangemaakt"), auto_now_add=True)

    class Meta:
        verbose_name = _("signaalpartner")
        verbose_name_plural = _("signaalpartners")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Melding(models.Model):
    """A Vroegsignaalzaak: the signals at one address in one month (bundling.py)."""

    municipality_code = models.CharField(_("gemeentecode"), max_length=6)
    address_key = models.CharField(_("adressleutel"), max_length=40)
    month = models.DateField(_("maand"))
    multiple = models.BooleanField(_("meervoudig"), default=False)
    consecutive = models.BooleanField(_("opeenvolgend"), default=False)
    crisis = models.BooleanField(_("crisis"), default=False)
    status = models.CharField(
        _("status"), max_length=12, choices=MeldingStatus.choices, default=MeldingStatus.NEW
    )
    result = models.CharField(_("resultaat"), max_length=32, choices=RESULT_CHOICES, blank=True)
    person = models.ForeignKey(
        "parties.Person",
        verbose_name=_("inwoner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    matched_on = models.DateField(_("matchingsdatum"))
    picked_up_on = models.DateField(_("opgepakt op"), null=True, blank=True)
    first_contact_due = models.DateField(_("eerste contact uiterlijk"), null=True, blank=True)
    assigned_team = models.CharField(_("team"), max_length=100, blank=True)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("behandelaar"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    brp_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("BRP gecontroleerd door"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    brp_confirmed_at = models.DateTimeField(_("BRP gecontroleerd op"), null=True, blank=True)
    segment = models.CharField(_("route"), max_length=16, blank=True)
    outreach_step = models.PositiveSmallIntegerField(_("stap"), default=0)
    outreach_next_on = models.DateField(_("volgende stap op"), null=True, blank=True)
    help_accepted_on = models.DateField(_("hulp aanvaard op"), null=True, blank=True)
    referral = models.CharField(_("verwijzing"), max_length=200, blank=True)
    closed_on = models.DateField(_("afgesloten op"), null=True, blank=True)
    purge_after = models.DateField(_("verwijderen na"), null=True, blank=True)
    created_at = models.DateTimeField(_("aangemaakt"), auto_now_add=True)

    class Meta:
        verbose_name = _("melding")
        verbose_name_plural = _("meldingen")
        ordering = ["-month", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality_code", "address_key", "month"], name="melding_per_address"
            )
        ]
        indexes = [
            models.Index(fields=["status", "outreach_next_on"], name="melding_outreach_due"),
            models.Index(fields=["purge_after"], name="melding_purge"),
        ]

    def __str__(self) -> str:
        return f"{_('Melding')} {self.pk} ({self.month:%m-%Y})"


class IncomingSignal(models.Model):
    """One vroegsignaal as received (DDAS ``Vroegsignaal``), idempotent per partner and ID."""

    partner = models.ForeignKey(
        SignalPartner, verbose_name=_("signaalpartner"), on_delete=models.PROTECT
    )
    external_id = models.CharField(_("ID bij de partner"), max_length=100)
    events = models.JSONField(_("gebeurtenissen"), default=list, blank=True)
    received_at = models.DateTimeField(_("ontvangen op"))
    municipality_code = models.CharField(_("gemeentecode"), max_length=6, blank=True)
    crisis = models.BooleanField(_("crisissignaal"), default=False)
    warm_handover = models.BooleanField(_("warme overdracht"), default=False)
    amount_cents = models.BigIntegerField(_("bedrag (cent)"))
    arose_on = models.DateField(_("ontstaansdatum"), null=True, blank=True)
    signalled_on = models.DateField(_("signaaldatum"))
    end_of_supply_on = models.DateField(_("einde levering"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=64, choices=SIGNAL_STATUS_CHOICES, default=STATUS_NEW
    )
    closed_by_partner_on = models.DateField(_("ingetrokken door partner"), null=True, blank=True)
    # Client: only what the law allows (DOMAIN.md "Signal content").
    customer_number = models.CharField(_("klantnummer"), max_length=64, blank=True)
    initials = models.CharField(_("voorletters"), max_length=20, blank=True)
    prefix = models.CharField(_("tussenvoegsel"), max_length=20, blank=True)
    surname = models.CharField(_("achternaam"), max_length=200)
    date_of_birth = models.DateField(_("geboortedatum"), null=True, blank=True)
    street = models.CharField(_("straat"), max_length=200, blank=True)
    house_number = models.CharField(_("huisnummer"), max_length=8)
    house_number_suffix = models.CharField(_("toevoeging"), max_length=16, blank=True)
    postcode = models.CharField(_("postcode"), max_length=7)
    city = models.CharField(_("woonplaats"), max_length=100, blank=True)
    phone = models.CharField(_("telefoon"), max_length=20, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    creditor_contact = models.CharField(_("contact bij de schuldeiser"), max_length=200, blank=True)
    address_key = models.CharField(_("adressleutel"), max_length=40, db_index=True)
    person = models.ForeignKey(
        "parties.Person",
        verbose_name=_("inwoner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    match_method = models.CharField(_("gematcht op"), max_length=20, blank=True)
    match_score = models.DecimalField(
        _("matchscore"), max_digits=5, decimal_places=4, null=True, blank=True
    )
    melding = models.ForeignKey(
        Melding,
        verbose_name=_("melding"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="signals",
    )
    processed_at = models.DateTimeField(_("verwerkt op"), null=True, blank=True)
    purge_after = models.DateField(_("verwijderen na"), null=True, blank=True)

    class Meta:
        verbose_name = _("vroegsignaal")
        verbose_name_plural = _("vroegsignalen")
        ordering = ["-received_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "external_id"], name="incomingsignal_unique_per_partner"
            )
        ]
        indexes = [
            models.Index(
                fields=["received_at"],
                condition=models.Q(processed_at__isnull=True),
                name="signal_unprocessed",
            ),
            models.Index(fields=["purge_after"], name="signal_purge"),
        ]

    def __str__(self) -> str:
        return f"{self.partner_id}/{self.external_id}"

    @property
    def partner_type(self) -> str:
        return self.partner.partner_type

    @property
    def amount_display(self) -> str:
        from decimal import Decimal

        from vangnet.rules.text import eur_nl

        return eur_nl(Decimal(self.amount_cents) / 100)


class ContactAttempt(models.Model):
    """A DDAS ``Contactpoging``; ``source_key`` makes recording a message or task idempotent."""

    melding = models.ForeignKey(
        Melding, verbose_name=_("melding"), on_delete=models.CASCADE, related_name="attempts"
    )
    kind = models.CharField(_("soort"), max_length=16, choices=CONTACT_KIND_CHOICES)
    reached = models.BooleanField(_("bereikt"))
    at = models.DateTimeField(_("moment"))
    day_part = models.CharField(_("dagdeel"), max_length=8, choices=DAY_PART_CHOICES)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("door"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.TextField(_("notitie"), blank=True)
    source_key = models.CharField(_("bron"), max_length=64, null=True, blank=True, unique=True)

    class Meta:
        verbose_name = _("contactpoging")
        verbose_name_plural = _("contactpogingen")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.kind} {self.at:%d-%m-%Y}"

    def save(self, *args, **kwargs) -> None:
        from django.utils import timezone

        self.day_part = ddas.day_part(timezone.localtime(self.at))
        super().save(*args, **kwargs)


class MeldingTask(models.Model):
    """Links a workspace task (call, visit, call-back) to its melding.

    ``workspace.Task`` has no melding field; this table is the link, so a task's outcome
    becomes a contact attempt on the right melding.
    """

    melding = models.ForeignKey(Melding, on_delete=models.CASCADE, related_name="task_links")
    task = models.OneToOneField("workspace.Task", on_delete=models.CASCADE, related_name="+")
    step = models.CharField(max_length=32, blank=True)

    class Meta:
        verbose_name = _("taak bij melding")
        verbose_name_plural = _("taken bij meldingen")

    def __str__(self) -> str:
        return f"{self.melding_id}/{self.task_id}"


class PartnerFeedback(models.Model):
    """Feedback to the creditor, one per signal and event; sent HMAC-signed, retried."""

    partner = models.ForeignKey(SignalPartner, on_delete=models.CASCADE)
    signal = models.ForeignKey(
        IncomingSignal, null=True, on_delete=models.SET_NULL, related_name="feedback"
    )
    external_id = models.CharField(max_length=100)
    event = models.CharField(max_length=16, choices=FeedbackEvent.choices)
    on = models.DateField()
    status = models.CharField(
        max_length=8, choices=FeedbackStatus.choices, default=FeedbackStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("terugmelding")
        verbose_name_plural = _("terugmeldingen")
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "external_id", "event"], name="feedback_once_per_event"
            )
        ]

    def __str__(self) -> str:
        return f"{self.external_id}: {self.event}"
