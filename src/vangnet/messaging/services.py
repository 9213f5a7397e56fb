"""Writes of the outbox: enqueue, create, record outcomes, status callbacks, staff actions.

Action status and the outbox (decision, documented in docs/messaging-delivery.md): an
``Action`` keeps status ``planned`` while any of its outbox rows is on its way (a
fallback to another channel is the same action) and only moves when the last row
reaches a final state — ``sent`` when it was handed over (or delivered), ``failed`` when
it failed with no channel left or expired, ``cancelled`` when staff cancelled it. The
guardrails read planned/sent as "happened", so a message in flight already counts for
the contact caps and a failed one never proves a letter was sent.
"""

from __future__ import annotations

import copy
import logging
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from vangnet.core.services import audit_record
from vangnet.messaging import conf
from vangnet.messaging.constants import (
    DEFAULT_CHANNEL_ORDER,
    FALLBACK_CHANNELS,
    NOT_ADDRESS_CODES,
    OUTBOX_ACTION_TYPES,
    OUTBOX_CHANNELS,
    REQUEUEABLE_STATUSES,
    OutboxStatus,
)
from vangnet.messaging.models import DeliveryEvent, OutboxMessage
from vangnet.messaging.types import RenderedMessage, SendResult
from vangnet.parties.models import ContactPoint, Person
from vangnet.strategy.constants import ActionStatus, CaseEventKind
from vangnet.strategy.models import Action, CaseEvent

log = logging.getLogger(__name__)
ZONE = ZoneInfo("Europe/Amsterdam")

CHANNEL_NL = {
    "email": "e-mail",
    "sms": "sms",
    "whatsapp": "WhatsApp",
    "letter": "brief",
    "phone": "telefoon",
    "visit": "huisbezoek",
}
# Which contact point kinds serve a channel, best first. Letters and visits go to the
# home address (no contact point).
CONTACT_KINDS: dict[str, tuple[str, ...]] = {
    "email": ("email",),
    "sms": ("mobile",),
    "whatsapp": ("mobile",),
    "phone": ("mobile", "landline"),
}
ADDRESS_CHANNELS = frozenset({"letter", "visit"})
ENQUEUE_CHUNK = 1000

Renderer = Callable[[Any], RenderedMessage]


def message_key(action_key: str, sequence: int) -> str:
    """The outbox key of an action's ``sequence``-th channel attempt (1 = first channel).

    Derived, not random: a re-run of the enqueue computes the same key and the unique
    index turns the second insert into nothing.
    """
    return f"{action_key}#{sequence}"


# ---------------------------------------------------------------------------------------
# Addresses and channel order


def recipient_for(
    person: Person | None, channel: str, contact_points: Sequence[ContactPoint]
) -> tuple[ContactPoint | None, str] | None:
    """``(contact point, address)`` for ``channel``, or None when it cannot reach them.

    Primary contact points first; invalid ones never. ``contact_points`` are the
    person's (pre-fetched in bulk by the enqueue).
    """
    if person is None:
        return None
    if channel in ADDRESS_CHANNELS:
        address = person.address
        return (None, str(address)) if address is not None else None
    for kind in CONTACT_KINDS.get(channel, ()):
        usable = [cp for cp in contact_points if cp.kind == kind and cp.invalid_since is None]
        usable.sort(key=lambda cp: (not cp.is_primary, cp.pk))
        if usable:
            return usable[0], usable[0].value
    return None


def channel_order(person: Person | None) -> list[str]:
    """The person's own order (``preferred_channels``) followed by e-mail, SMS, letter."""
    order: list[str] = []
    preferred = (person.preferred_channels or []) if person is not None else []
    for channel in [*preferred, *DEFAULT_CHANNEL_ORDER]:
        if channel in FALLBACK_CHANNELS and channel not in order:
            order.append(channel)
    return order


def _contact_points(person_ids: Iterable[int]) -> dict[int, list[ContactPoint]]:
    out: dict[int, list[ContactPoint]] = {}
    for cp in ContactPoint.objects.filter(
        person_id__in=set(person_ids), invalid_since__isnull=True
    ):
        out.setdefault(cp.person_id, []).append(cp)
    return out


