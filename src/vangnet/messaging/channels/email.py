"""The e-mail channel: Django's e-mail backend (SMTP by default), text + HTML.

The ``Message-ID`` is derived from the outbox row's idempotency key, so a message sent
again after a crashed worker carries the same id (receivers and mail clients can tell
it is the same message). SMTP answers are mapped to the outbox's two kinds of failure:

- 4xx replies, a refused or dropped connection, a timeout → ``TemporaryFailure``
  (the outbox retries with backoff);
- 5xx on a recipient (550 user unknown, 553 bad address …) → ``PermanentFailure``
  (the address is marked unusable and the next channel is tried);
- 5xx on the message itself (DATA refused, e.g. content) → ``PermanentFailure`` with
  code ``content_rejected`` (no fallback blames the address).

One SMTP connection is reused for all messages a worker sends in a batch; the worker
calls ``close()`` at the end.
"""

from __future__ import annotations

import hashlib
import smtplib
from email.utils import parseaddr

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection

from vangnet.messaging import conf
from vangnet.messaging.registry import register
from vangnet.messaging.types import (
    OutgoingMessage,
    PermanentFailure,
    SendResult,
    TemporaryFailure,
)


def message_id_for(idempotency_key: str, sender: str) -> str:
    """``<hash@domain>``: stable per key; the key itself may hold characters (``#``,
    ``:``) a Message-ID must not, and should not leak case numbers."""
    domain = parseaddr(sender)[1].rpartition("@")[2] or "vangnet.invalid"
    digest = hashlib.sha256(idempotency_key.encode()).hexdigest()[:32]
    return f"<{digest}@{domain}>"


def _code_text(code: int, text: bytes | str) -> str:
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return f"{code} {text}".strip()


class EmailAdapter:
    channel = "email"

    def __init__(self) -> None:
        self._connection = None

    def _open(self):
        if self._connection is None:
            self._connection = get_connection(
                conf.email_backend(), fail_silently=False, timeout=conf.email_timeout()
            )
            self._connection.open()
        return self._connection

    def close(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            connection.close()

    def _drop(self) -> None:
        try:
            self.close()
        except Exception:  # the connection is already broken; a new one comes next time
            self._connection = None

    def send(self, message: OutgoingMessage) -> SendResult:
        sender = message.sender or settings.DEFAULT_FROM_EMAIL
        msg_id = message_id_for(message.idempotency_key, sender)
        email = EmailMultiAlternatives(
            subject=message.subject,
            body=message.text,
            from_email=sender,
            to=[message.to],
            headers={"Message-ID": msg_id, "X-Vangnet-Key": message.idempotency_key},
        )
        if message.html:
            email.attach_alternative(message.html, "text/html")
        try:
            email.connection = self._open()
            sent = email.send()
        except smtplib.SMTPRecipientsRefused as exc:
            self._drop()
            code, text = next(iter(exc.recipients.values()), (0, b""))
            detail = _code_text(code, text)
            if 500 <= code < 600:
                raise PermanentFailure(
                    f"adres geweigerd: {detail}", code="invalid_recipient"
                ) from exc
            raise TemporaryFailure(f"adres tijdelijk geweigerd: {detail}", code=str(code)) from exc
        except smtplib.SMTPSenderRefused as exc:
            self._drop()
            # Our own sender is refused: configuration, not the person's address.
            raise TemporaryFailure(
                f"afzender geweigerd: {_code_text(exc.smtp_code, exc.smtp_error)}",
                code="sender_refused",
            ) from exc
        except smtplib.SMTPResponseException as exc:  # DATA, MAIL, HELO … with a code
            self._drop()
            detail = _code_text(exc.smtp_code, exc.smtp_error)
            if 500 <= exc.smtp_code < 600:
                raise PermanentFailure(
                    f"bericht geweigerd: {detail}", code="content_rejected"
                ) from exc
            raise TemporaryFailure(
                f"tijdelijk geweigerd: {detail}", code=str(exc.smtp_code)
            ) from exc
        except (TimeoutError, smtplib.SMTPException, OSError) as exc:
            self._drop()
            raise TemporaryFailure(f"geen verbinding met de mailserver: {exc}") from exc
        if not sent:
            raise TemporaryFailure("de mailserver nam het bericht niet aan")
        return SendResult(provider_id=msg_id.strip("<>"), detail="SMTP 250")


@register("email")
def email_adapter() -> EmailAdapter:
    return EmailAdapter()
