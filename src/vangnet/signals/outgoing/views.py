"""Thin views: the staff list and the municipality's feedback endpoint."""

from __future__ import annotations

import time

from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from vangnet.core.errors import Invalid
from vangnet.signals.outgoing import conf, signing
from vangnet.signals.outgoing.constants import SignalStatus
from vangnet.signals.outgoing.models import MunicipalityEndpoint, OutgoingSignal
from vangnet.signals.outgoing.services import feedback_parse, signal_feedback_receive

PAGE_SIZE = 50
MAX_BODY = 16_384


@login_required
@permission_required("signals_out.view_outgoingsignal", raise_exception=True)
def signal_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    if status not in SignalStatus.values:
        status = ""
    qs = OutgoingSignal.objects.select_related("account__customer").order_by("-signalled_on", "-pk")
    if status:
        qs = qs.filter(status=status)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "signals_out/list.html",
        {
            "page": page,
            "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=2),
            "status": status,
            "status_choices": SignalStatus.choices,
        },
    )


def _refuse(code: str, message: str, status: int) -> JsonResponse:
    return JsonResponse({"ontvangen": False, "error": code, "message": message}, status=status)


@csrf_exempt
@require_POST
def feedback(request: HttpRequest) -> JsonResponse:
    """``POST /signals/out/feedback/``, HMAC-signed by the municipality.

    docs/signal-exchange.md "Feedback"."""
    body = request.body
    if len(body) > MAX_BODY:
        return _refuse("too_large", "body too large", 413)
    key_id = request.headers.get(signing.HEADER_KEY_ID, "")
    endpoint = (
        MunicipalityEndpoint.objects.filter(key_id=key_id, active=True)
        .exclude(secret_hash="")
        .first()
        if key_id
        else None
    )
    if endpoint is None:
        return _refuse("unknown_key", "unknown key id", 401)
    problem = signing.verify(
        key=endpoint.secret_hash,
        timestamp=request.headers.get(signing.HEADER_TIMESTAMP, ""),
        given=request.headers.get(signing.HEADER_SIGNATURE, ""),
        body=body,
        now=int(time.time()),
        window=conf.replay_window_seconds(),
    )
    if problem:
        return _refuse(problem, "signature or timestamp not accepted", 401)
    try:
        signal_id, event, _on = feedback_parse(body)
        signal = signal_feedback_receive(
            endpoint=endpoint, signal_id=signal_id, event=event, today=timezone.localdate()
        )
    except Invalid as exc:
        return _refuse(exc.code, exc.en, 404 if exc.code == "feedback_unknown_signal" else 400)
    return JsonResponse({"ontvangen": True, "id": signal.wire_id, "feedback": signal.feedback})