def _render(render: Renderer, action: Action, channel: str) -> RenderedMessage:
    """Render ``action`` for ``channel`` (a fallback renders the same action for another
    channel: the renderer sees an in-memory copy with the channel changed)."""
    if channel != action.channel:
        action = copy.copy(action)
        action.channel = channel
    return render(action)


def _row(
    *,
    action: Action,
    person: Person | None,
    channel: str,
    sequence: int,
    rendered: RenderedMessage | None,
    contact_point: ContactPoint | None,
    recipient: str,
    now: datetime,
    error: str = "",
) -> OutboxMessage:
    failed = rendered is None
    rendered = rendered or RenderedMessage(subject="", text="")
    not_before = max(action.scheduled_for, now) if sequence > 1 else action.scheduled_for
    return OutboxMessage(
        organisation_id=action.organisation_id,
        case_id=action.case_id,
        action=action,
        person=person,
        contact_point=contact_point,
        channel=channel,
        sequence=sequence,
        recipient=recipient[:300],
        subject=rendered.subject[:300],
        text=rendered.text,
        html=rendered.html,
        template_code=(rendered.template_code or action.template)[:64],
        template_version_id=rendered.template_version_id,
        variant=rendered.variant[:32],
        language=rendered.language or "nl",
        idempotency_key=message_key(action.idempotency_key, sequence),
        status=OutboxStatus.FAILED if failed else OutboxStatus.PENDING,
        not_before=not_before,
        next_attempt_at=not_before,
        last_error=error[:500],
        created_at=now,
        finished_at=now if failed else None,
    )


def _plan_channel(
    *,
    action: Action,
    person: Person | None,
    contact_points: Sequence[ContactPoint],
    candidates: Sequence[str],
    sequence: int,
    render: Renderer,
    now: datetime,
) -> tuple[OutboxMessage | None, list[str]]:
    """The first candidate channel that reaches the person and renders, as an unsaved
    row; plus a note per skipped channel (for the timeline). None when none is left."""
    notes: list[str] = []
    for channel in candidates:
        target = recipient_for(person, channel, contact_points)
        if target is None:
            notes.append(f"{CHANNEL_NL.get(channel, channel)}: geen bruikbaar adres")
            continue
        try:
            rendered = _render(render, action, channel)
        except Exception as exc:  # a template error must not stop the other messages
            log.warning("render failed for action %s on %s: %s", action.pk, channel, exc)
            notes.append(f"{CHANNEL_NL.get(channel, channel)}: opmaken mislukt ({exc})")
            continue
        cp, recipient = target
        row = _row(
            action=action,
            person=person,
            channel=channel,
            sequence=sequence,
            rendered=rendered,
            contact_point=cp,
            recipient=recipient,
            now=now,
        )
        return row, notes
    return None, notes


# ---------------------------------------------------------------------------------------
# Enqueue


@dataclass
class EnqueueStats:
    considered: int = 0
    created: int = 0
    rerouted: int = 0  # the action's own channel could not be used
    unreachable: int = 0  # no channel at all: a failed row and a call suggestion


def due_actions(*, organisation_id: int | None, until: datetime):
    """Planned contact actions up to ``until`` that have no outbox row yet."""
    qs = Action.objects.filter(
        status=ActionStatus.PLANNED,
        action_type__in=OUTBOX_ACTION_TYPES,
        channel__in=OUTBOX_CHANNELS,
        scheduled_for__lt=until,
    ).filter(~Exists(OutboxMessage.objects.filter(action_id=OuterRef("pk"))))
    if organisation_id is not None:
        qs = qs.filter(organisation_id=organisation_id)
    return qs


