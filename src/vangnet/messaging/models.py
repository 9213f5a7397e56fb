"""The transactional outbox: one row per message to deliver, and its delivery events.

A row holds the rendered content verbatim (what the person got is what staff see, even
after the template changes) and everything a worker needs to hand it over without
reading anything else. ``idempotency_key`` is stable over every retry of the row and is
passed to the provider (and set as the e-mail ``Message-ID``), so a row re-sent after a
crashed worker is recognised as the same message.

Indexes are few on purpose (100,000+ rows a day): the worker's due query (partial, on
pending rows only), the lease query (partial, on sending rows only), the provider id
for status callbacks (partial, non-empty only), one for the staff list, and the foreign
keys the services look up by.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from vangnet.messaging.constants import OutboxStatus
from vangnet.parties.constants import Channel
from vangnet.parties.models import ContactPoint, Organisation, Person


class OutboxMessage(models.Model):
    """One message to one person over one channel; retries keep the row (and its key)."""

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisatie"), on_delete=models.PROTECT, db_index=False
    )
    case = models.ForeignKey(
        "strategy.Case",
        verbose_name=_("dossier"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="outbox_messages",
    )
    # Several rows per action when a permanent failure falls back to another channel;
    # at most one of them active (constraint below). Test sends and portal messages
    # have no action.
    action = models.ForeignKey(
        "strategy.Action",
        verbose_name=_("actie"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="outbox_messages",
    )
    person = models.ForeignKey(
        Person,
        verbose_name=_("persoon"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    contact_point = models.ForeignKey(
        ContactPoint,
        verbose_name=_("contactgegeven"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    channel = models.CharField(_("kanaal"), max_length=16, choices=Channel.choices)
    sequence = models.PositiveSmallIntegerField(
        _("kanaalpoging"),
        default=1,
        help_text=_("1 voor het eerste kanaal, 2 voor de eerste terugval, enzovoort."),
    )
    recipient = models.CharField(_("ontvanger"), max_length=300, blank=True)
    subject = models.CharField(_("onderwerp"), max_length=300, blank=True)
    text = models.TextField(_("tekst"), blank=True)
    html = models.TextField(_("HTML"), blank=True)
    template_code = models.CharField(_("sjabloon"), max_length=64, blank=True)
    template_version_id = models.PositiveIntegerField(_("sjabloonversie"), null=True, blank=True)
    variant = models.CharField(_("variant"), max_length=32, blank=True)
    language = models.CharField(_("taal"), max_length=8, default="nl")
    idempotency_key = models.CharField(_("idempotentiesleutel"), max_length=128, unique=True)
    status = models.CharField(
        _("status"), max_length=16, choices=OutboxStatus.choices, default=OutboxStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("pogingen"), default=0)
    not_before = models.DateTimeField(_("niet verzenden voor"))
    next_attempt_at = models.DateTimeField(_("volgende poging"))
    locked_until = models.DateTimeField(_("geclaimd tot"), null=True, blank=True)
    locked_by = models.CharField(_("geclaimd door"), max_length=64, blank=True)
    last_error = models.CharField(_("laatste fout"), max_length=500, blank=True)
    provider_id = models.CharField(_("kenmerk leverancier"), max_length=128, blank=True)
    created_at = models.DateTimeField(_("aangemaakt"))
    sent_at = models.DateTimeField(_("verzonden"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("afgeleverd"), null=True, blank=True)
    finished_at = models.DateTimeField(
        _("afgerond"), null=True, blank=True, help_text=_("Mislukt, geannuleerd of verlopen.")
    )

    class Meta:
        verbose_name = _("uitgaand bericht")
        verbose_name_plural = _("uitgaande berichten")
        ordering = ["-created_at", "-pk"]
        constraints = [
            # A fallback row is only created once the previous one failed; this makes a
            # second active row for the same action impossible, whatever the race.
            models.UniqueConstraint(
                fields=["action"],
                condition=Q(status__in=["pending", "sending"]),
                name="outbox_one_active_per_action",
            ),
        ]
        indexes = [
            # The worker's query: due pending rows in time order.
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(status="pending"),
                name="outbox_due",
            ),
            # Expired leases of crashed workers.
            models.Index(
                fields=["locked_until"],
                condition=Q(status="sending"),
                name="outbox_lease",
            ),
            models.Index(
                fields=["provider_id"],
                condition=~Q(provider_id=""),
                name="outbox_provider",
            ),
            models.Index(fields=["channel", "status", "created_at"], name="outbox_staff_list"),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} → {self.recipient} ({self.get_status_display()})"


class DeliveryEvent(models.Model):
    """One state change of an outbox row: claimed, sent, retried, failed, requeued …"""

    message = models.ForeignKey(
        OutboxMessage,
        verbose_name=_("bericht"),
        on_delete=models.CASCADE,
        related_name="events",
    )
    at = models.DateTimeField(_("tijdstip"))
    from_status = models.CharField(_("van"), max_length=16, blank=True)
    to_status = models.CharField(_("naar"), max_length=16)
    attempt = models.PositiveSmallIntegerField(_("poging"), default=0)
    detail = models.CharField(_("toelichting"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("afleverstap")
        verbose_name_plural = _("afleverstappen")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.from_status} → {self.to_status}"
