"""The intake API over HTTP with real HMAC signatures."""

from __future__ import annotations

import json
import time

import pytest

from tests.signals.incoming.conftest import post_signed, signal_body
from vangnet.signals.incoming.models import IncomingSignal

pytestmark = pytest.mark.django_db


def test_signed_create_is_acknowledged_with_201(client, partners):
    water, secret = partners["water"]
    response = post_signed(client, signal_body("W-1"), key_id="water", secret=secret)
    assert response.status_code == 201, response.content
    ack = response.json()
    assert ack["ontvangen"] is True and ack["id"] == "W-1" and ack["outcome"] == "received"
    signal = IncomingSignal.objects.get(pk=ack["ontvangstId"])
    assert signal.partner == water and signal.address_key == "3511AB|12|"
    assert signal.events[0]["event"] == "create"


def test_the_same_create_twice_is_one_signal(client, partners):
    _, secret = partners["water"]
    first = post_signed(client, signal_body("W-1"), key_id="water", secret=secret)
    again = post_signed(client, signal_body("W-1"), key_id="water", secret=secret)
    assert again.status_code == 200 and again.json()["outcome"] == "duplicate"
    assert again.json()["ontvangstId"] == first.json()["ontvangstId"]
    assert IncomingSignal.objects.count() == 1


def test_same_id_from_two_partners_is_two_signals(client, partners):
    post_signed(client, signal_body("X-1"), key_id="water", secret=partners["water"][1])
    post_signed(client, signal_body("X-1"), key_id="woonstad", secret=partners["rent"][1])
    assert IncomingSignal.objects.count() == 2


def test_bad_signature_is_refused_and_nothing_stored(client, partners):
    response = post_signed(client, signal_body(), key_id="water", secret="not-the-secret")
    assert response.status_code == 401
    assert response.json()["errors"][0]["code"] == "bad_signature"
    assert not IncomingSignal.objects.exists()


def test_a_body_changed_after_signing_is_refused(client, partners):
    from vangnet.signals.incoming import auth

    raw = json.dumps(signal_body(amount_cents=100)).encode()
    headers = auth.sign_headers(
        key_id="water",
        key=auth.secret_hash(partners["water"][1]),
        body=raw,
        now=int(time.time()),
    )
    tampered = raw.replace(b"100", b"999")
    extra = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in headers.items()}
    response = client.post(
        "/signals/in/api/signals/", data=tampered, content_type="application/json", **extra
    )
    assert response.status_code == 401


def test_replay_outside_the_window_is_refused(client, partners):
    old = int(time.time()) - 301
    response = post_signed(
        client, signal_body(), key_id="water", secret=partners["water"][1], ts=old
    )
    assert response.status_code == 401
    assert response.json()["errors"][0]["code"] == "stale_timestamp"
    inside = int(time.time()) - 200
    ok = post_signed(client, signal_body(), key_id="water", secret=partners["water"][1], ts=inside)
    assert ok.status_code == 201


def test_unknown_or_inactive_key_is_refused(client, partners):
    water, secret = partners["water"]
    water.active = False
    water.save()
    assert post_signed(client, signal_body(), key_id="water", secret=secret).status_code == 401
    assert post_signed(client, signal_body(), key_id="nobody", secret=secret).status_code == 401


def test_invalid_record_gets_400_with_errors_per_field(client, partners):
    body = signal_body(postcode="0000XX")
    del body["signal"]["amount_cents"]
    response = post_signed(client, body, key_id="water", secret=partners["water"][1])
    assert response.status_code == 400
    fields = {e["field"] for e in response.json()["errors"]}
    assert fields == {"signal.client.postcode", "signal.amount_cents"}
    assert not IncomingSignal.objects.exists()


def test_not_json_is_a_clear_400(client, partners):
    response = post_signed(client, b"{nope", key_id="water", secret=partners["water"][1])
    assert response.status_code == 400 and response.json()["errors"][0]["code"] == "not_json"


def test_update_and_close_events(client, partners):
    secret = partners["water"][1]
    post_signed(client, signal_body("W-1", amount_cents=10000), key_id="water", secret=secret)
    up = post_signed(
        client,
        signal_body("W-1", amount_cents=25000, event="update"),
        key_id="water",
        secret=secret,
    )
    assert up.json()["outcome"] == "updated"
    close = {
        "format": "vangnet-signal/1",
        "event": "close",
        "signal": {"id": "W-1", "reason": "paid"},
    }
    assert post_signed(client, close, key_id="water", secret=secret).json()["outcome"] == "closed"
    signal = IncomingSignal.objects.get()
    assert signal.amount_cents == 25000
    assert [e["event"] for e in signal.events] == ["create", "update", "close"]
    assert signal.closed_by_partner_on is not None


def test_update_of_an_unknown_signal_is_400(client, partners):
    response = post_signed(
        client, signal_body("nope", event="update"), key_id="water", secret=partners["water"][1]
    )
    assert response.status_code == 400


def test_get_is_not_allowed(client):
    assert client.get("/signals/in/api/signals/").status_code == 405