def outbox_enqueue_due(
    *,
    organisation_id: int | None = None,
    now: datetime,
    limit: int = 100_000,
    render: Renderer | None = None,
) -> EnqueueStats:
    """Render today's (and overdue) planned contact actions into outbox rows.

    "Today" is the local day of ``now``: actions planned for later today are enqueued
    too, with ``not_before`` = their ``scheduled_for``, so the worker sends them on time
    without another enqueue. Set-based per chunk of 1,000 actions: one query for the
    actions (with case, customer, person and address joined), one for their contact
    points, the rendering in Python, one bulk insert that ignores keys already there —
    a second run (or a run racing this one) creates nothing new.
    """
    render = render or conf.renderer()
    local = timezone.localtime(now, ZONE)
    until = datetime.combine(local.date() + timedelta(days=1), time(0), ZONE)
    stats = EnqueueStats()
    after: tuple[datetime, int] | None = None
    while stats.considered < limit:
        qs = due_actions(organisation_id=organisation_id, until=until)
        if after is not None:
            # Keyset pagination: without it every chunk would skip again over the
            # actions earlier chunks enqueued (they stay planned) — quadratic.
            qs = qs.filter(
                Q(scheduled_for__gt=after[0]) | Q(scheduled_for=after[0], pk__gt=after[1])
            )
        chunk = list(
            qs.select_related("case__account__customer__person__address").order_by(
                "scheduled_for", "pk"
            )[: min(ENQUEUE_CHUNK, limit - stats.considered)]
        )
        if not chunk:
            break
        after = (chunk[-1].scheduled_for, chunk[-1].pk)
        stats.considered += len(chunk)
        persons = {a.pk: a.case.account.customer.person for a in chunk}
        points = _contact_points(p.pk for p in persons.values())
        rows: list[OutboxMessage] = []
        notes: dict[int, list[str]] = {}
        for action in chunk:
            person = persons[action.pk]
            cps = points.get(person.pk, [])
            first = [action.channel]
            if action.channel in FALLBACK_CHANNELS:
                first += [c for c in channel_order(person) if c != action.channel]
            row, skipped = _plan_channel(
                action=action,
                person=person,
                contact_points=cps,
                candidates=first,
                sequence=1,
                render=render,
                now=now,
            )
            if row is None:
                stats.unreachable += 1
                row = _row(
                    action=action,
                    person=person,
                    channel=action.channel,
                    sequence=1,
                    rendered=None,
                    contact_point=None,
                    recipient="",
                    now=now,
                    error="; ".join(skipped) or "geen kanaal",
                )
            elif row.channel != action.channel:
                stats.rerouted += 1
            if skipped:
                notes[action.pk] = skipped
            rows.append(row)
        with transaction.atomic():
            keys = [r.idempotency_key for r in rows]
            there = set(
                OutboxMessage.objects.filter(idempotency_key__in=keys).values_list(
                    "idempotency_key", flat=True
                )
            )
            _insert_ignore(rows)
            stats.created += len(rows) - len(there)
            unreachable = [r for r in rows if r.status == OutboxStatus.FAILED]
            if unreachable:
                _unreachable_record(unreachable, notes=notes, now=now)
    return stats


_INSERT_FIELDS = [f.name for f in OutboxMessage._meta.concrete_fields if not f.primary_key]


def _insert_ignore(rows: list[OutboxMessage]) -> None:
    """Insert unsaved rows, skipping keys already there (``strategy.bulk``: COPY on
    PostgreSQL, executemany on SQLite) — a third of the cost of ``bulk_create``."""
    from django.db import connection

    from vangnet.strategy import bulk

    fields = [OutboxMessage._meta.get_field(n) for n in _INSERT_FIELDS]
    values = []
    for row in rows:
        out = []
        for f in fields:
            value = getattr(row, f.attname)
            if value is not None and f.get_internal_type() == "DateTimeField":
                value = connection.ops.adapt_datetimefield_value(value)
            out.append(value)
        values.append(tuple(out))
    bulk.insert_ignore(OutboxMessage, _INSERT_FIELDS, values)


def _unreachable_record(rows: list[OutboxMessage], *, notes: dict[int, list[str]], now) -> None:
    """Actions that no channel can carry: the action fails, the timeline suggests a call."""
    keys = [r.idempotency_key for r in rows]
    saved = {
        m.idempotency_key: m
        for m in OutboxMessage.objects.filter(idempotency_key__in=keys, status="failed")
    }
    events, case_events, action_ids = [], [], []
    for row in rows:
        msg = saved.get(row.idempotency_key)
        if msg is None:
            continue
        action_ids.append(msg.action_id)
        events.append(
            DeliveryEvent(
                message=msg, at=now, from_status="", to_status="failed", detail=msg.last_error
            )
        )
        if msg.case_id:
            case_events.append(_call_suggestion(msg, now=now, why=msg.last_error))
    DeliveryEvent.objects.bulk_create(events)
    CaseEvent.objects.bulk_create(case_events, ignore_conflicts=True)
    Action.objects.filter(pk__in=action_ids, status=ActionStatus.PLANNED).update(
        status=ActionStatus.FAILED
    )


