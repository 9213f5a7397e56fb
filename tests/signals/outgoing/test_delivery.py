"""Signed delivery to a real local receiver: retry after a 500, replay refused, schema."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from datetime import timedelta

from django.utils import timezone

import jsonschema

from vangnet.signals.incoming.wire import parse_envelope
from vangnet.signals.outgoing import signing
from vangnet.signals.outgoing.constants import SignalStatus
from vangnet.signals.outgoing.delivery import signals_deliver
from vangnet.signals.outgoing.gate import signals_create_due
from vangnet.signals.outgoing.models import OutgoingSignal
from vangnet.signals.outgoing.services import signals_sync

from .conftest import DAY, SCHEMA, SECRET, make_case


def _queued(water, utrecht, receiver):
    utrecht.url = receiver.url
    utrecht.save()
    case = make_case(water)
    signals_create_due(organisation_id=water.pk, on=DAY)
    return case, OutgoingSignal.objects.get(case=case)


def test_retry_after_a_500_then_acknowledged(water, utrecht, receiver):
    case, signal = _queued(water, utrecht, receiver)
    receiver.answers = [500]
    now = timezone.now()
    first = signals_deliver(now=now)
    assert (first.sent, first.retry, first.failed) == (0, 1, 0)
    signal.refresh_from_db()
    assert signal.status == SignalStatus.QUEUED and signal.attempts == 1
    assert "HTTP 500" in signal.last_error
    assert signal.next_attempt_at > now
    # Not due yet: nothing is posted.
    assert signals_deliver(now=now + timedelta(seconds=1)).sent == 0
    assert len(receiver.requests) == 1
    second = signals_deliver(now=signal.next_attempt_at)
    assert second.sent == 1
    signal.refresh_from_db()
    assert signal.status == SignalStatus.ACKNOWLEDGED
    assert signal.ack_id == "R-2"
    assert signal.sent_amount_cents == 20000
    assert signal.pending_event == ""
    # Both requests were signed correctly (verified by the municipality side's code).
    assert all(r["verdict"].ok for r in receiver.requests)
    body = json.loads(receiver.requests[-1]["body"])
    jsonschema.validate(body, SCHEMA)
    assert body["signal"]["id"] == signal.wire_id
    assert body["signal"]["client"]["postcode"] == "3511AB"
    assert "bsn" not in json.dumps(body).lower()
    # …and the municipality side's parser accepts the body as is.
    record = parse_envelope(body, today=DAY)
    assert (record.amount_cents, record.municipality_code) == (20000, "0344")

    # A later amount change sends an update; payment sends a close.
    case.arrears_cents = 35000
    case.save()
    assert signals_sync(organisation_id=water.pk, on=DAY).updated == 1
    assert signals_deliver(now=timezone.now()).sent == 1
    signal.refresh_from_db()
    assert signal.status == SignalStatus.UPDATED and signal.sent_amount_cents == 35000
    assert json.loads(receiver.requests[-1]["body"])["event"] == "update"
    case.status, case.close_cause = "closed", "paid"
    case.save()
    assert signals_sync(organisation_id=water.pk, on=DAY).closed_paid == 1
    signals_deliver(now=timezone.now())
    last = json.loads(receiver.requests[-1]["body"])
    assert last == {
        "format": "vangnet-signal/1",
        "event": "close",
        "signal": {"id": signal.wire_id, "reason": "paid"},
    }
    signal.refresh_from_db()
    assert signal.status == SignalStatus.CLOSED


def test_a_replayed_request_is_refused(water, utrecht, receiver):
    _case, _signal = _queued(water, utrecht, receiver)
    assert signals_deliver(now=timezone.now()).sent == 1
    captured = receiver.requests[0]
    # The same bytes and headers, six minutes later (the receiver's clock moves on).
    receiver.clock_offset = 360
    request = urllib.request.Request(
        receiver.url,
        data=captured["body"],
        headers={k: v for k, v in captured["headers"].items() if k.startswith("X-Vangnet")},
        method="POST",
    )
    try:
        urllib.request.urlopen(request, timeout=5)
        raise AssertionError("replay accepted")
    except urllib.error.HTTPError as exc:
        assert exc.code == 401
    assert receiver.requests[-1]["verdict"].code == "stale_timestamp"
    # A tampered body with the old signature is refused too (inside the window).
    receiver.clock_offset = 0
    tampered = captured["body"].replace(b"20000", b"20001")
    request = urllib.request.Request(
        receiver.url, data=tampered, headers=dict(request.headers), method="POST"
    )
    try:
        urllib.request.urlopen(request, timeout=5)
        raise AssertionError("tampered body accepted")
    except urllib.error.HTTPError as exc:
        assert exc.code == 401
    assert receiver.requests[-1]["verdict"].code == "bad_signature"


def test_a_wrong_key_fails_at_once_without_retrying(water, utrecht, receiver):
    _case, signal = _queued(water, utrecht, receiver)
    utrecht.secret_hash = signing.key_from_secret(SECRET + "-old")
    utrecht.save()
    summary = signals_deliver(now=timezone.now())
    assert (summary.sent, summary.retry, summary.failed) == (0, 0, 1)
    signal.refresh_from_db()
    assert signal.status == SignalStatus.FAILED and "HTTP 401" in signal.last_error


def test_unreachable_receiver_is_retried_with_growing_backoff(water, utrecht, receiver):
    _case, signal = _queued(water, utrecht, receiver)
    utrecht.url = "http://127.0.0.1:9/"  # discard port: connection refused
    utrecht.save()
    now = timezone.now()
    signals_deliver(now=now)
    signal.refresh_from_db()
    gap1 = signal.next_attempt_at - now
    signals_deliver(now=signal.next_attempt_at)
    later = signal.next_attempt_at
    signal.refresh_from_db()
    assert signal.attempts == 2 and signal.status == SignalStatus.QUEUED
    assert signal.next_attempt_at - later == 2 * gap1
