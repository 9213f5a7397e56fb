"""SMS and WhatsApp through CM.com's Business Messaging API (Dutch provider).

One JSON endpoint, ``POST {base}/v1.0/message``, carries both channels; the channel is
chosen per message with ``allowedChannels``. Documented request::

    {"messages": {"authentication": {"producttoken": "<guid>"},
                  "msg": [{"from": "Vangnet", "to": [{"number": "0031612345678"}],
                           "body": {"type": "auto", "content": "…"},
                           "reference": "<1-32 alphanumerics>",
                           "allowedChannels": ["SMS"]}]}}

and response ``{"details": …, "errorCode": 0, "messages": [{"to", "status", "reference",
"parts", "messageDetails", "messageErrorCode"}]}``. Error codes (CM's text SDKs): 101
authentication failed, 102 balance insufficient, 103 product token incorrect, 201 one
or more messages have errors, 202 malformed request, 203 msg array incorrect, 301 from
invalid, 302 to invalid, 303 MSISDN invalid, 304 body invalid, 305 field invalid, 401
spam filtered, 402 blacklisted, 403 rejected, 500 internal error, 999 unknown.

CM answers without a message id of its own: status reports and replies carry our
``reference``, so the reference *is* the provider id we hand back to the outbox.
"""

from __future__ import annotations

import hashlib
import re
import threading
from dataclasses import dataclass
from typing import Any

import phonenumbers

from vangnet.messaging.channels import conf
from vangnet.messaging.registry import register
from vangnet.messaging.types import (
    OutgoingMessage,
    PermanentFailure,
    SendResult,
    TemporaryFailure,
)

_REFERENCE_OK = re.compile(r"^[A-Za-z0-9]{1,32}$")
_SENDER_OK = re.compile(r"^(?:[A-Za-z0-9 ]{1,11}|\+?[0-9]{1,16})$")

# Failure codes the outbox understands (messaging.constants.NOT_ADDRESS_CODES): these
# two never mark the contact point unusable; any other permanent code does.
CONTENT_REJECTED = "content_rejected"
CONFIGURATION = "configuration"

# Per-message error codes that say "this recipient can never get this message".
RECIPIENT_CODES = {302, 303}
# The message itself was refused (content or blocklist): retrying the same text is useless.
REJECTED_CODES = {304, 305, 401, 402, 403}
# The request (our configuration) is wrong; no contact point is to blame.
REQUEST_CODES = {202, 203, 301}
# Our account cannot send right now; an operator must act, then retries succeed.
ACCOUNT_CODES = {101, 102, 103}


def phone_e164(raw: str, *, region: str | None = None) -> str:
    """Normalise any notation to E.164, or raise ``PermanentFailure`` before any HTTP.

    An invalid number will stay invalid however often we retry, so this is permanent
    (code ``invalid_recipient``: the outbox marks the contact point).
    """
    try:
        number = phonenumbers.parse(raw or "", region or conf.default_region())
    except phonenumbers.NumberParseException as exc:
        raise PermanentFailure(
            f"ongeldig telefoonnummer {raw!r}", code="invalid_recipient"
        ) from exc
    if not phonenumbers.is_valid_number(number):
        raise PermanentFailure(f"ongeldig telefoonnummer {raw!r}", code="invalid_recipient")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def cm_number(e164: str) -> str:
    """CM's documented recipient notation: international with ``00`` (0031612345678)."""
    return "00" + e164.lstrip("+")


def e164_from_cm(raw: str) -> str:
    """The reverse (``0031…`` or ``+31…`` or ``31…``) to E.164; '' when unparseable."""
    value = (raw or "").strip()
    if value.startswith("00"):
        value = "+" + value[2:]
    elif value and not value.startswith("+"):
        value = "+" + value
    try:
        number = phonenumbers.parse(value, None)
    except phonenumbers.NumberParseException:
        return ""
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def cm_reference(idempotency_key: str) -> str:
    """CM allows 1–32 alphanumerics; longer or punctuated keys become a stable digest.

    The same outbox row always yields the same reference, so a retry is recognisable
    (the sandbox dedupes on it, and status reports find the row).
    """
    if _REFERENCE_OK.match(idempotency_key):
        return idempotency_key
    return hashlib.sha256(idempotency_key.encode()).hexdigest()[:32]


_local = threading.local()


def _session() -> Any:
    """One HTTP session per worker thread: keeps the TLS connection to CM open between
    messages instead of a handshake per SMS (sessions are not thread-safe to share)."""
    import requests

    session = getattr(_local, "session", None)
    if session is None:
        session = _local.session = requests.Session()
    return session


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        return None  # an HTTP date: let the outbox's own backoff decide


