"""The intake API: ``POST /signals/in/api/signals/`` (docs/signal-exchange.md).

Thin: authenticate the partner by HMAC over the raw body, parse with ``wire``, call
``intake.signal_receive``, answer with the acknowledgement. No session, no CSRF (the
HMAC signature is the authentication).
"""

from __future__ import annotations

import json
import time

from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from vangnet.signals.incoming import auth, conf
from vangnet.signals.incoming.intake import signal_receive
from vangnet.signals.incoming.models import SignalPartner
from vangnet.signals.incoming.wire import RecordInvalid, parse_envelope

MAX_BODY = 64 * 1024


def _refused(status: int, code: str, message: str) -> JsonResponse:
    return JsonResponse(
        {"ontvangen": False, "errors": [{"field": "(request)", "code": code, "message": message}]},
        status=status,
    )


@csrf_exempt
@require_POST
def signals_api(request: HttpRequest) -> JsonResponse:
    body = request.body
    if len(body) > MAX_BODY:
        return _refused(413, "too_large", f"the body is larger than {MAX_BODY} bytes")
    key_id = request.headers.get(auth.HEADER_KEY_ID, "")
    partner = SignalPartner.objects.filter(key_id=key_id, active=True).first() if key_id else None
    if partner is None:
        return _refused(401, "unknown_key", f"unknown or inactive {auth.HEADER_KEY_ID}")
    verdict = auth.verify(
        key=partner.secret_hash,
        timestamp=request.headers.get(auth.HEADER_TIMESTAMP, ""),
        given=request.headers.get(auth.HEADER_SIGNATURE, ""),
        body=body,
        now=int(time.time()),
        window=conf.replay_window_seconds(),
    )
    if not verdict.ok:
        return _refused(401, verdict.code, verdict.message)
    try:
        payload = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        return _refused(400, "not_json", f"the body is not UTF-8 JSON: {exc}")
    try:
        record = parse_envelope(payload, today=timezone.localdate())
        receipt = signal_receive(partner=partner, record=record)
    except RecordInvalid as exc:
        return JsonResponse(
            {"ontvangen": False, "errors": [e.as_dict() for e in exc.errors]}, status=400
        )
    return JsonResponse(
        {
            "ontvangen": True,
            "id": record.id,
            "ontvangstId": str(receipt.signal.pk),
            "outcome": receipt.outcome,
        },
        status=201 if receipt.outcome == "received" else 200,
    )
