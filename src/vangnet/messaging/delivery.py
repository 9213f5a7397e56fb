"""The delivery worker: claim due outbox rows, hand each to its channel, record the result.

Crash safety (docs/messaging-delivery.md):

1. **Claim** in one short committed transaction: due ``pending`` rows (and ``sending``
   rows whose lease ran out — their worker died) become ``sending`` with
   ``locked_by``/``locked_until``. PostgreSQL takes them with ``FOR UPDATE SKIP
   LOCKED``, so parallel workers never claim the same row; SQLite's ``BEGIN IMMEDIATE``
   (the project's transaction mode) serialises the claim instead.
2. **Send** outside any transaction, with the row's stable ``idempotency_key``.
3. **Record** the outcome at once, one short transaction per message.

A worker killed between 1 and 2 loses nothing: the lease expires and the row is
claimed again. Killed between 2 and 3, the row is sent again with the *same* key:
providers that honour idempotency keys drop the copy; for SMTP the copy carries the same
``Message-ID``. That one message per killed worker is the remaining window. A worker
never sends after its lease ran out: it gives the rest of its batch back first.
"""

from __future__ import annotations

import logging
import os
import random
import signal
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from email.utils import formataddr
from typing import Any

from django.db import transaction
from django.db.models import F, Q

from vangnet.messaging import conf
from vangnet.messaging.constants import OutboxStatus
from vangnet.messaging.models import DeliveryEvent, OutboxMessage
from vangnet.messaging.registry import adapter_for
from vangnet.messaging.services import (
    outbox_mark_failed,
    outbox_mark_retry,
    outbox_mark_sent,
)
from vangnet.messaging.types import (
    ChannelAdapter,
    OutgoingMessage,
    PermanentFailure,
    TemporaryFailure,
)
from vangnet.strategy.constants import ActionStatus, CaseStatus
from vangnet.strategy.models import Action

log = logging.getLogger(__name__)

# Test hook (as strategy.run's VANGNET_RUN_KILL_AT): "claimed", "sent:N" (after the N-th
# successful hand-over, before it is recorded) or "recorded:N" — die like a crashed
# worker would, without cleanup.
KILL_ENV = "VANGNET_DELIVER_KILL_AT"
_reached: dict[str, int] = {}


def _maybe_kill(point: str) -> None:
    target = os.environ.get(KILL_ENV)
    if not target:
        return
    name, _, nth = target.partition(":")
    if name != point:
        return
    _reached[point] = _reached.get(point, 0) + 1
    if _reached[point] >= int(nth or 1):
        os.kill(os.getpid(), signal.SIGKILL)


@dataclass
class DeliveryStats:
    claimed: int = 0
    reclaimed: int = 0  # taken over from a worker whose lease ran out
    sent: int = 0
    retried: int = 0
    failed: int = 0
    fallbacks: int = 0
    cancelled: int = 0  # case closed/paused or action withdrawn since it was planned
    expired: int = 0
    released: int = 0  # given back unsent (stop requested, lease nearly over)

    def add(self, other: DeliveryStats) -> None:
        for name, value in asdict(other).items():
            setattr(self, name, getattr(self, name) + value)


def _expire(*, now: datetime, limit: int) -> int:
    """Pending rows far past their send time become ``expired``; their action fails."""
    cutoff = now - timedelta(hours=conf.expire_hours())
    ids = list(
        OutboxMessage.objects.filter(status=OutboxStatus.PENDING, next_attempt_at__lte=now)
        .filter(not_before__lt=cutoff)
        .values_list("pk", "action_id")[:limit]
    )
    if not ids:
        return 0
    pks = [pk for pk, _ in ids]
    n = OutboxMessage.objects.filter(pk__in=pks, status=OutboxStatus.PENDING).update(
        status=OutboxStatus.EXPIRED, finished_at=now
    )
    DeliveryEvent.objects.bulk_create(
        DeliveryEvent(
            message_id=pk,
            at=now,
            from_status="pending",
            to_status="expired",
            detail=f"niet verzonden binnen {conf.expire_hours():g} uur na het geplande moment",
        )
        for pk in pks
    )
    Action.objects.filter(pk__in=[a for _, a in ids if a], status=ActionStatus.PLANNED).update(
        status=ActionStatus.FAILED
    )
    return n