@dataclass
class CMAdapter:
    """One CM channel (``SMS`` or ``WhatsApp``); settings are read when built."""

    channel: str
    cm_channel: str
    base_url: str
    product_token: str
    sender: str
    timeout: float

    def payload(self, message: OutgoingMessage, *, number: str, reference: str) -> dict:
        msg: dict[str, Any] = {
            # The outbox's sender is an e-mail "Name <address>"; CM only takes a short
            # alphanumeric id or a number, so anything else falls back to the setting.
            "from": message.sender if _SENDER_OK.match(message.sender) else self.sender,
            "to": [{"number": number}],
            "body": {"type": "auto", "content": message.text},
            "reference": reference,
            "allowedChannels": [self.cm_channel],
        }
        if self.cm_channel == "SMS":
            # Long texts go as concatenated SMS (up to 8 parts, CM's maximum).
            msg["minimumNumberOfMessageParts"] = 1
            msg["maximumNumberOfMessageParts"] = 8
        return {"messages": {"authentication": {"producttoken": self.product_token}, "msg": [msg]}}

    def send(self, message: OutgoingMessage) -> SendResult:
        import requests  # only delivery workers need an HTTP client

        if not self.product_token:
            raise TemporaryFailure("VANGNET_CM_PRODUCT_TOKEN is niet ingesteld", code="config")
        if not message.text.strip():
            raise PermanentFailure("leeg bericht", code=CONTENT_REJECTED)
        e164 = phone_e164(message.to)
        reference = cm_reference(message.idempotency_key)
        body = self.payload(message, number=cm_number(e164), reference=reference)
        try:
            response = _session().post(
                f"{self.base_url}/v1.0/message", json=body, timeout=self.timeout
            )
        except requests.Timeout as exc:
            raise TemporaryFailure(
                f"CM antwoordde niet binnen {self.timeout:g} s", code="timeout"
            ) from exc
        except requests.ConnectionError as exc:
            raise TemporaryFailure(f"geen verbinding met CM: {exc}", code="connection") from exc
        return self._result(response, reference=reference)

    def _result(self, response: Any, *, reference: str) -> SendResult:
        status = response.status_code
        if status == 429:
            raise TemporaryFailure(
                "CM: te veel verzoeken (429)",
                code="rate_limited",
                retry_after=_retry_after(response.headers.get("Retry-After")),
            )
        if status >= 500:
            raise TemporaryFailure(f"CM: serverfout {status}", code=f"http_{status}")
        try:
            data = response.json()
        except ValueError:
            data = None
        if not isinstance(data, dict):
            if 200 <= status < 300:
                raise TemporaryFailure(f"CM: onleesbaar antwoord ({status})", code="bad_response")
            raise PermanentFailure(f"CM weigerde het verzoek ({status})", code=CONFIGURATION)
        error_code = int(data.get("errorCode") or 0)
        details = str(data.get("details") or "")
        messages = data.get("messages") or []
        first = messages[0] if messages and isinstance(messages[0], dict) else {}
        msg_code = int(first.get("messageErrorCode") or 0)
        msg_details = str(first.get("messageDetails") or details)
        if error_code == 0 and 200 <= status < 300 and msg_code == 0:
            parts = first.get("parts")
            return SendResult(
                provider_id=str(first.get("reference") or reference),
                detail=f"CM: {first.get('status', 'Accepted')}, {parts or 1} deel/delen",
            )
        code = msg_code or error_code
        if code in ACCOUNT_CODES or (status in (401, 403) and not msg_code):
            raise TemporaryFailure(f"CM-account: {details or status}", code=f"cm_{code or status}")
        if code in RECIPIENT_CODES:
            raise PermanentFailure(
                f"CM: ongeldige ontvanger ({msg_details})", code="invalid_recipient"
            )
        if code in REJECTED_CODES:
            raise PermanentFailure(
                f"CM weigerde het bericht ({code}: {msg_details})", code=CONTENT_REJECTED
            )
        if code in REQUEST_CODES or 400 <= status < 500:
            raise PermanentFailure(
                f"CM: ongeldig verzoek ({code or status}: {msg_details})", code=CONFIGURATION
            )
        raise TemporaryFailure(f"CM: fout {code} ({msg_details})", code=f"cm_{code}")


@register("sms")
def sms_adapter() -> CMAdapter:
    return CMAdapter(
        channel="sms",
        cm_channel="SMS",
        base_url=conf.cm_base_url(),
        product_token=conf.cm_product_token(),
        sender=conf.cm_sms_sender(),
        timeout=conf.cm_timeout(),
    )


@register("whatsapp")
def whatsapp_adapter() -> CMAdapter:
    return CMAdapter(
        channel="whatsapp",
        cm_channel="WhatsApp",
        base_url=conf.cm_base_url(),
        product_token=conf.cm_product_token(),
        sender=conf.cm_whatsapp_sender() or conf.cm_sms_sender(),
        timeout=conf.cm_timeout(),
    )
