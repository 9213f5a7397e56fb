"""Pushing signals to municipalities over the signed JSON API, with retries.

A signal with a ``pending_event`` is due when ``next_attempt_at`` has passed. Each
attempt is *claimed* first (a conditional UPDATE moves ``next_attempt_at`` past the
request's timeout), so two workers never post the same signal at once and a crash
mid-post simply retries later — the receiver is idempotent on the signal id.

Timeouts, connection errors and 5xx are retried with exponential backoff; any other
non-2xx (400 invalid, 401 bad signature …) will not get better by retrying and marks the
signal ``failed`` at once, with the error, for staff to look at.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

import requests

from vangnet.core.services import audit_record
from vangnet.signals.outgoing import conf, signing, wire
from vangnet.signals.outgoing.constants import (
    LIVE_STATUSES,
    DeliveryMethod,
    SignalStatus,
    WireEvent,
)
from vangnet.signals.outgoing.models import OutgoingSignal

DONE_STATUS = {
    WireEvent.CREATE: SignalStatus.ACKNOWLEDGED,
    WireEvent.UPDATE: SignalStatus.UPDATED,
    WireEvent.CLOSE: SignalStatus.CLOSED,
}


@dataclass
class DeliverySummary:
    sent: int = 0
    retry: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return {"sent": self.sent, "retry": self.retry, "failed": self.failed}


def due_ids(*, now: datetime, limit: int) -> list[int]:
    return list(
        OutgoingSignal.objects.filter(
            ~Q(pending_event=""),
            Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now),
            status__in=LIVE_STATUSES,
            endpoint__method=DeliveryMethod.API,
            endpoint__active=True,
        )
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )


def _claim(signal: OutgoingSignal, now: datetime) -> bool:
    lease = now + timedelta(seconds=conf.timeout_seconds() * 2 + 5)
    return bool(
        OutgoingSignal.objects.filter(
            pk=signal.pk, next_attempt_at=signal.next_attempt_at, pending_event=signal.pending_event
        ).update(next_attempt_at=lease)
    )


def delivered_mark(
    *, signal: OutgoingSignal, event: str, ack: dict[str, object], now: datetime
) -> None:
    """Record a 2xx: the event is done; the receipt id is kept when there is one."""
    with transaction.atomic():
        locked = OutgoingSignal.objects.select_for_update().get(pk=signal.pk)
        if locked.pending_event != event:  # changed while we were posting: send that next
            locked.next_attempt_at = None
            locked.save(update_fields=["next_attempt_at", "updated_at"])
            return
        receipt = ack.get("ontvangstId") if isinstance(ack, dict) else None
        locked.status = DONE_STATUS[event]
        if event == WireEvent.CREATE and not receipt and ack.get("ontvangen") is not True:
            locked.status = SignalStatus.SENT
        if receipt:
            locked.ack_id = str(receipt)[:100]
            locked.acknowledged_at = now
        locked.pending_event = WireEvent.NONE
        locked.sent_amount_cents = locked.amount_cents
        locked.sent_at = now
        locked.next_attempt_at = None
        locked.attempts += 1
        locked.last_error = ""
        locked.save()
        audit_record(
            action=f"signals_out.{event}_delivered",
            summary=f"{locked.municipality_name}: {locked.wire_id}",
            process="signals_deliver",
            object_type="outgoingsignal",
            object_id=locked.pk,
            details={"ack": locked.ack_id},
        )


def _failed(signal: OutgoingSignal, *, error: str, retry: bool, now: datetime) -> bool:
    """Record a failed attempt; returns True when it will be retried."""
    attempts = signal.attempts + 1
    retry = retry and attempts < conf.max_attempts()
    delay = conf.backoff_seconds() * (2 ** (attempts - 1))
    OutgoingSignal.objects.filter(pk=signal.pk).update(
        attempts=attempts,
        last_error=error[:300],
        next_attempt_at=now + timedelta(seconds=delay) if retry else None,
        status=signal.status if retry else SignalStatus.FAILED,
        updated_at=now,
    )
    if not retry:
        audit_record(
            action="signals_out.delivery_failed",
            summary=f"{signal.municipality_name}: {error[:200]}",
            process="signals_deliver",
            object_type="outgoingsignal",
            object_id=signal.pk,
        )
    return retry


def signal_post(
    *, signal: OutgoingSignal, now: datetime, session: requests.Session
) -> tuple[bool, bool, str, dict]:
    """One signed POST: (ok, retryable, error, acknowledgement)."""
    endpoint = signal.endpoint
    assert endpoint is not None
    event = signal.pending_event
    body = wire.body_bytes(signal, event)
    headers = signing.sign_headers(
        key_id=endpoint.key_id, key=endpoint.secret_hash, body=body, now=int(now.timestamp())
    )
    try:
        response = session.post(
            endpoint.url, data=body, headers=headers, timeout=conf.timeout_seconds()
        )
    except requests.Timeout as exc:
        return False, True, f"timeout: {exc}", {}
    except requests.RequestException as exc:
        return False, True, f"connection: {exc}", {}
    if 200 <= response.status_code < 300:
        try:
            ack = response.json()
        except ValueError:
            ack = {}
        return True, False, "", ack if isinstance(ack, dict) else {}
    detail = response.text[:200].replace("\n", " ")
    return (
        False,
        response.status_code >= 500 or response.status_code == 429,
        (f"HTTP {response.status_code}: {detail}"),
        {},
    )


def signals_deliver(
    *, now: datetime | None = None, session: requests.Session | None = None, limit: int = 500
) -> DeliverySummary:
    """Post every due signal event to its municipality's API (retries with backoff)."""
    now = now or timezone.now()
    http = session or requests.Session()
    summary = DeliverySummary()
    for signal in wire.load_signals(due_ids(now=now, limit=limit)):
        if not _claim(signal, now):
            continue
        event = signal.pending_event
        ok, retryable, error, ack = signal_post(signal=signal, now=now, session=http)
        if ok:
            delivered_mark(signal=signal, event=event, ack=ack, now=now)
            summary.sent += 1
        elif _failed(signal, error=error, retry=retryable, now=now):
            summary.retry += 1
            summary.errors.append(error)
        else:
            summary.failed += 1
            summary.errors.append(error)
    return summary


def ack_json(raw: bytes) -> dict[str, object]:
    try:
        data = json.loads(raw)
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}
