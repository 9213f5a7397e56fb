"""Webhooks end to end: the CM sandbox posts delivery reports and incoming messages to a
live Django server; inbound e-mail through the test client."""

from __future__ import annotations

import json
import sys
import types
from datetime import UTC, date, datetime

from django.urls import reverse

import pytest

from tests.messaging.channels.factories import make_debtor
from vangnet.messaging.channels.models import InboundMessage
from vangnet.messaging.channels.sandbox.cm_server import start_server
from vangnet.messaging.channels.webhooks import (
    BadPayload,
    parse_cm_inbound,
    parse_cm_status,
    parse_email_inbound,
)
from vangnet.strategy.models import CaseEvent
from vangnet.workspace.models import Task, TaskKind

SECRET_HEADER = "HTTP_X_VANGNET_WEBHOOK_SECRET"


def status_payload(reference: str, code: str, **status) -> bytes:
    return json.dumps(
        {
            "messages": {
                "msg": {
                    "received": "2025-06-10T09:15:00",
                    "to": "0031612345678",
                    "reference": reference,
                    "status": {"code": code, **status},
                    "operator": "KPN",
                }
            }
        }
    ).encode()


# -- parsing ---------------------------------------------------------------------------


def test_parse_cm_status_codes():
    [delivered] = parse_cm_status(status_payload("ref1", "2"))
    assert (delivered.provider_id, delivered.status) == ("ref1", "delivered")
    assert delivered.at.isoformat() == "2025-06-10T09:15:00+00:00"
    [failed] = parse_cm_status(
        status_payload("ref2", "3", errorCode="9", errorDescription="Unknown subscriber")
    )
    assert failed.status == "failed" and failed.detail == "9 Unknown subscriber"
    assert parse_cm_status(status_payload("ref3", "0")) == []  # accepted: not final
    many = {"messages": {"msg": [{"reference": "a", "status": {"code": "1"}}] * 2}}
    assert [r.status for r in parse_cm_status(json.dumps(many).encode())] == ["failed"] * 2


@pytest.mark.parametrize(
    "raw",
    [b"not json", b"[]", b'{"messages": {}}', status_payload("", "2"), status_payload("r", "9")],
)
def test_parse_cm_status_rejects_bad_payloads(raw):
    with pytest.raises(BadPayload):
        parse_cm_status(raw)


def test_parse_cm_inbound_is_stable_per_message():
    payload = {
        "reference": "abc",
        "from": {"number": "0031612345678"},
        "to": {"number": "0031970102030"},
        "message": {"text": "Ik betaal vrijdag"},
        "timeUtc": "2025-06-10T08:00:00",
        "channel": "WhatsApp",
    }
    one = parse_cm_inbound(json.dumps(payload).encode())
    assert (one.channel, one.sender, one.body) == ("whatsapp", "+31612345678", "Ik betaal vrijdag")
    assert one.provider_id == parse_cm_inbound(json.dumps(payload).encode()).provider_id
    payload["message"]["text"] = "Iets anders"
    assert parse_cm_inbound(json.dumps(payload).encode()).provider_id != one.provider_id
    with pytest.raises(BadPayload):
        parse_cm_inbound(json.dumps({"from": {"number": "x"}}).encode())


def postmark(**over) -> dict:
    data = {
        "MessageID": "22c74902-a0c1-4511-804f-341342852c90",
        "From": "Anna <Klant1@Example.NL>",
        "FromFull": {"Email": "Klant1@Example.NL", "Name": "Anna"},
        "To": "klantenservice@water.example",
        "Subject": "Re: Uw rekening",
        "Date": "Tue, 10 Jun 2025 10:00:00 +0200",
        "TextBody": "Ik kan nu niet betalen.\n\n> eerder bericht",
        "StrippedTextReply": "Ik kan nu niet betalen.",
    }
    data.update(over)
    return data


def test_parse_email_inbound():
    incoming = parse_email_inbound(json.dumps(postmark()).encode())
    assert incoming.sender == "Klant1@example.nl"
    assert incoming.body == "Ik kan nu niet betalen."
    assert incoming.provider_id == "email:22c74902-a0c1-4511-804f-341342852c90"
    assert incoming.received_at.isoformat() == "2025-06-10T10:00:00+02:00"
    with pytest.raises(BadPayload):
        parse_email_inbound(json.dumps(postmark(MessageID="")).encode())