# ---------------------------------------------------------------------------------------
# Single messages (test sends, portal messages, other apps)


@transaction.atomic
def outbox_message_create(
    *,
    organisation_id: int,
    channel: str,
    recipient: str,
    rendered: RenderedMessage,
    idempotency_key: str = "",
    case_id: int | None = None,
    action_id: int | None = None,
    person_id: int | None = None,
    contact_point_id: int | None = None,
    not_before: datetime | None = None,
    sequence: int = 1,
    now: datetime | None = None,
) -> OutboxMessage:
    """Put one rendered message in the outbox (idempotent on ``idempotency_key``).

    For messages that are not a journey action (a staff test send, a portal
    confirmation). Without a key a random one is made; with one, a second call returns
    the row the first created.
    """
    if channel not in OUTBOX_CHANNELS:
        raise ValueError(f"unknown channel {channel!r}; expected one of {OUTBOX_CHANNELS}")
    if not recipient:
        raise ValueError("a message needs a recipient")
    now = now or timezone.now()
    key = idempotency_key or f"msg:{uuid.uuid4().hex}"
    existing = OutboxMessage.objects.filter(idempotency_key=key).first()
    if existing is not None:
        return existing
    when = not_before or now
    return OutboxMessage.objects.create(
        organisation_id=organisation_id,
        case_id=case_id,
        action_id=action_id,
        person_id=person_id,
        contact_point_id=contact_point_id,
        channel=channel,
        sequence=sequence,
        recipient=recipient[:300],
        subject=rendered.subject[:300],
        text=rendered.text,
        html=rendered.html,
        template_code=rendered.template_code[:64],
        template_version_id=rendered.template_version_id,
        variant=rendered.variant[:32],
        language=rendered.language or "nl",
        idempotency_key=key,
        not_before=when,
        next_attempt_at=when,
        created_at=now,
    )


# ---------------------------------------------------------------------------------------
# Outcomes (called by the delivery worker, one short transaction per message)


def _event(msg: OutboxMessage, *, at, frm: str, to: str, detail: str = "") -> DeliveryEvent:
    return DeliveryEvent(
        message=msg, at=at, from_status=frm, to_status=to, attempt=msg.attempts, detail=detail[:500]
    )


def _case_event(
    msg: OutboxMessage, *, at: datetime, cause: str, text: str, key: str, **details: Any
) -> CaseEvent:
    return CaseEvent(
        case_id=msg.case_id,
        on=timezone.localtime(at, ZONE).date(),
        at=at,
        kind=CaseEventKind.CONTACT,
        cause=cause,
        text=text[:300],
        details={
            "channel": msg.channel,
            "template": msg.template_code,
            "template_version_id": msg.template_version_id,
            "outbox_id": msg.pk,
            **details,
        },
        key=key,
    )


def _call_suggestion(msg: OutboxMessage, *, now: datetime, why: str) -> CaseEvent:
    return CaseEvent(
        case_id=msg.case_id,
        on=timezone.localtime(now, ZONE).date(),
        at=now,
        kind=CaseEventKind.NOTE,
        cause="call_suggested",
        text=(
            "Bericht kon via geen enkel kanaal worden bezorgd. Voorstel: bel de klant"
            f" of ga langs. ({why})"
        )[:300],
        details={"template": msg.template_code, "outbox_id": msg.pk},
        key=f"outbox:{msg.pk}:call",
    )


def _action_finish(action_id: int | None, status: str) -> None:
    if action_id is not None:
        Action.objects.filter(pk=action_id, status=ActionStatus.PLANNED).update(status=status)


def _claimed(message_id: int) -> OutboxMessage | None:
    return (
        OutboxMessage.objects.select_for_update()
        .filter(pk=message_id, status=OutboxStatus.SENDING)
        .first()
    )


