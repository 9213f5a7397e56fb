"""The real CM adapter against the local CM server, with every injected fault."""

from __future__ import annotations

import time

import pytest
import requests

from vangnet.messaging.channels.cm import CMAdapter, cm_reference, e164_from_cm, phone_e164
from vangnet.messaging.registry import adapter_for, channels
from vangnet.messaging.types import OutgoingMessage, PermanentFailure, TemporaryFailure

NUMBER = "+31612345678"


def outgoing(key: str = "outbox-1-a1", to: str = NUMBER, channel: str = "sms", **kw):
    return OutgoingMessage(
        idempotency_key=key,
        channel=channel,
        to=to,
        subject="",
        text=kw.pop("text", "Hallo Anna, uw rekening van € 125,00 staat nog open."),
        **kw,
    )


def test_registry_has_every_channel():
    assert {"sms", "whatsapp", "letter", "phone", "visit"} <= set(channels())
    assert isinstance(adapter_for("sms"), CMAdapter)


def test_sms_is_accepted_and_recorded_in_cm_notation(cm):
    result = adapter_for("sms").send(outgoing(to="06 12345678"))
    [msg] = cm.messages()
    assert msg["to"] == "0031612345678"
    assert msg["channels"] == ["SMS"]
    assert msg["from"] == "Waterbedr"
    assert "€ 125,00" in msg["content"]
    assert result.provider_id == msg["reference"]
    assert msg["reference"] == cm_reference("outbox-1-a1")


def test_outbox_email_sender_is_not_used_as_sms_sender(cm):
    adapter_for("sms").send(outgoing(sender="Waterbedrijf <klant@water.example>"))
    assert cm.messages()[0]["from"] == "Waterbedr"


def test_whatsapp_goes_through_the_same_api(cm):
    adapter_for("whatsapp").send(outgoing(channel="whatsapp"))
    assert cm.messages()[0]["channels"] == ["WhatsApp"]


def test_reference_is_cm_safe_and_stable():
    long_key = "outbox:12345:sms:2025-06-10:very-long-key-with-punctuation"
    ref = cm_reference(long_key)
    assert len(ref) == 32 and ref.isalnum()
    assert ref == cm_reference(long_key)
    assert cm_reference("abc123") == "abc123"


def test_retry_with_the_same_key_never_makes_a_second_message(cm):
    adapter = adapter_for("sms")
    first = adapter.send(outgoing(key="same-key"))
    second = adapter.send(outgoing(key="same-key"))
    assert first.provider_id == second.provider_id
    assert len(cm.messages()) == 1
    assert cm.state.duplicates == 1


def test_invalid_number_fails_permanently_before_any_http(cm):
    with pytest.raises(PermanentFailure) as err:
        adapter_for("sms").send(outgoing(to="12345"))
    assert err.value.code == "invalid_recipient"
    assert cm.state.requests == 0


def test_timeout_is_temporary_and_the_retry_does_not_double(cm):
    cm.inject("timeout", number=NUMBER, times=1, delay=0.8)
    adapter = adapter_for("sms")
    with pytest.raises(TemporaryFailure) as err:
        adapter.send(outgoing(key="slow-1"))
    assert err.value.code == "timeout"
    # The stalled request is still accepted by CM; the retry with the same reference
    # must not become a second message, whichever of the two lands first.
    adapter.send(outgoing(key="slow-1"))
    deadline = time.monotonic() + 5
    while len(cm.messages()) + cm.state.duplicates < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(cm.messages()) == 1
    assert cm.state.duplicates == 1


def test_rate_limit_carries_retry_after(cm):
    cm.inject("rate_limit", retry_after=7)
    with pytest.raises(TemporaryFailure) as err:
        adapter_for("sms").send(outgoing())
    assert err.value.code == "rate_limited"
    assert err.value.retry_after == 7
    assert cm.messages() == []
    adapter_for("sms").send(outgoing())  # the fault was for one request only
    assert len(cm.messages()) == 1


def test_server_error_is_temporary(cm):
    cm.inject("server_error", times=2)
    adapter = adapter_for("sms")
    for _ in range(2):
        with pytest.raises(TemporaryFailure) as err:
            adapter.send(outgoing())
        assert err.value.code == "http_500"
    adapter.send(outgoing())
    assert len(cm.messages()) == 1


def test_dropped_connection_is_temporary(cm):
    cm.inject("disconnect")
    with pytest.raises(TemporaryFailure) as err:
        adapter_for("sms").send(outgoing())
    assert err.value.code == "connection"


def test_no_server_at_all_is_temporary(cm, settings):
    cm.stop()
    with pytest.raises(TemporaryFailure):
        adapter_for("sms").send(outgoing())


def test_provider_invalid_recipient_is_permanent_for_that_number_only(cm):
    cm.inject("invalid_number", number=NUMBER, times=None)
    with pytest.raises(PermanentFailure) as err:
        adapter_for("sms").send(outgoing())
    assert err.value.code == "invalid_recipient"
    adapter_for("sms").send(outgoing(key="other", to="+31687654321"))
    assert [m["to"] for m in cm.messages()] == ["0031687654321"]


def test_wrong_token_is_an_account_problem_not_a_bad_number(cm, settings):
    settings.VANGNET_CM_PRODUCT_TOKEN = "wrong"
    with pytest.raises(TemporaryFailure) as err:
        adapter_for("sms").send(outgoing())
    assert err.value.code == "cm_103"


def test_refused_sender_is_configuration_not_the_contact_point(cm, settings):
    settings.VANGNET_CM_SMS_SENDER = "A sender name far too long"
    with pytest.raises(PermanentFailure) as err:
        adapter_for("sms").send(outgoing())
    assert err.value.code == "configuration"
    assert "301" in err.value.detail


def test_empty_text_is_refused_as_content(cm):
    with pytest.raises(PermanentFailure) as err:
        adapter_for("sms").send(outgoing(text="   "))
    assert err.value.code == "content_rejected"
    assert cm.state.requests == 0


def test_faults_can_be_injected_over_http(cm):
    response = requests.post(
        f"{cm.base_url}/_control/fault", json={"kind": "server_error", "times": 1}, timeout=2
    )
    assert response.status_code == 200
    with pytest.raises(TemporaryFailure):
        adapter_for("sms").send(outgoing())
    listing = requests.get(f"{cm.base_url}/_control/messages", timeout=2).json()
    assert listing == {"messages": []}


def test_sandbox_rejects_malformed_requests_like_cm(cm):
    bad = requests.post(f"{cm.base_url}/v1.0/message", data=b"{not json", timeout=2)
    assert bad.status_code == 400 and bad.json()["errorCode"] == 202
    no_token = requests.post(
        f"{cm.base_url}/v1.0/message", json={"messages": {"msg": []}}, timeout=2
    )
    assert no_token.status_code == 401 and no_token.json()["errorCode"] == 101


def test_phone_helpers():
    assert phone_e164("0612345678") == NUMBER
    assert e164_from_cm("0031612345678") == NUMBER
    assert e164_from_cm("+31612345678") == NUMBER
    assert e164_from_cm("rubbish") == ""
