"""The auditor's pages: access-log search (with CSV) and the AVG export download."""

from __future__ import annotations

import csv
import json

from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from vangnet.ledger.models import Customer
from vangnet.privacy.export import privacy_export_person
from vangnet.privacy.forms import AccessLogSearchForm
from vangnet.privacy.selectors import AccessLogQuery, access_log_search

SEARCH_PERMISSION = "staff_accounts.search_access_log"
EXPORT_PERMISSION = "staff_accounts.export_personal_data"
PAGE_SIZE = 50


def _guard(permission: str):
    def wrap(view):
        return login_required(permission_required(permission, raise_exception=True)(view))

    return wrap


class _Echo:
    def write(self, value: str) -> str:
        return value


@_guard(SEARCH_PERMISSION)
def access_log(request: HttpRequest) -> HttpResponse:
    form = AccessLogSearchForm(request.GET or None)
    searched = form.is_bound and form.is_valid()
    query = (
        AccessLogQuery(
            username=form.cleaned_data["gebruiker"].strip(),
            customer_number=form.cleaned_data["klantnummer"].strip(),
            account_number=form.cleaned_data["contractnummer"].strip(),
            date_from=form.cleaned_data["van"],
            date_to=form.cleaned_data["tot"],
        )
        if searched
        else AccessLogQuery()
    )
    if form.is_bound and not searched:
        entries = access_log_search(query).none()
    else:
        entries = access_log_search(query)
    if request.GET.get("formaat") == "csv" and (searched or not form.is_bound):
        writer = csv.writer(_Echo(), delimiter=";")
        header = [_("tijdstip"), _("medewerker"), _("objecttype"), _("object-id"), _("doel")]

        def rows():
            yield writer.writerow(header)
            for e in entries.iterator(chunk_size=2000):
                yield writer.writerow(
                    [
                        timezone.localtime(e.at).isoformat(),
                        e.user.get_username(),
                        e.object_type,
                        e.object_id,
                        e.purpose,
                    ]
                )

        response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="inzagelog.csv"'
        return response
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "privacy/access_log.html",
        {
            "form": form,
            "page": page,
            "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=2),
            "query_string": params.urlencode(),
        },
    )


@_guard(EXPORT_PERMISSION)
def person_export(request: HttpRequest) -> HttpResponse:
    number = request.GET.get("klantnummer", "").strip()[:32]
    if not number:
        return render(request, "privacy/export.html", {"number": ""})
    customer = Customer.objects.filter(number__iexact=number).select_related("person").first()
    if customer is None:
        return render(
            request,
            "privacy/export.html",
            {"number": number, "error": _("Geen klant gevonden met dit klantnummer.")},
            status=404,
        )
    data = privacy_export_person(person=customer.person, actor=request.user)
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json"
    )
    response["Content-Disposition"] = f'attachment; filename="avg-inzage-{customer.number}.json"'
    return response
