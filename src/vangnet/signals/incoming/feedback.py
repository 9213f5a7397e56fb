"""Feedback to the creditor: only *that* a signal was not picked up, or that help was
accepted — never why (DOMAIN.md "After help is accepted").

Rows are written in the same transaction as the decision (an outbox) and posted later,
HMAC-signed with the partner's key, by ``feedback_send_pending``; a failed post is
retried on the next run, and a partner without a feedback URL simply keeps its rows
for the monitor.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable
from datetime import date, datetime

from django.db.models import F
from django.utils import timezone

import requests

from vangnet.signals.incoming import auth, conf
from vangnet.signals.incoming.constants import FeedbackStatus
from vangnet.signals.incoming.models import IncomingSignal, PartnerFeedback

FORMAT = "vangnet-signal-feedback/1"
MAX_ATTEMPTS = 10


def feedback_queue(*, signals: Iterable[IncomingSignal], event: str, on: date) -> int:
    """One pending feedback per (partner, signal, event); existing ones are left alone."""
    rows = [
        PartnerFeedback(
            partner_id=s.partner_id, signal=s, external_id=s.external_id, event=event, on=on
        )
        for s in signals
    ]
    PartnerFeedback.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)
    return len(rows)


def feedback_body(row: PartnerFeedback) -> bytes:
    return json.dumps(
        {"format": FORMAT, "id": row.external_id, "event": row.event, "on": row.on.isoformat()},
        separators=(",", ":"),
    ).encode()


def feedback_send_pending(
    *, now: datetime | None = None, session: requests.Session | None = None
) -> dict[str, int]:
    """Post every pending feedback to its partner; returns counts sent/failed/waiting."""
    now = now or timezone.now()
    http = session or requests.Session()
    counts = {"sent": 0, "failed": 0, "waiting": 0}
    pending = PartnerFeedback.objects.filter(status=FeedbackStatus.PENDING).select_related(
        "partner"
    )
    for row in pending.order_by("pk")[:1000]:
        partner = row.partner
        if not partner.feedback_url or not partner.active:
            counts["waiting"] += 1
            continue
        body = feedback_body(row)
        headers = auth.sign_headers(
            key_id=partner.key_id, key=partner.secret_hash, body=body, now=int(time.time())
        )
        try:
            response = http.post(
                partner.feedback_url,
                data=body,
                headers=headers,
                timeout=conf.feedback_timeout_seconds(),
            )
            ok, error = 200 <= response.status_code < 300, f"HTTP {response.status_code}"
        except requests.RequestException as exc:
            ok, error = False, str(exc)[:300]
        if ok:
            PartnerFeedback.objects.filter(pk=row.pk).update(
                status=FeedbackStatus.SENT, sent_at=now, attempts=F("attempts") + 1
            )
            counts["sent"] += 1
        else:
            final = row.attempts + 1 >= MAX_ATTEMPTS
            PartnerFeedback.objects.filter(pk=row.pk).update(
                status=FeedbackStatus.FAILED if final else FeedbackStatus.PENDING,
                attempts=F("attempts") + 1,
                last_error=error,
            )
            counts["failed"] += 1
    return counts