@transaction.atomic
def outbox_mark_sent(*, message_id: int, result: SendResult, now: datetime) -> bool:
    """The adapter took the message: sent, on the timeline, the action is done.

    False when the row is no longer ``sending`` (staff or another worker handled it).
    """
    msg = _claimed(message_id)
    if msg is None:
        return False
    msg.status, msg.sent_at, msg.provider_id = OutboxStatus.SENT, now, result.provider_id[:128]
    msg.locked_until, msg.locked_by, msg.last_error = None, "", ""
    msg.save(
        update_fields=[
            "status",
            "sent_at",
            "provider_id",
            "locked_until",
            "locked_by",
            "last_error",
        ]
    )
    _event(msg, at=now, frm="sending", to="sent", detail=result.detail).save()
    if msg.case_id:
        label = CHANNEL_NL.get(msg.channel, msg.channel)
        CaseEvent.objects.bulk_create(
            [
                _case_event(
                    msg,
                    at=now,
                    cause="sent",
                    text=f"Bericht verstuurd via {label} (sjabloon {msg.template_code or '–'}).",
                    key=f"outbox:{msg.pk}:sent",
                    recipient=msg.recipient,
                )
            ],
            ignore_conflicts=True,
        )
    _action_finish(msg.action_id, ActionStatus.SENT)
    return True


def retry_delay(attempts: int, *, retry_after: float | None = None, rand: float = 0.5) -> float:
    """Seconds until the next attempt: exponential (base · 2^(n−1), capped) with jitter.

    "Equal jitter": half the delay fixed, half random, so retries of a batch that failed
    together (a provider outage) spread out instead of hammering the provider at once.
    A provider's ``retry_after`` (HTTP 429) is honoured as a minimum.
    """
    delay = min(conf.retry_max_seconds(), conf.retry_base_seconds() * 2 ** max(attempts - 1, 0))
    delay = delay / 2 + rand * delay / 2
    if retry_after is not None:
        delay = max(delay, float(retry_after))
    return delay


@transaction.atomic
def outbox_mark_retry(
    *,
    message_id: int,
    detail: str,
    now: datetime,
    retry_after: float | None = None,
    rand: float = 0.5,
) -> str:
    """A temporary failure: back to pending with backoff, or failed after the last attempt.

    Returns the new status. Running out of attempts does not fall back to another
    channel: the address is fine, the provider is not, and an outage would otherwise
    turn every e-mail of the day into a letter.
    """
    msg = _claimed(message_id)
    if msg is None:
        return ""
    if msg.attempts >= conf.max_attempts():
        _fail(msg, now=now, detail=f"{detail} (na {msg.attempts} pogingen)", fallback=False)
        return OutboxStatus.FAILED
    delay = retry_delay(msg.attempts, retry_after=retry_after, rand=rand)
    msg.status, msg.next_attempt_at = OutboxStatus.PENDING, now + timedelta(seconds=delay)
    msg.locked_until, msg.locked_by, msg.last_error = None, "", detail[:500]
    msg.save(update_fields=["status", "next_attempt_at", "locked_until", "locked_by", "last_error"])
    _event(
        msg, at=now, frm="sending", to="pending", detail=f"{detail}; opnieuw over {delay:.0f} s"
    ).save()
    return OutboxStatus.PENDING


@transaction.atomic
def outbox_mark_failed(
    *, message_id: int, detail: str, now: datetime, code: str = "", render: Renderer | None = None
) -> OutboxMessage | None:
    """A permanent failure: fail the row, mark the address unusable, try the next channel.

    Returns the fallback row, if one was created.
    """
    msg = _claimed(message_id)
    if msg is None:
        return None
    return _fail(msg, now=now, detail=detail, code=code, fallback=True, render=render)


