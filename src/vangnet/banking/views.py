"""The unmatched queue: incoming payments that no rule could place, for staff to match.

Views only read the request, call selectors/services and render.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from vangnet.banking import conf, selectors
from vangnet.banking.forms import AssignForm, IgnoreForm
from vangnet.banking.models import StatementEntry
from vangnet.banking.services import EntryNotOpen, entry_assign, entry_ignore
from vangnet.core.money import format_euro
from vangnet.ledger.models import Account, Invoice
from vangnet.parties.selectors import organisation_current

PERMISSION = "banking.change_statemententry"


def staff_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Login first, then the permission as an honest 403 (not a login loop)."""
    return login_required(permission_required(PERMISSION, raise_exception=True)(view))


def _organisation_id() -> int | None:
    organisation = organisation_current()
    return organisation.pk if organisation else None


@staff_view
def unmatched(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()[:100]
    entries = selectors.unmatched_entries(organisation_id=_organisation_id(), q=q)
    page = Paginator(entries, conf.unmatched_page_size()).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=2),
        "q": q,
    }
    return render(request, "banking/unmatched.html", context)


@staff_view
def entry(request: HttpRequest, pk: int) -> HttpResponse:
    organisation_id = _organisation_id()
    item = (
        StatementEntry.objects.filter(organisation_id=organisation_id, pk=pk)
        .select_related("statement", "account", "invoice")
        .first()
    )
    if item is None:
        raise Http404
    ignore_form = IgnoreForm()
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "assign":
                form = AssignForm(request.POST)
                if form.is_valid():
                    account = Account.objects.get(
                        organisation_id=organisation_id, pk=form.cleaned_data["account"]
                    )
                    invoice = None
                    if form.cleaned_data.get("invoice"):
                        invoice = Invoice.objects.get(
                            account=account, pk=form.cleaned_data["invoice"]
                        )
                    entry_assign(
                        entry_id=item.pk,
                        organisation_id=organisation_id,
                        account=account,
                        invoice=invoice,
                        remember_iban=form.cleaned_data["remember_iban"],
                        actor=request.user,
                    )
                    messages.success(
                        request,
                        _("%(amount)s is gekoppeld aan contract %(account)s.")
                        % {"amount": format_euro(item.amount_cents), "account": account.number},
                    )
                    return redirect("banking:unmatched")
            elif action == "ignore":
                ignore_form = IgnoreForm(request.POST)
                if ignore_form.is_valid():
                    entry_ignore(
                        entry_id=item.pk,
                        organisation_id=organisation_id,
                        reason=ignore_form.cleaned_data["reason"],
                        actor=request.user,
                    )
                    messages.success(request, _("De post is gemarkeerd als genegeerd."))
                    return redirect("banking:unmatched")
        except (Account.DoesNotExist, Invoice.DoesNotExist) as exc:
            raise Http404 from exc
        except EntryNotOpen:
            messages.warning(request, _("Deze post is intussen al afgehandeld."))
            return redirect("banking:unmatched")
    q = request.GET.get("zoek", "").strip()[:100]
    context = {
        "entry": item,
        "q": q,
        "candidates": selectors.account_candidates(organisation_id=organisation_id, q=q),
        "ignore_form": ignore_form,
        "is_open": item.status == "unmatched" and item.direction == "credit",
    }
    return render(request, "banking/entry.html", context)
