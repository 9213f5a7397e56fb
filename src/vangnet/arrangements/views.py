"""Staff pages: the approval queue, a plan with its schedule, charged costs with waiving.

Views only read the request, call selectors and services, and render; refusals from the
services (``Invalid``) are shown as messages, nothing is lost.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vangnet.arrangements import selectors
from vangnet.arrangements.costs import cost_waive
from vangnet.arrangements.models import ChargedCost
from vangnet.arrangements.plans import plan_approve, plan_reject
from vangnet.core.errors import Invalid
from vangnet.core.services import access_record
from vangnet.parties.selectors import organisation_current

PLAN_PERMISSION = "arrangements.change_paymentplan"
COSTS_PERMISSION = "arrangements.change_chargedcost"
PAGE_SIZE = 25


def _staff(permission: str) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    def wrap(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        return login_required(permission_required(permission, raise_exception=True)(view))

    return wrap


def _organisation_id() -> int | None:
    organisation = organisation_current()
    return organisation.pk if organisation else None


@_staff(PLAN_PERMISSION)
def approvals(request: HttpRequest) -> HttpResponse:
    plans = selectors.approvals_pending(organisation_id=_organisation_id())
    page = Paginator(plans, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "arrangements/approvals.html",
        {
            "page": page,
            "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=2),
        },
    )


@_staff(PLAN_PERMISSION)
def plan(request: HttpRequest, pk: int) -> HttpResponse:
    found = selectors.plan_detail(organisation_id=_organisation_id(), pk=pk)
    if found is None:
        raise Http404
    access_record(user=request.user, object_type="payment_plan", object_id=pk, purpose="view")
    return render(
        request,
        "arrangements/plan.html",
        {
            "plan": found,
            "instalments": list(found.instalments.all()),
            "charges": selectors.charges_for_account(account_id=found.account_id),
            "can_waive": request.user.has_perm(COSTS_PERMISSION),
        },
    )


@require_POST
@_staff(PLAN_PERMISSION)
def plan_decide(request: HttpRequest, pk: int) -> HttpResponse:
    found = selectors.plan_detail(organisation_id=_organisation_id(), pk=pk)
    if found is None:
        raise Http404
    decision = request.POST.get("decision")
    reason = request.POST.get("reason", "").strip()[:300]
    try:
        if decision == "approve":
            plan_approve(plan=found, actor=request.user, note=reason)
            messages.success(request, _("De regeling is goedgekeurd en gestart."))
        elif decision == "reject":
            plan_reject(plan=found, reason=reason, actor=request.user)
            messages.success(request, _("De regeling is afgewezen."))
        else:
            messages.error(request, _("Kies goedkeuren of afwijzen."))
    except Invalid as exc:
        messages.error(request, exc.nl)
        return redirect("arrangements:plan", pk=pk)
    return redirect("arrangements:approvals")


@require_POST
@_staff(COSTS_PERMISSION)
def charge_waive(request: HttpRequest, pk: int) -> HttpResponse:
    organisation_id = _organisation_id()
    qs = ChargedCost.objects.all()
    if organisation_id is not None:
        qs = qs.filter(organisation_id=organisation_id)
    charge = get_object_or_404(qs, pk=pk)
    try:
        cost_waive(charge=charge, reason=request.POST.get("reason", ""), actor=request.user)
        messages.success(request, _("De kosten zijn kwijtgescholden."))
    except Invalid as exc:
        messages.error(request, exc.nl)
    back = request.POST.get("next", "")
    if back.startswith("/") and not back.startswith("//"):
        return redirect(back)
    return redirect("workspace:account", pk=charge.account_id)
