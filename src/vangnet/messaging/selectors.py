"""Reads of the outbox for the staff pages."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet

from vangnet.ledger.models import Customer
from vangnet.messaging.constants import OUTBOX_CHANNELS, OutboxStatus
from vangnet.messaging.models import DeliveryEvent, OutboxMessage

PAGE_SIZE = 50


def outbox_messages(
    *, organisation_id: int | None, channel: str = "", status: str = "", q: str = ""
) -> QuerySet[OutboxMessage]:
    """Outbox rows newest first, filtered by channel, status and customer number.

    The search matches the start of the customer number of the row's case, or of any
    customer number of the person for rows without a case (test sends, portal).
    """
    qs = OutboxMessage.objects.select_related("case__account__customer", "person").defer(
        "text", "html"
    )
    if organisation_id is not None:
        qs = qs.filter(organisation_id=organisation_id)
    if channel in OUTBOX_CHANNELS:
        qs = qs.filter(channel=channel)
    if status in OutboxStatus.values:
        qs = qs.filter(status=status)
    if q:
        person_customer = Customer.objects.filter(
            person_id=OuterRef("person_id"), number__istartswith=q
        )
        qs = qs.filter(
            Q(case__account__customer__number__istartswith=q)
            | Q(case__isnull=True) & Exists(person_customer)
        )
    return qs.order_by("-created_at", "-pk")


def outbox_message_detail(*, organisation_id: int | None, pk: int) -> OutboxMessage | None:
    qs = OutboxMessage.objects.select_related(
        "case__account__customer", "person", "contact_point", "action", "organisation"
    )
    if organisation_id is not None:
        qs = qs.filter(organisation_id=organisation_id)
    return qs.filter(pk=pk).first()


def delivery_events(*, message: OutboxMessage) -> QuerySet[DeliveryEvent]:
    return DeliveryEvent.objects.filter(message=message).order_by("at", "pk")


def related_messages(*, message: OutboxMessage) -> QuerySet[OutboxMessage]:
    """Other channel attempts of the same action (fallbacks), in order."""
    if not message.action_id:
        return OutboxMessage.objects.none()
    return (
        OutboxMessage.objects.filter(action_id=message.action_id)
        .exclude(pk=message.pk)
        .only("pk", "channel", "status", "sequence", "recipient")
        .order_by("sequence")
    )