# -- authentication and HTTP behaviour ---------------------------------------------------


def test_webhooks_need_the_secret_and_post(client, webhook_secret, db):
    url = reverse("messaging_channels:cm-inbound")
    assert client.post(url, b"{}", content_type="application/json").status_code == 403
    wrong = client.post(url, b"{}", content_type="application/json", **{SECRET_HEADER: "nope"})
    assert wrong.status_code == 403
    assert client.get(url + f"?secret={webhook_secret}").status_code == 405
    bad = client.post(
        url + f"?secret={webhook_secret}", b"{broken", content_type="application/json"
    )
    assert bad.status_code == 400
    assert InboundMessage.objects.count() == 0


def test_no_configured_secret_refuses_everything(client, settings, db):
    settings.VANGNET_WEBHOOK_SECRET = ""
    url = reverse("messaging_channels:cm-status") + "?secret="
    assert (
        client.post(url, status_payload("r", "2"), content_type="application/json").status_code
        == 403
    )


def test_status_without_outbox_asks_cm_to_retry(client, webhook_secret, monkeypatch, db):
    monkeypatch.setitem(sys.modules, "vangnet.messaging.services", None)
    response = client.post(
        reverse("messaging_channels:cm-status"),
        status_payload("r", "2"),
        content_type="application/json",
        **{SECRET_HEADER: webhook_secret},
    )
    assert response.status_code == 503


# -- end to end with the sandbox posting to a live server --------------------------------


@pytest.fixture
def live_cm(live_server, webhook_secret):
    base = live_server.url
    server, _ = start_server(
        token="t",
        status_url=f"{base}{reverse('messaging_channels:cm-status')}?secret={webhook_secret}",
        inbound_url=f"{base}{reverse('messaging_channels:cm-inbound')}?secret={webhook_secret}",
    )
    yield server
    server.stop()


@pytest.mark.django_db(transaction=True)
def test_delivery_report_reaches_the_outbox(live_cm, monkeypatch):
    """The sandbox posts CM's report; the webhook hands it to ``outbox_status_update``.

    The outbox function is replaced by a recorder here: its own tests cover what it does
    with the row; this test covers the HTTP path, the format and the arguments.
    """
    calls = []

    def recorder(**kwargs):
        calls.append(kwargs)
        return None if kwargs["provider_id"] == "unknownref" else object()

    module = types.ModuleType("vangnet.messaging.services")
    module.outbox_status_update = recorder
    monkeypatch.setitem(sys.modules, "vangnet.messaging.services", module)

    live_cm.state.by_reference["ref42"] = {"to": "0031612345678"}
    assert live_cm.send_status_report("ref42", code=2) == 200
    assert live_cm.send_status_report("ref43", code=3, error_description="Absent") == 200
    assert live_cm.send_status_report("unknownref", code=2) == 409  # CM will retry
    assert [(c["provider_id"], c["status"]) for c in calls] == [
        ("ref42", "delivered"),
        ("ref43", "failed"),
        ("unknownref", "delivered"),
    ]
    assert calls[1]["detail"] == "Absent"


@pytest.mark.django_db(transaction=True)
def test_inbound_sms_is_matched_timelined_and_queued_once(live_cm):
    from vangnet.parties.models import Organisation

    organisation = Organisation.objects.create(name="Water", slug="water")
    debtor = make_debtor(organisation, mobile="+31612345678")

    at = datetime(2025, 6, 10, 8, 30, tzinfo=UTC)
    # CM retries until it gets a 200: the second delivery of the same message is a no-op.
    for _ in range(2):
        assert (
            live_cm.send_inbound(from_number="0031612345678", text="Ik bel morgen terug", at=at)
            == 200
        )

    message = InboundMessage.objects.get()
    assert (message.case_id, message.person_id, message.channel) == (
        debtor.case.pk,
        debtor.person.pk,
        "sms",
    )
    event = CaseEvent.objects.get(case=debtor.case, cause="reply")
    assert "Ik bel morgen terug" in event.text
    task = Task.objects.get()
    assert (task.kind, task.case_id, task.phone, task.priority) == (
        TaskKind.REPLY,
        debtor.case.pk,
        "+31612345678",
        2,
    )
    assert message.task_id == task.pk


