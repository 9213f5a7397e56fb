"""The e-mail adapter against a real SMTP server (aiosmtpd) with injected faults."""

from __future__ import annotations

import pytest

from tests.messaging.outbox_support import SMTP_BACKEND, SmtpServer, free_port
from vangnet.messaging.channels.email import EmailAdapter, message_id_for
from vangnet.messaging.registry import adapter_for
from vangnet.messaging.types import OutgoingMessage, PermanentFailure, TemporaryFailure


@pytest.fixture
def smtp(settings):
    with SmtpServer() as server:
        settings.VANGNET_EMAIL_BACKEND = SMTP_BACKEND
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
        settings.DEFAULT_FROM_EMAIL = "noreply@vangnet.example"
        yield server


def outgoing(
    to: str = "klant@example.nl", key: str = "run:1:2025-06-10#1", **kw
) -> OutgoingMessage:
    return OutgoingMessage(
        idempotency_key=key,
        channel="email",
        to=to,
        subject=kw.pop("subject", "Uw rekening"),
        text="Beste klant, betaal via de link.",
        html="<p>Beste klant, <a href='https://example.nl/r/x'>betaal</a>.</p>",
        **kw,
    )


def test_registered_under_email():
    assert isinstance(adapter_for("email"), EmailAdapter)


def test_sends_text_and_html_with_stable_message_id(smtp):
    adapter = EmailAdapter()
    try:
        result = adapter.send(outgoing(sender="Waterbedrijf <post@water.example>"))
        again = adapter.send(outgoing(sender="Waterbedrijf <post@water.example>"))
        adapter.send(outgoing(key="run:2:2025-06-10#1", subject="Ändere €"))
    finally:
        adapter.close()
    first, second, third = smtp.recorder.received
    assert (
        first.message_id
        == second.message_id
        == message_id_for("run:1:2025-06-10#1", "post@water.example")
    )
    assert first.message_id.endswith("@water.example>")
    assert result.provider_id == again.provider_id == first.message_id.strip("<>")
    assert third.message_id != first.message_id
    assert third.message_id.endswith("@vangnet.example>")  # DEFAULT_FROM_EMAIL's domain
    assert third.message["From"] == "noreply@vangnet.example"
    types = [p.get_content_type() for p in first.message.walk()]
    assert types == ["multipart/alternative", "text/plain", "text/html"]
    assert first.key == "run:1:2025-06-10#1"


def test_451_is_temporary_then_next_attempt_succeeds(smtp):
    smtp.recorder.faults["klant@example.nl"] = ["451 4.7.1 Greylisted, try again"]
    adapter = EmailAdapter()
    with pytest.raises(TemporaryFailure, match="451") as info:
        adapter.send(outgoing())
    assert info.value.code == "451"
    adapter.send(outgoing())
    adapter.close()
    assert len(smtp.recorder.received) == 1


def test_550_user_unknown_is_permanent(smtp):
    smtp.recorder.faults["weg@example.nl"] = ["550 5.1.1 User unknown"]
    with pytest.raises(PermanentFailure, match="User unknown") as info:
        EmailAdapter().send(outgoing(to="weg@example.nl"))
    assert info.value.code == "invalid_recipient"


def test_content_refused_is_permanent_without_blaming_the_address(smtp):
    smtp.recorder.data_fault = "554 5.6.0 Message refused"
    with pytest.raises(PermanentFailure) as info:
        EmailAdapter().send(outgoing())
    assert info.value.code == "content_rejected"


def test_closed_port_is_temporary(settings):
    settings.VANGNET_EMAIL_BACKEND = SMTP_BACKEND
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()
    with pytest.raises(TemporaryFailure, match="verbinding"):
        EmailAdapter().send(outgoing())


def test_connection_is_reopened_after_an_error(smtp):
    adapter = EmailAdapter()
    smtp.recorder.faults["weg@example.nl"] = ["550 5.1.1 User unknown"]
    with pytest.raises(PermanentFailure):
        adapter.send(outgoing(to="weg@example.nl"))
    adapter.send(outgoing())
    adapter.close()
    assert [r.rcpt for r in smtp.recorder.received] == [["klant@example.nl"]]
