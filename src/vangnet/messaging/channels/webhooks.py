"""Provider webhooks: CM delivery reports, CM inbound messages, inbound e-mail.

Parsing (payload → plain values) is separate from applying (services), so the formats are
tested on their own and the views stay thin. Every webhook:

* is authenticated with a shared secret (header ``X-Vangnet-Webhook-Secret`` or query
  parameter ``secret``, compared in constant time); no secret configured → refused;
* is CSRF-exempt (a provider cannot send our CSRF token) and POST-only;
* is idempotent: providers retry until they get a 200, so a repeat is answered 200
  without doing anything twice;
* answers 400 for a payload it cannot read (and stores nothing); 409 for a status report
  whose reference the outbox does not know yet and 503 when the outbox is not installed
  (both make the provider retry later instead of the report being lost).

Formats:

* CM status report (JSON): ``{"messages": {"msg": {"received", "to", "reference",
  "status": {"code", "errorCode", "errorDescription"}, "operator"}}}`` — ``msg`` may
  also be a list. Status codes: 0 accepted by operator (ignored), 1 rejected, 2
  delivered, 3 failed, 4 read (counts as delivered).
* CM inbound (MO, JSON): ``{"reference", "messageContext", "from": {"number", "name"},
  "to": {"number"}, "message": {"text", …}, "groupings", "timeUtc", "channel"}``. CM sends
  no id of the incoming message itself, so ours is a digest of channel, sender, time and
  text (the same on every retry).
* Inbound e-mail: Postmark's inbound webhook JSON (``MessageID``, ``FromFull.Email``,
  ``From``, ``To``, ``Subject``, ``Date``, ``TextBody``, ``StrippedTextReply``). Other
  inbound-parse services (Mailgun routes, SendGrid Inbound Parse) can be bridged to it.
"""

from __future__ import annotations

import hmac
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from vangnet.messaging.channels import conf
from vangnet.messaging.channels.cm import e164_from_cm
from vangnet.messaging.channels.inbound import Incoming, digest_id, inbound_register
from vangnet.parties.validation import normalise_email

SECRET_HEADER = "X-Vangnet-Webhook-Secret"
MAX_BODY = 1_000_000


class BadPayload(ValueError):
    """The payload is not in the documented format (answered with 400)."""


@dataclass(frozen=True)
class StatusReport:
    provider_id: str
    status: str  # "delivered" | "failed"
    detail: str
    at: datetime | None


# CM status codes -> our outbox status; 0 (accepted by operator) is not final.
CM_STATUS = {"1": "failed", "2": "delivered", "3": "failed", "4": "delivered"}


def _json(raw: bytes) -> Any:
    if len(raw) > MAX_BODY:
        raise BadPayload("payload too large")
    try:
        return json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise BadPayload(f"not JSON: {exc}") from exc


def _utc(value: str) -> datetime | None:
    try:
        parsed = datetime.fromisoformat(value.strip())
    except (ValueError, AttributeError):
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def parse_cm_status(raw: bytes) -> list[StatusReport]:
    """CM's JSON status report(s) → final statuses (accepted-by-operator is skipped)."""
    data = _json(raw)
    msgs = (data.get("messages") or {}).get("msg") if isinstance(data, dict) else None
    if isinstance(msgs, dict):
        msgs = [msgs]
    if not isinstance(msgs, list) or not msgs:
        raise BadPayload("no messages.msg in status report")
    reports: list[StatusReport] = []
    for msg in msgs:
        if not isinstance(msg, dict) or not msg.get("reference"):
            raise BadPayload("status report without reference")
        status = msg.get("status") or {}
        code = str(status.get("code", "")).strip()
        if code not in CM_STATUS and code != "0":
            raise BadPayload(f"unknown status code {code!r}")
        if code == "0":
            continue
        detail = " ".join(
            str(part)
            for part in (status.get("errorCode"), status.get("errorDescription"))
            if part not in (None, "")
        )
        reports.append(
            StatusReport(
                provider_id=str(msg["reference"]),
                status=CM_STATUS[code],
                detail=detail,
                at=_utc(str(msg.get("received") or "")),
            )
        )
    return reports


