"""Minimal staff pages: overview, arrears list and one account.

Views only read the request, call selectors/services and render; the numbers come from
``workspace.selectors`` (which builds on ``ledger.selectors``).
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from vangnet.core.services import access_record
from vangnet.parties.selectors import organisation_current
from vangnet.strategy.selectors import dossier_for_account
from vangnet.workspace import selectors

VIEW_PERMISSION = "ledger.view_account"


def staff_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Login first (redirect to /login/), then the permission (403, not a login loop).

    ``permission_required`` alone would send a logged-in user without the permission
    back to the login page; ``raise_exception`` makes that an honest 403.
    """
    return login_required(permission_required(VIEW_PERMISSION, raise_exception=True)(view))


def _organisation_id() -> int | None:
    organisation = organisation_current()
    return organisation.pk if organisation else None


@staff_view
def overview(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    data = selectors.overview_get(organisation_id=_organisation_id(), today=today)
    return render(request, "workspace/overview.html", {"overview": data, "today": today})


@staff_view
def arrears(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    q = request.GET.get("q", "").strip()[:100]
    sort = request.GET.get("sort", selectors.ARREARS_DEFAULT_SORT)
    if sort not in selectors.ARREARS_SORTS:
        sort = selectors.ARREARS_DEFAULT_SORT
    accounts = selectors.arrears_accounts(
        organisation_id=_organisation_id(), today=today, q=q, sort=sort
    )
    page = Paginator(accounts, selectors.ARREARS_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "rows": selectors.arrears_rows(page.object_list, today=today),
        "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=2),
        "q": q,
        "sort": sort,
        "sort_choices": list(selectors.ARREARS_SORT_LABELS.items()),
        "today": today,
    }
    return render(request, "workspace/arrears.html", context)


@staff_view
def account(request: HttpRequest, pk: int) -> HttpResponse:
    today = timezone.localdate()
    show_all = request.GET.get("alles") == "1"
    detail = selectors.account_detail(
        organisation_id=_organisation_id(), pk=pk, today=today, show_all=show_all
    )
    if detail is None:
        raise Http404
    # AVG: every look at a person's data is recorded (who, when, which account).
    access_record(user=request.user, object_type="account", object_id=pk, purpose="view")
    context = {
        "detail": detail,
        "account": detail.account,
        "person": detail.account.customer.person,
        "show_all": show_all,
        "today": today,
        # The strategy engine's case: why, next step and the timeline (issue: strategy).
        "dossier": dossier_for_account(account_id=detail.account.pk, today=today),
    }
    return render(request, "workspace/account.html", context)