def _claim(
    *, worker_id: str, batch_size: int, now: datetime
) -> tuple[list[OutboxMessage], int, int]:
    """Claim up to ``batch_size`` rows for this worker (committed before anything is sent)."""
    lease_until = now + timedelta(seconds=conf.lease_seconds())
    with transaction.atomic():
        locked = OutboxMessage.objects.select_for_update(skip_locked=True)
        stale = list(
            locked.filter(status=OutboxStatus.SENDING, locked_until__lt=now)
            .order_by("locked_until")
            .values_list("pk", "locked_by")[:batch_size]
        )
        due = list(
            locked.filter(status=OutboxStatus.PENDING, next_attempt_at__lte=now)
            .order_by("next_attempt_at", "pk")
            .values_list("pk", flat=True)[: batch_size - len(stale)]
        )
        ids = [pk for pk, _ in stale] + due
        if not ids:
            return [], 0, 0
        OutboxMessage.objects.filter(pk__in=ids).update(
            status=OutboxStatus.SENDING,
            locked_by=worker_id[:64],
            locked_until=lease_until,
            attempts=F("attempts") + 1,
        )
        rows = list(
            OutboxMessage.objects.filter(pk__in=ids)
            .select_related("organisation", "case", "action")
            .order_by("next_attempt_at", "pk")
        )
        previous = dict(stale)
        DeliveryEvent.objects.bulk_create(
            DeliveryEvent(
                message_id=m.pk,
                at=now,
                from_status="sending" if m.pk in previous else "pending",
                to_status="sending",
                attempt=m.attempts,
                detail=(
                    f"overgenomen van {previous[m.pk]} (claim verlopen) door {worker_id}"
                    if m.pk in previous
                    else f"geclaimd door {worker_id}"
                )[:500],
            )
            for m in rows
        )
        keep, withdrawn = [], []
        for m in rows:
            if m.action_id and (
                m.action.status != ActionStatus.PLANNED
                or (m.case is not None and m.case.status != CaseStatus.OPEN)
            ):
                withdrawn.append(m)
            else:
                keep.append(m)
        if withdrawn:
            _withdraw(withdrawn, now=now)
    return keep, len(stale), len(withdrawn)


def _withdraw(rows: list[OutboxMessage], *, now: datetime) -> None:
    """Journey messages whose case closed or paused (or whose action was withdrawn)
    since they were planned are cancelled, not sent: someone who paid yesterday gets no
    reminder today."""
    OutboxMessage.objects.filter(pk__in=[m.pk for m in rows]).update(
        status=OutboxStatus.CANCELLED, finished_at=now, locked_until=None, locked_by=""
    )
    DeliveryEvent.objects.bulk_create(
        DeliveryEvent(
            message_id=m.pk,
            at=now,
            from_status="sending",
            to_status="cancelled",
            attempt=m.attempts,
            detail=(
                f"dossier {m.case.get_status_display().lower()}"
                if m.case is not None and m.case.status != CaseStatus.OPEN
                else f"actie {m.action.get_status_display().lower()}"
            ),
        )
        for m in rows
    )
    Action.objects.filter(pk__in=[m.action_id for m in rows], status=ActionStatus.PLANNED).update(
        status=ActionStatus.CANCELLED
    )


def _release(rows: list[OutboxMessage], *, worker_id: str, now: datetime, why: str) -> int:
    """Give unsent claimed rows back (the attempt did not happen)."""
    if not rows:
        return 0
    pks = [m.pk for m in rows]
    with transaction.atomic():
        n = OutboxMessage.objects.filter(
            pk__in=pks, status=OutboxStatus.SENDING, locked_by=worker_id[:64]
        ).update(
            status=OutboxStatus.PENDING,
            locked_until=None,
            locked_by="",
            attempts=F("attempts") - 1,
        )
        DeliveryEvent.objects.bulk_create(
            DeliveryEvent(
                message_id=pk, at=now, from_status="sending", to_status="pending", detail=why
            )
            for pk in pks
        )
    return n


