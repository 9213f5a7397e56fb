"""Choices of the outbox: message states and which actions and channels go through it."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class OutboxStatus(models.TextChoices):
    PENDING = "pending", _("Wacht op verzending")
    SENDING = "sending", _("Wordt verzonden")
    SENT = "sent", _("Verzonden")
    DELIVERED = "delivered", _("Afgeleverd")
    FAILED = "failed", _("Mislukt")
    CANCELLED = "cancelled", _("Geannuleerd")
    EXPIRED = "expired", _("Verlopen")


# States a row never leaves by itself (staff may requeue failed/cancelled/expired rows).
FINAL_STATUSES: frozenset[str] = frozenset(
    {
        OutboxStatus.SENT,
        OutboxStatus.DELIVERED,
        OutboxStatus.FAILED,
        OutboxStatus.CANCELLED,
        OutboxStatus.EXPIRED,
    }
)
REQUEUEABLE_STATUSES: tuple[str, ...] = (
    OutboxStatus.FAILED,
    OutboxStatus.CANCELLED,
    OutboxStatus.EXPIRED,
)

# Channels whose actions become outbox rows. ``phone`` and ``visit`` rows are handed to
# adapters that create work-queue tasks; municipality/agency/internal actions are not
# messages to the person and stay with their own apps.
OUTBOX_CHANNELS: tuple[str, ...] = ("email", "sms", "whatsapp", "letter", "phone", "visit")

# Channels a failed message may fall back to, and the order when the person has no
# preference (DESIGN.md: e-mail, then SMS, then a letter).
FALLBACK_CHANNELS: frozenset[str] = frozenset({"email", "sms", "whatsapp", "letter"})
DEFAULT_CHANNEL_ORDER: tuple[str, ...] = ("email", "sms", "letter")

# Action types that contact the person (strategy.constants.CONTACT_TYPES); kept as
# values so the enqueue query is a plain IN list.
OUTBOX_ACTION_TYPES: tuple[str, ...] = (
    "message",
    "call_task",
    "visit_task",
    "fourteen_day_letter",
    "offer_plan",
    "referral",
)

# PermanentFailure codes that say nothing about the address (content refused, our own
# configuration): the row fails and falls back, but the contact point stays valid.
NOT_ADDRESS_CODES: frozenset[str] = frozenset({"content_rejected", "configuration"})