def parse_cm_inbound(raw: bytes) -> Incoming:
    data = _json(raw)
    if not isinstance(data, dict):
        raise BadPayload("inbound message is not an object")
    sender_raw = str((data.get("from") or {}).get("number") or "")
    sender = e164_from_cm(sender_raw)
    if not sender:
        raise BadPayload(f"unreadable sender number {sender_raw!r}")
    message = data.get("message") or {}
    text = str(message.get("text") or "") if isinstance(message, dict) else ""
    channel_raw = str(data.get("channel") or "SMS")
    channel = "whatsapp" if channel_raw.lower() == "whatsapp" else "sms"
    time_utc = str(data.get("timeUtc") or "")
    received = _utc(time_utc) or timezone.now()
    return Incoming(
        channel=channel,
        sender=sender,
        recipient=e164_from_cm(str((data.get("to") or {}).get("number") or "")),
        body=text,
        received_at=received,
        provider_id=digest_id("cm", channel_raw, sender, time_utc, text),
        in_reply_to=str(data.get("reference") or ""),
    )


def parse_email_inbound(raw: bytes) -> Incoming:
    """Postmark inbound JSON → Incoming; the reply text without the quoted original."""
    data = _json(raw)
    if not isinstance(data, dict):
        raise BadPayload("inbound e-mail is not an object")
    message_id = str(data.get("MessageID") or "").strip()
    if not message_id:
        raise BadPayload("inbound e-mail without MessageID")
    address = str((data.get("FromFull") or {}).get("Email") or data.get("From") or "")
    if "<" in address:
        address = address.split("<", 1)[1].rstrip(">").strip()
    try:
        sender = normalise_email(address)
    except ValueError as exc:
        raise BadPayload(f"unreadable sender address {address!r}") from exc
    try:
        received = parsedate_to_datetime(str(data.get("Date") or ""))
    except (TypeError, ValueError):
        received = timezone.now()
    if received.tzinfo is None:
        received = received.replace(tzinfo=UTC)
    body = str(data.get("StrippedTextReply") or data.get("TextBody") or "").strip()
    return Incoming(
        channel="email",
        sender=sender,
        recipient=str(data.get("To") or "")[:254],
        subject=str(data.get("Subject") or ""),
        body=body,
        received_at=received,
        provider_id=f"email:{message_id}"[:128],
        in_reply_to=str(data.get("MailboxHash") or ""),
    )


def status_reports_apply(reports: list[StatusReport], *, update: Any) -> tuple[int, int]:
    """Hand each final status to the outbox; returns ``(applied, unknown)``.

    ``update`` is ``messaging.services.outbox_status_update``, which returns None for a
    reference it does not know (yet): the report can overtake the worker that records
    the hand-over, so the view then asks CM to retry.
    """
    applied = unknown = 0
    for report in reports:
        row = update(
            provider_id=report.provider_id,
            status=report.status,
            detail=report.detail,
            at=report.at,
        )
        if row is None:
            unknown += 1
        else:
            applied += 1
    return applied, unknown


def authenticated(request: HttpRequest) -> bool:
    expected = conf.webhook_secret()
    given = request.headers.get(SECRET_HEADER) or request.GET.get("secret") or ""
    if not expected or not given:
        return False
    return hmac.compare_digest(given.encode(), expected.encode())


def _webhook(view):
    def wrapped(request: HttpRequest) -> HttpResponse:
        if not authenticated(request):
            return JsonResponse({"error": "forbidden"}, status=403)
        try:
            return view(request)
        except BadPayload as exc:
            return JsonResponse({"error": str(exc)}, status=400)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return csrf_exempt(require_POST(wrapped))


@_webhook
def cm_status(request: HttpRequest) -> HttpResponse:
    """CM delivery reports → ``outbox_status_update``."""
    reports = parse_cm_status(request.body)
    try:
        # Imported here: the outbox is its own app and may be deployed later.
        from vangnet.messaging.services import outbox_status_update
    except ImportError:
        # 503 makes CM keep the report and retry, instead of it being lost.
        return JsonResponse({"error": "outbox unavailable"}, status=503)
    applied, unknown = status_reports_apply(reports, update=outbox_status_update)
    # Unknown reference: not a 2xx, so CM keeps the report and retries (for up to 7 days)
    # until the worker has recorded the hand-over. Applied ones are idempotent on retry.
    return JsonResponse({"applied": applied, "unknown": unknown}, status=409 if unknown else 200)


@_webhook
def cm_inbound(request: HttpRequest) -> HttpResponse:
    """CM incoming SMS/WhatsApp → InboundMessage + reply task."""
    message, created = inbound_register(incoming=parse_cm_inbound(request.body))
    return JsonResponse({"id": message.pk, "created": created, "matched": bool(message.case_id)})


@_webhook
def email_inbound(request: HttpRequest) -> HttpResponse:
    """Inbound e-mail (Postmark JSON) → InboundMessage + reply task."""
    message, created = inbound_register(incoming=parse_email_inbound(request.body))
    return JsonResponse({"id": message.pk, "created": created, "matched": bool(message.case_id)})
