"""Staff pages of the outbox: list per channel, one message, requeue and cancel.

Views only parse the request, call selectors/services and render.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vangnet.core.services import access_record
from vangnet.messaging import selectors
from vangnet.messaging.constants import OUTBOX_CHANNELS, REQUEUEABLE_STATUSES, OutboxStatus
from vangnet.messaging.services import OutboxActionRefused, outbox_cancel, outbox_requeue
from vangnet.parties.constants import Channel
from vangnet.parties.selectors import organisation_current

VIEW_PERMISSION = "messaging.view_outboxmessage"
CHANGE_PERMISSION = "messaging.change_outboxmessage"


def _organisation_id() -> int | None:
    organisation = organisation_current()
    return organisation.pk if organisation else None


@login_required
@permission_required(VIEW_PERMISSION, raise_exception=True)
def outbox_list(request: HttpRequest) -> HttpResponse:
    channel = request.GET.get("kanaal", "")
    channel = channel if channel in OUTBOX_CHANNELS else ""
    status = request.GET.get("status", "")
    status = status if status in OutboxStatus.values else ""
    q = request.GET.get("q", "").strip()[:32]
    rows = selectors.outbox_messages(
        organisation_id=_organisation_id(), channel=channel, status=status, q=q
    )
    page = Paginator(rows, selectors.PAGE_SIZE).get_page(request.GET.get("page"))
    labels = dict(Channel.choices)
    context = {
        "page": page,
        "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=2),
        "channel": channel,
        "status": status,
        "q": q,
        "tabs": [("", _("Alle kanalen"))] + [(c, labels.get(c, c)) for c in OUTBOX_CHANNELS],
        "status_choices": OutboxStatus.choices,
    }
    return render(request, "messaging/outbox_list.html", context)


@login_required
@permission_required(VIEW_PERMISSION, raise_exception=True)
def outbox_detail(request: HttpRequest, pk: int) -> HttpResponse:
    message = selectors.outbox_message_detail(organisation_id=_organisation_id(), pk=pk)
    if message is None:
        raise Http404
    # AVG: a message shows a person's address and content; every look is logged.
    access_record(user=request.user, object_type="outboxmessage", object_id=pk, purpose="view")
    context = {
        "message": message,
        "events": selectors.delivery_events(message=message),
        "related": selectors.related_messages(message=message),
        "can_change": request.user.has_perm(CHANGE_PERMISSION),
        "can_requeue": message.status in REQUEUEABLE_STATUSES,
        "can_cancel": message.status == OutboxStatus.PENDING,
    }
    return render(request, "messaging/outbox_detail.html", context)


def _staff_action(request: HttpRequest, pk: int, service, done: str) -> HttpResponse:
    message = selectors.outbox_message_detail(organisation_id=_organisation_id(), pk=pk)
    if message is None:
        raise Http404
    try:
        service(message=message, actor=request.user)
    except OutboxActionRefused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, done)
    return redirect("messaging:outbox_detail", pk=pk)


@require_POST
@login_required
@permission_required(CHANGE_PERMISSION, raise_exception=True)
def outbox_requeue_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _staff_action(request, pk, outbox_requeue, _("Het bericht staat opnieuw klaar."))


@require_POST
@login_required
@permission_required(CHANGE_PERMISSION, raise_exception=True)
def outbox_cancel_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _staff_action(request, pk, outbox_cancel, _("Het bericht is geannuleerd."))
