"""Inbound replies (SMS, WhatsApp, e-mail): store once, match to a person and case,
write the case timeline, and put a ``reply`` task in the staff queue.

Matching is by the sender's contact point: an E.164 phone number or an e-mail address
(case-insensitive). The sender's open case is the one the reply belongs to. When the
sender is unknown, or the number belongs to several people with open cases, the reply is
still stored and still queued — unmatched — so a person always gets an answer.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from vangnet.messaging.channels.models import InboundChannel, InboundMessage
from vangnet.parties.models import ContactPoint
from vangnet.parties.selectors import organisation_current
from vangnet.strategy.constants import CaseEventKind, CaseStatus
from vangnet.strategy.models import Case, CaseEvent

CHANNEL_NL = {"sms": "SMS", "whatsapp": "WhatsApp", "email": "e-mail"}
BODY_MAX = 20_000
REPLY_PRIORITY = 2  # a person who writes back is waiting for us


@dataclass(frozen=True)
class Incoming:
    """A provider-neutral inbound message, what the webhook parsers produce."""

    channel: str
    sender: str  # E.164 or e-mail address, already normalised
    body: str
    received_at: datetime
    provider_id: str
    recipient: str = ""
    subject: str = ""
    in_reply_to: str = ""


def digest_id(prefix: str, *parts: str) -> str:
    """A stable id for providers that send none: same message, same id, on every retry."""
    return f"{prefix}:" + hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:40]


@dataclass(frozen=True)
class Match:
    contact_point: ContactPoint | None
    case: Case | None
    note: str


def inbound_match(*, channel: str, sender: str) -> Match:
    """Find the person by contact point, then their most recent non-closed case."""
    if channel == InboundChannel.EMAIL:
        points = ContactPoint.objects.filter(kind="email", value__iexact=sender)
    else:
        points = ContactPoint.objects.filter(kind__in=["mobile", "landline"], value=sender)
    points = list(points.order_by("invalid_since", "pk")[:20])
    if not points:
        return Match(None, None, "afzender onbekend")
    person_ids = {p.person_id for p in points}
    cases = list(
        Case.objects.filter(account__customer__person_id__in=person_ids)
        .exclude(status=CaseStatus.CLOSED)
        .select_related("account__customer")
        .order_by("-opened_on", "-pk")[:20]
    )
    case_people = {c.account.customer.person_id for c in cases}
    if len(case_people) > 1:
        return Match(None, None, "afzender past bij meerdere personen met een open dossier")
    if cases:
        person_id = cases[0].account.customer.person_id
        point = next(p for p in points if p.person_id == person_id)
        return Match(point, cases[0], "gekoppeld aan open dossier")
    if len(person_ids) == 1:
        return Match(points[0], None, "persoon bekend, geen open dossier")
    return Match(None, None, "afzender past bij meerdere personen")


def inbound_register(*, incoming: Incoming) -> tuple[InboundMessage, bool]:
    """Store the reply once (by provider id), match it, write the timeline, queue a task.

    Returns ``(message, created)``; a redelivered webhook returns the stored message.
    """
    from vangnet.workspace import worklist
    from vangnet.workspace.models import TaskKind

    existing = InboundMessage.objects.filter(provider_id=incoming.provider_id).first()
    if existing is not None:
        return existing, False
    match = inbound_match(channel=incoming.channel, sender=incoming.sender)
    case = match.case
    person = match.contact_point.person if match.contact_point else None
    organisation_id = case.organisation_id if case else None
    if organisation_id is None:
        current = organisation_current()
        organisation_id = current.pk if current else None
    body = incoming.body[:BODY_MAX]
    try:
        with transaction.atomic():
            message = InboundMessage.objects.create(
                channel=incoming.channel,
                sender=incoming.sender[:254],
                recipient=incoming.recipient[:254],
                subject=incoming.subject[:300],
                body=body,
                received_at=incoming.received_at,
                provider_id=incoming.provider_id,
                in_reply_to=incoming.in_reply_to[:128],
                organisation_id=organisation_id,
                person=person,
                contact_point=match.contact_point,
                case=case,
                match_note=match.note,
            )
            label = CHANNEL_NL.get(incoming.channel, incoming.channel)
            who = person.full_name if person else incoming.sender
            task, _ = worklist.task_create(
                kind=TaskKind.REPLY,
                idempotency_key=f"reply:{message.pk}",
                title=f"Reactie via {label}: {who}",
                description=(f"{incoming.subject}\n\n{body}" if incoming.subject else body),
                due_on=timezone.localdate(),
                organisation_id=organisation_id,
                case=case,
                person_id=person.pk if person else None,
                priority=REPLY_PRIORITY,
                phone=incoming.sender if incoming.sender.startswith("+") else "",
            )
            message.task = task
            message.save(update_fields=["task"])
            if case is not None:
                snippet = " ".join(body.split())[:200]
                CaseEvent.objects.create(
                    case=case,
                    on=timezone.localdate(),
                    at=timezone.now(),
                    kind=CaseEventKind.CONTACT,
                    cause="reply",
                    text=f"Reactie ontvangen via {label}: {snippet}"[:300],
                    details={
                        "channel": incoming.channel,
                        "inbound_id": message.pk,
                        "task_id": task.pk,
                        "reached": True,
                    },
                    key=f"inbound:{message.pk}",
                )
    except IntegrityError:
        # The same webhook delivered twice at the same moment: the other one won.
        return InboundMessage.objects.get(provider_id=incoming.provider_id), False
    return message, True


def inbound_unanswered_count(*, organisation_id: int | None) -> int:
    """Replies whose task is still open (for an overview badge)."""
    qs = InboundMessage.objects.filter(task__status="open")
    if organisation_id is not None:
        qs = qs.filter(Q(organisation_id=organisation_id) | Q(organisation__isnull=True))
    return qs.count()