def _fail(
    msg: OutboxMessage,
    *,
    now: datetime,
    detail: str,
    fallback: bool,
    code: str = "",
    render: Renderer | None = None,
) -> OutboxMessage | None:
    """Fail ``msg`` (locked by the caller); with ``fallback`` invalidate its contact point
    and create the next channel's row. Writes the delivery event and the timeline."""
    frm = msg.status
    msg.status, msg.finished_at, msg.last_error = OutboxStatus.FAILED, now, detail[:500]
    msg.locked_until, msg.locked_by = None, ""
    msg.save(update_fields=["status", "finished_at", "last_error", "locked_until", "locked_by"])
    _event(msg, at=now, frm=frm, to="failed", detail=detail).save()
    label = CHANNEL_NL.get(msg.channel, msg.channel)
    case_events: list[CaseEvent] = []
    invalidated = False
    if fallback and msg.contact_point_id and code not in NOT_ADDRESS_CODES:
        invalidated = bool(
            ContactPoint.objects.filter(pk=msg.contact_point_id, invalid_since__isnull=True).update(
                invalid_since=now, invalid_reason=f"{label}: {detail}"[:200]
            )
        )
    if msg.case_id:
        text = f"Bericht via {label} aan {msg.recipient} is niet aangekomen: {detail}"
        if invalidated:
            text += " Het adres is als onbruikbaar gemarkeerd."
        case_events.append(
            _case_event(
                msg,
                at=now,
                cause="bounced" if fallback else "failed",
                text=text,
                key=f"outbox:{msg.pk}:failed",
                recipient=msg.recipient,
                error=detail[:200],
            )
        )
    new: OutboxMessage | None = None
    if fallback and msg.action_id:
        new = _fallback_create(msg, now=now, render=render or conf.renderer())
    if new is None:
        if msg.case_id and fallback:
            case_events.append(_call_suggestion(msg, now=now, why=detail[:120]))
        if (
            not msg.action_id
            or not OutboxMessage.objects.filter(
                action_id=msg.action_id, status__in=["pending", "sending"]
            ).exists()
        ):
            _action_finish(msg.action_id, ActionStatus.FAILED)
    elif msg.case_id:
        case_events.append(
            CaseEvent(
                case_id=msg.case_id,
                on=timezone.localtime(now, ZONE).date(),
                at=now,
                kind=CaseEventKind.CONTACT,
                cause="fallback",
                text=f"We proberen het nu via {CHANNEL_NL.get(new.channel, new.channel)}.",
                details={"channel": new.channel, "outbox_id": new.pk, "previous": msg.pk},
                key=f"outbox:{msg.pk}:fallback",
            )
        )
    CaseEvent.objects.bulk_create(case_events, ignore_conflicts=True)
    return new


def _fallback_create(
    msg: OutboxMessage, *, now: datetime, render: Renderer
) -> OutboxMessage | None:
    """The next channel in the person's policy that has not been tried for this action."""
    action = Action.objects.select_related("case").get(pk=msg.action_id)
    tried = set(
        OutboxMessage.objects.filter(action_id=msg.action_id).values_list("channel", flat=True)
    )
    last = OutboxMessage.objects.filter(action_id=msg.action_id).order_by("-sequence").first()
    sequence = (last.sequence if last else msg.sequence) + 1
    person = Person.objects.select_related("address").filter(pk=msg.person_id).first()
    candidates = [c for c in channel_order(person) if c not in tried]
    cps = _contact_points([person.pk]).get(person.pk, []) if person else []
    row, notes = _plan_channel(
        action=action,
        person=person,
        contact_points=cps,
        candidates=candidates,
        sequence=sequence,
        render=render,
        now=now,
    )
    if row is None:
        return None
    try:
        with transaction.atomic():
            row.save(force_insert=True)
    except IntegrityError:
        # Same key or an active row already there: a retry of this very step after a
        # crash; the existing row is the fallback.
        return OutboxMessage.objects.filter(idempotency_key=row.idempotency_key).first()
    DeliveryEvent.objects.create(
        message=row,
        at=now,
        from_status="",
        to_status="pending",
        detail=f"terugval na mislukte {CHANNEL_NL.get(msg.channel, msg.channel)} (#{msg.pk})"
        + (f"; {'; '.join(notes)}" if notes else ""),
    )
    return row


# ---------------------------------------------------------------------------------------
# Provider status callbacks


DELIVERED_STATUSES = {"delivered"}
FAILED_STATUSES = {"failed", "bounced", "rejected", "undeliverable"}