def outgoing_for(msg: OutboxMessage) -> OutgoingMessage:
    org = msg.organisation
    sender = formataddr((org.name, org.contact_email)) if org.contact_email else ""
    return OutgoingMessage(
        idempotency_key=msg.idempotency_key,
        channel=msg.channel,
        to=msg.recipient,
        subject=msg.subject,
        text=msg.text,
        html=msg.html,
        sender=sender,
        metadata={
            "outbox_id": msg.pk,
            "organisation_id": msg.organisation_id,
            "case_id": msg.case_id,
            "action_id": msg.action_id,
            "person_id": msg.person_id,
            "contact_point_id": msg.contact_point_id,
            "template_code": msg.template_code,
            "template_version_id": msg.template_version_id,
            "variant": msg.variant,
            "language": msg.language,
            "attempt": msg.attempts,
        },
    )


def outbox_deliver_batch(
    *,
    worker_id: str,
    batch_size: int,
    now: datetime,
    should_stop: Callable[[], bool] | None = None,
) -> DeliveryStats:
    """Claim one batch of due rows and deliver it; see the module docstring."""
    stats = DeliveryStats()
    stats.expired = _expire(now=now, limit=max(batch_size, 1000))
    started = time.monotonic()
    rows, stats.reclaimed, stats.cancelled = _claim(
        worker_id=worker_id, batch_size=batch_size, now=now
    )
    stats.claimed = len(rows)
    if not rows:
        return stats
    _maybe_kill("claimed")
    lease = conf.lease_seconds()
    # Stop handing over once most of the lease is used: after it, another worker may
    # claim the rows again and both would send.
    deadline = started + lease - min(lease / 4, 60.0)
    adapters: dict[str, ChannelAdapter] = {}
    try:
        for i, msg in enumerate(rows):
            if (should_stop and should_stop()) or time.monotonic() > deadline:
                why = "werker stopt" if should_stop and should_stop() else "claim bijna verlopen"
                stats.released += _release(rows[i:], worker_id=worker_id, now=now, why=why)
                break
            _deliver_one(msg, adapters=adapters, now=now, stats=stats)
    finally:
        for adapter in adapters.values():
            close = getattr(adapter, "close", None)
            if close is not None:
                try:
                    close()
                except Exception:  # closing a broken connection must not hide the batch
                    log.warning("closing the %s adapter failed", adapter, exc_info=True)
    return stats


def _deliver_one(
    msg: OutboxMessage, *, adapters: dict[str, ChannelAdapter], now: datetime, stats: DeliveryStats
) -> None:
    try:
        adapter = adapters.get(msg.channel) or adapter_for(msg.channel)
    except LookupError as exc:
        # Configuration, not the message: retry (an adapter may be deployed meanwhile).
        _retry(msg, str(exc), None, now, stats)
        return
    adapters[msg.channel] = adapter
    try:
        result = adapter.send(outgoing_for(msg))
    except TemporaryFailure as exc:
        _retry(msg, exc.detail, exc.retry_after, now, stats)
    except PermanentFailure as exc:
        new = outbox_mark_failed(message_id=msg.pk, detail=exc.detail, code=exc.code, now=now)
        stats.failed += 1
        stats.fallbacks += new is not None
    except Exception as exc:  # an adapter bug: retry, never lose the row
        log.exception("channel %s raised for outbox row %s", msg.channel, msg.pk)
        _retry(msg, f"onverwachte fout: {exc!r}", None, now, stats)
    else:
        _maybe_kill("sent")
        outbox_mark_sent(message_id=msg.pk, result=result, now=now)
        stats.sent += 1
        _maybe_kill("recorded")


def _retry(
    msg: OutboxMessage, detail: str, retry_after: Any, now: datetime, stats: DeliveryStats
) -> None:
    status = outbox_mark_retry(
        message_id=msg.pk, detail=detail, now=now, retry_after=retry_after, rand=random.random()
    )
    if status == OutboxStatus.FAILED:
        stats.failed += 1
    else:
        stats.retried += 1


def outbox_in_flight(*, now: datetime) -> bool:
    """Anything due now or being sent (``vangnet deliver --drain`` stops when not)."""
    return OutboxMessage.objects.filter(
        Q(status=OutboxStatus.PENDING, next_attempt_at__lte=now) | Q(status=OutboxStatus.SENDING)
    ).exists()
