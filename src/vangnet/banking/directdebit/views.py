"""Staff pages for direct debit: mandates and upcoming collections, batches, returns.

Views only read the request, call selectors and render (permission
``directdebit.view_mandate``).
"""

from __future__ import annotations

import gzip
from collections.abc import Callable

from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from vangnet.banking.directdebit import conf, selectors
from vangnet.banking.directdebit.constants import REASON_MEANINGS_NL, MandateStatus
from vangnet.banking.directdebit.models import Batch
from vangnet.core.services import access_record
from vangnet.parties.selectors import organisation_current

VIEW_PERMISSION = "directdebit.view_mandate"


def staff_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    return login_required(permission_required(VIEW_PERMISSION, raise_exception=True)(view))


def _organisation_id() -> int | None:
    organisation = organisation_current()
    return organisation.pk if organisation else None


def _page(request: HttpRequest, qs) -> dict:
    page = Paginator(qs, conf.page_size()).get_page(request.GET.get("page"))
    return {
        "page": page,
        "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=2),
    }


@staff_view
def mandates(request: HttpRequest) -> HttpResponse:
    org = _organisation_id()
    q = request.GET.get("q", "").strip()[:100]
    status = request.GET.get("status", "")
    if status not in MandateStatus.values:
        status = ""
    context = {
        **_page(request, selectors.mandates_list(organisation_id=org, q=q, status=status)),
        "q": q,
        "status": status,
        "status_choices": MandateStatus.choices,
        "upcoming": selectors.upcoming_collections(organisation_id=org, today=timezone.localdate()),
    }
    return render(request, "directdebit/mandates.html", context)


@staff_view
def batches(request: HttpRequest) -> HttpResponse:
    context = _page(request, selectors.batches_list(organisation_id=_organisation_id()))
    return render(request, "directdebit/batches.html", context)


@staff_view
def batch_download(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        batch = Batch.objects.get(pk=pk, organisation_id=_organisation_id())
    except Batch.DoesNotExist:
        raise Http404 from None
    # The file holds names and IBANs: every download is recorded (AVG).
    access_record(
        user=request.user, object_type="directdebit_batch", object_id=pk, purpose="download"
    )
    response = HttpResponse(
        gzip.decompress(bytes(batch.content_gz)), content_type="application/xml"
    )
    response["Content-Disposition"] = f'attachment; filename="{batch.message_id}.xml"'
    return response


@staff_view
def returns(request: HttpRequest) -> HttpResponse:
    org = _organisation_id()
    reason = request.GET.get("reden", "").strip().upper()[:4]
    context = {
        **_page(request, selectors.returns_list(organisation_id=org, reason=reason)),
        "reason": reason,
        "reason_counts": [
            {**row, "meaning": REASON_MEANINGS_NL.get(row["return_reason"], "")}
            for row in selectors.return_reason_counts(organisation_id=org)
        ],
        "meanings": REASON_MEANINGS_NL,
    }
    return render(request, "directdebit/returns.html", context)