@transaction.atomic
def outbox_status_update(
    *, provider_id: str, status: str, detail: str = "", at: datetime | None = None
) -> OutboxMessage | None:
    """Apply a provider's status report (webhook) to the row with that ``provider_id``.

    ``status`` is ``delivered`` or a permanent failure (``failed``, ``bounced``,
    ``rejected``, ``undeliverable``); other statuses (accepted, buffered …) change
    nothing. Idempotent: a repeated report finds the row already in that state. Returns
    the row, or None for an unknown provider id (the callback can arrive before the
    worker recorded the hand-over; the webhook should let the provider retry).
    """
    if not provider_id:
        return None
    at = at or timezone.now()
    msg = (
        OutboxMessage.objects.select_for_update()
        .filter(provider_id=provider_id)
        .order_by("-pk")
        .first()
    )
    if msg is None:
        return None
    status = status.strip().lower()
    if status in DELIVERED_STATUSES and msg.status == OutboxStatus.SENT:
        msg.status, msg.delivered_at = OutboxStatus.DELIVERED, at
        msg.save(update_fields=["status", "delivered_at"])
        _event(msg, at=at, frm="sent", to="delivered", detail=detail).save()
    elif status in FAILED_STATUSES and msg.status in (OutboxStatus.SENT, OutboxStatus.DELIVERED):
        _fail(msg, now=at, detail=detail or status, fallback=True)
    return msg


# ---------------------------------------------------------------------------------------
# Staff actions


class OutboxActionRefused(Exception):
    """A requeue or cancel that the row's state does not allow; ``str()`` is Dutch."""


@transaction.atomic
def outbox_requeue(
    *, message: OutboxMessage, actor: Any, now: datetime | None = None
) -> OutboxMessage:
    """Send a failed, cancelled or expired row again (same key, attempts reset)."""
    now = now or timezone.now()
    msg = OutboxMessage.objects.select_for_update().get(pk=message.pk)
    if msg.status not in REQUEUEABLE_STATUSES:
        raise OutboxActionRefused(
            "Alleen mislukte, geannuleerde of verlopen berichten kunnen opnieuw."
        )
    if not msg.recipient or not (msg.text or msg.html):
        raise OutboxActionRefused("Dit bericht heeft geen ontvanger of inhoud en kan niet opnieuw.")
    frm = msg.status
    msg.status, msg.attempts, msg.next_attempt_at = OutboxStatus.PENDING, 0, now
    msg.finished_at, msg.last_error = None, ""
    try:
        with transaction.atomic():
            msg.save(
                update_fields=["status", "attempts", "next_attempt_at", "finished_at", "last_error"]
            )
    except IntegrityError:
        raise OutboxActionRefused(
            "Voor deze actie staat al een ander bericht klaar; annuleer dat eerst."
        ) from None
    _event(msg, at=now, frm=frm, to="pending", detail=f"opnieuw klaargezet door {actor}").save()
    if msg.action_id:
        Action.objects.filter(
            pk=msg.action_id, status__in=[ActionStatus.FAILED, ActionStatus.CANCELLED]
        ).update(status=ActionStatus.PLANNED)
    audit_record(
        action="outbox.requeue",
        summary=f"Bericht {msg.pk} opnieuw klaargezet ({frm} → pending)",
        actor=actor,
        object_type="outboxmessage",
        object_id=msg.pk,
        details={"from": frm, "channel": msg.channel},
    )
    return msg


@transaction.atomic
def outbox_cancel(
    *, message: OutboxMessage, actor: Any, now: datetime | None = None
) -> OutboxMessage:
    """Cancel a pending row (not one a worker is sending right now)."""
    now = now or timezone.now()
    msg = OutboxMessage.objects.select_for_update().get(pk=message.pk)
    if msg.status != OutboxStatus.PENDING:
        raise OutboxActionRefused("Alleen berichten die nog wachten kunnen worden geannuleerd.")
    msg.status, msg.finished_at = OutboxStatus.CANCELLED, now
    msg.save(update_fields=["status", "finished_at"])
    _event(msg, at=now, frm="pending", to="cancelled", detail=f"geannuleerd door {actor}").save()
    _action_finish(msg.action_id, ActionStatus.CANCELLED)
    audit_record(
        action="outbox.cancel",
        summary=f"Bericht {msg.pk} geannuleerd",
        actor=actor,
        object_type="outboxmessage",
        object_id=msg.pk,
        details={"channel": msg.channel},
    )
    return msg
