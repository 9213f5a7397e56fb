"""Outgoing early signals (vroegsignalen) and where each municipality wants them.

An ``OutgoingSignal`` keeps the gate's decision *with its evidence* (reminder dates and
what they said, contact attempts, the data-sharing offer, no objection, the window), so
an auditor or the municipality can see why we were allowed to signal — or why not.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from vangnet.signals.outgoing.constants import (
    CloseReason,
    DeliveryMethod,
    Feedback,
    SignalKind,
    SignalStatus,
    WireEvent,
)


class MunicipalityEndpoint(models.Model):
    """Per gemeentecode: minimum amount, how signals go there, and the shared key.

    ``secret_hash`` is the SHA-256 hex of the secret the municipality issued; it is the
    HMAC key both sides use (docs/signal-exchange.md), so treat it like a password.
    """

    code = models.CharField(_("gemeentecode"), max_length=4, unique=True)
    name = models.CharField(_("gemeente"), max_length=100)
    threshold_cents = models.PositiveIntegerField(
        _("minimumbedrag (centen)"),
        default=7500,
        help_text=_("Onder dit bedrag sturen we geen signaal."),
    )
    method = models.CharField(
        _("verzendwijze"), max_length=8, choices=DeliveryMethod.choices, default=DeliveryMethod.API
    )
    url = models.URLField(_("adres van de API"), blank=True)
    key_id = models.CharField(_("sleutel-id"), max_length=64, blank=True, db_index=True)
    secret_hash = models.CharField(_("sleutel (hash)"), max_length=64, blank=True)
    contact = models.CharField(_("contactpersoon gemeente"), max_length=200, blank=True)
    creditor_contact = models.CharField(
        _("ons contact voor de gemeente"), max_length=200, blank=True
    )
    active = models.BooleanField(_("actief"), default=True)

    class Meta:
        verbose_name = _("gemeente (vroegsignalen)")
        verbose_name_plural = _("gemeenten (vroegsignalen)")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class OutgoingSignal(models.Model):
    """One signal about one case to one municipality, and its life after sending."""

    public_id = models.UUIDField(_("signaal-ID"), default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        "parties.Organisation", verbose_name=_("organisatie"), on_delete=models.PROTECT
    )
    case = models.ForeignKey(
        "strategy.Case",
        verbose_name=_("dossier"),
        on_delete=models.PROTECT,
        related_name="outgoing_signals",
    )
    account = models.ForeignKey(
        "ledger.Account", verbose_name=_("contract"), on_delete=models.PROTECT, related_name="+"
    )
    action = models.OneToOneField(
        "strategy.Action",
        verbose_name=_("actie"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="outgoing_signal",
    )
    kind = models.CharField(
        _("soort"), max_length=16, choices=SignalKind.choices, default=SignalKind.JOURNEY
    )
    endpoint = models.ForeignKey(
        MunicipalityEndpoint,
        verbose_name=_("gemeente"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="signals",
    )
    municipality_code = models.CharField(_("gemeentecode"), max_length=4, blank=True)
    municipality_name = models.CharField(_("gemeente"), max_length=100, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=SignalStatus.choices)
    pending_event = models.CharField(
        _("te versturen"), max_length=8, choices=WireEvent.choices, blank=True, default=""
    )
    reason_codes = models.JSONField(_("redencodes"), default=list, blank=True)
    evidence = models.JSONField(_("bewijs"), default=dict, blank=True)
    amount_cents = models.BigIntegerField(_("bedrag (centen)"))
    sent_amount_cents = models.BigIntegerField(
        _("verzonden bedrag (centen)"), null=True, blank=True
    )
    arose_on = models.DateField(_("ontstaansdatum"), null=True, blank=True)
    signalled_on = models.DateField(_("signaaldatum"))
    crisis = models.BooleanField(_("crisissignaal"), default=False)
    warm_handover = models.BooleanField(_("warme overdracht"), default=False)
    end_of_supply_on = models.DateField(_("einde levering"), null=True, blank=True)
    close_reason = models.CharField(
        _("reden afsluiten"), max_length=12, choices=CloseReason.choices, blank=True
    )
    note = models.CharField(_("notitie"), max_length=300, blank=True)
    consent_recorded_at = models.DateTimeField(_("toestemming vastgelegd"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("pogingen"), default=0)
    next_attempt_at = models.DateTimeField(_("volgende poging"), null=True, blank=True)
    last_error = models.CharField(_("laatste fout"), max_length=300, blank=True)
    sent_at = models.DateTimeField(_("verzonden op"), null=True, blank=True)
    ack_id = models.CharField(_("ontvangst-ID"), max_length=100, blank=True)
    acknowledged_at = models.DateTimeField(_("ontvangen op"), null=True, blank=True)
    feedback = models.CharField(
        _("terugmelding"), max_length=16, choices=Feedback.choices, blank=True
    )
    feedback_on = models.DateField(_("terugmelding op"), null=True, blank=True)
    created_at = models.DateTimeField(_("aangemaakt"), auto_now_add=True)
    updated_at = models.DateTimeField(_("gewijzigd"), auto_now=True)

    class Meta:
        verbose_name = _("vroegsignaal (uitgaand)")
        verbose_name_plural = _("vroegsignalen (uitgaand)")
        ordering = ["-signalled_on", "-pk"]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=~Q(pending_event=""),
                name="outsignal_pending",
            ),
            models.Index(fields=["organisation", "status"], name="outsignal_org_status"),
        ]

    def __str__(self) -> str:
        return f"{_('Vroegsignaal')} {self.public_id} ({self.get_status_display()})"

    @property
    def wire_id(self) -> str:
        """The ``id`` we send: stable, unguessable, without personal data."""
        return str(self.public_id)