@pytest.mark.django_db(transaction=True)
def test_unknown_sender_still_lands_in_the_reply_queue(live_cm):
    from vangnet.parties.models import Organisation

    Organisation.objects.create(name="Water", slug="water")
    assert (
        live_cm.send_inbound(from_number="+31687654321", text="Wie is dit?", channel="WhatsApp")
        == 200
    )
    message = InboundMessage.objects.get()
    assert message.case_id is None and message.match_note == "afzender onbekend"
    task = Task.objects.get()
    assert task.case_id is None and task.kind == TaskKind.REPLY
    assert "Wie is dit?" in task.description


# -- the same through the test client (faster, and for e-mail) ----------------------------


def post_json(client, name: str, payload: dict, secret: str):
    return client.post(
        reverse(f"messaging_channels:{name}"),
        json.dumps(payload),
        content_type="application/json",
        **{SECRET_HEADER: secret},
    )


def test_email_reply_matches_case_insensitively_and_dedupes(client, organisation, webhook_secret):
    debtor = make_debtor(organisation, email="klant1@example.nl")
    first = post_json(client, "email-inbound", postmark(), webhook_secret)
    again = post_json(client, "email-inbound", postmark(), webhook_secret)
    assert first.status_code == again.status_code == 200
    assert first.json()["created"] is True and again.json()["created"] is False
    message = InboundMessage.objects.get()
    assert message.case_id == debtor.case.pk and message.subject == "Re: Uw rekening"
    assert Task.objects.count() == 1
    assert CaseEvent.objects.filter(case=debtor.case, cause="reply").count() == 1


def test_number_shared_by_two_people_with_open_cases_is_not_guessed(
    client, organisation, webhook_secret
):
    make_debtor(organisation, mobile="+31611111111")
    make_debtor(organisation, mobile="+31611111111", surname="Pietersen")
    payload = {
        "from": {"number": "0031611111111"},
        "message": {"text": "Hallo"},
        "timeUtc": "2025-06-10T08:00:00",
        "channel": "SMS",
    }
    assert post_json(client, "cm-inbound", payload, webhook_secret).status_code == 200
    message = InboundMessage.objects.get()
    assert message.case_id is None and "meerdere" in message.match_note
    assert Task.objects.get().case_id is None


def test_reply_from_person_without_open_case_is_linked_to_the_person(
    client, organisation, webhook_secret
):
    debtor = make_debtor(organisation, with_case=False, opened_on=date(2025, 1, 1))
    payload = {"from": {"number": debtor.mobile}, "message": {"text": "Vraag"}, "channel": "SMS"}
    assert post_json(client, "cm-inbound", payload, webhook_secret).status_code == 200
    message = InboundMessage.objects.get()
    assert message.person_id == debtor.person.pk and message.case_id is None


@pytest.mark.django_db(transaction=True)
def test_sms_sent_then_delivery_report_marks_the_outbox_row_delivered(live_cm, settings):
    """Full loop with the real outbox: adapter → sandbox → status report → live webhook."""
    from django.utils import timezone

    from vangnet.messaging.models import OutboxMessage
    from vangnet.messaging.registry import adapter_for
    from vangnet.messaging.types import OutgoingMessage
    from vangnet.parties.models import Organisation

    settings.VANGNET_CM_BASE_URL = live_cm.base_url
    settings.VANGNET_CM_PRODUCT_TOKEN = "t"
    now = timezone.now()
    organisation = Organisation.objects.create(name="Water", slug="water")
    row = OutboxMessage.objects.create(
        organisation=organisation,
        channel="sms",
        recipient="+31612345678",
        text="Hallo",
        idempotency_key="outbox:e2e:sms",
        status="sending",
        not_before=now,
        next_attempt_at=now,
        created_at=now,
    )
    result = adapter_for("sms").send(
        OutgoingMessage(row.idempotency_key, "sms", row.recipient, "", row.text)
    )
    OutboxMessage.objects.filter(pk=row.pk).update(
        status="sent", provider_id=result.provider_id, sent_at=now
    )
    assert live_cm.send_status_report(result.provider_id, code=2) == 200
    row.refresh_from_db()
    assert row.status == "delivered" and row.delivered_at is not None
