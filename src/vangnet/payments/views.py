"""Customer pay pages, the provider webhook, the test provider's checkout, a staff list.

Views are thin: they read the request, call services/selectors and render. Customer
pages are Dutch at B1 level, mobile first, and never say more about the account than the
amount: a forwarded link shows no name or address.
"""

from __future__ import annotations

import logging
import re

from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt

from vangnet.core.errors import Invalid
from vangnet.core.money import cents_to_decimal
from vangnet.ledger.models import Account
from vangnet.parties.selectors import organisation_current
from vangnet.payments import selectors, services, tokens
from vangnet.payments.base import ProviderError
from vangnet.payments.constants import FINAL_PROVIDER_STATUSES, LinkStatus, ProviderStatus
from vangnet.payments.contrib.testprovider import plugin as testprovider
from vangnet.payments.models import PaymentLink, ProviderPayment, TestProviderPayment
from vangnet.payments.registry import provider_codes

logger = logging.getLogger(__name__)

PROVIDER_ID_RE = re.compile(r"^[A-Za-z0-9_]{1,64}$")
STAFF_PAGE_SIZE = 50


def _amount_text(cents: int) -> str:
    """12,50 — how a Dutch person types an amount (the field's starting value)."""
    return f"{cents_to_decimal(cents):.2f}".replace(".", ",")


def _gone(request: HttpRequest, reason: str, status: int = 410) -> HttpResponse:
    return render(request, "payments/gone.html", {"reason": reason}, status=status)


@never_cache
def account_pay(request: HttpRequest, token: str) -> HttpResponse:
    """The stable link from e-mail and SMS: ``/pay/a/<signed account id>/``."""
    try:
        account_id = tokens.account_id_from_token(token)
    except tokens.LinkExpired:
        return _gone(request, "expired")
    except tokens.LinkInvalid:
        return _gone(request, "unknown", status=404)
    account = Account.objects.filter(pk=account_id).first()
    if account is None:
        return _gone(request, "unknown", status=404)
    link = services.paymentlink_for_account(account=account)
    return _pay(request, link)


@never_cache
def link_pay(request: HttpRequest, token: str) -> HttpResponse:
    """A link made by staff (``/pay/l/<token>/``), possibly for a fixed amount."""
    link = PaymentLink.objects.filter(token=token).first()
    if link is None:
        return _gone(request, "unknown", status=404)
    return _pay(request, link)


def _pay(request: HttpRequest, link: PaymentLink) -> HttpResponse:
    if request.method not in ("GET", "HEAD", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    try:
        link = services.paymentlink_check(link=link)
    except services.LinkUnavailable as exc:
        if exc.status == LinkStatus.PAID:
            return render(request, "payments/nothing_due.html", {"link": link, "paid": True})
        return _gone(request, "expired" if exc.status == LinkStatus.EXPIRED else "cancelled")
    amounts = selectors.link_amounts(link)
    if amounts.nothing_due:
        return render(request, "payments/nothing_due.html", {"link": link, "paid": False})
    context = {
        "link": link,
        "amounts": amounts,
        "value": _amount_text(amounts.due_cents),
        "error": "",
        "min_text": _amount_text(amounts.min_cents),
        "max_text": _amount_text(amounts.due_cents),
    }
    if request.method == "POST":
        raw = request.POST.get("amount", "")
        context["value"] = raw[:32]
        try:
            cents = services.amount_parse(raw)
            pp = services.paymentlink_start(link=link, amount_cents=cents)
        except Invalid as exc:
            context["error"] = exc.nl
            return render(request, "payments/pay.html", context, status=200)
        except services.LinkUnavailable:
            return _gone(request, "expired")
        except ProviderError as exc:
            context["error"] = exc.message_nl
            return render(request, "payments/pay.html", context, status=503)
        return redirect(pp.checkout_url)
    return render(request, "payments/pay.html", context)


@never_cache
def payment_return(request: HttpRequest, key: str) -> HttpResponse:
    """Where the provider sends the person back; asks the provider if the webhook is late."""
    pp = get_object_or_404(ProviderPayment.objects.select_related("link"), idempotency_key=key)
    if pp.status not in FINAL_PROVIDER_STATUSES and pp.provider_payment_id:
        try:
            pp = services.provider_payment_sync(
                provider=pp.provider, provider_payment_id=pp.provider_payment_id
            )
        except (ProviderError, services.UnknownProviderPayment) as exc:
            logger.warning("return page could not refresh %s: %s", pp.pk, exc)
    if pp.status == ProviderStatus.PAID:
        outcome = "paid"
    elif pp.status in FINAL_PROVIDER_STATUSES:
        outcome = "failed"
    else:
        outcome = "waiting"
    retry_url = reverse("payments:link", args=[pp.link.token]) if outcome != "paid" else ""
    amounts = selectors.link_amounts(pp.link)
    return render(
        request,
        "payments/result.html",
        {"pp": pp, "outcome": outcome, "retry_url": retry_url, "amounts": amounts},
    )


@csrf_exempt
def webhook(request: HttpRequest, provider: str) -> HttpResponse:
    """``POST id=…`` from the provider. Unsigned: the id is only a hint to fetch the payment.

    Answers 200 for ids we do not know (Mollie's advice: tell a stranger nothing) and 503
    when the provider cannot be reached, so the provider tries again later.
    """
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if provider not in provider_codes():
        raise Http404
    payment_id = request.POST.get("id", "")
    if not PROVIDER_ID_RE.match(payment_id):
        return HttpResponse("bad id", status=400, content_type="text/plain")
    try:
        services.provider_payment_sync(provider=provider, provider_payment_id=payment_id)
    except services.UnknownProviderPayment:
        logger.warning("webhook for unknown %s payment %s", provider, payment_id)
    except ProviderError as exc:
        logger.warning("webhook %s %s: %s", provider, payment_id, exc)
        if exc.retry_safe:
            return HttpResponse("try again", status=503, content_type="text/plain")
    return HttpResponse("ok", content_type="text/plain")


@never_cache
def test_checkout(request: HttpRequest, payment_id: str) -> HttpResponse:
    """The test provider's checkout page: "Betalen" or "Annuleren", then back to vangnet."""
    if not testprovider.enabled():
        raise Http404
    row = get_object_or_404(TestProviderPayment, payment_id=payment_id)
    if request.method == "POST":
        action = request.POST.get("action")
        if row.status == ProviderStatus.OPEN and action in ("pay", "cancel"):
            with transaction.atomic():
                row = TestProviderPayment.objects.select_for_update().get(pk=row.pk)
                if row.status == ProviderStatus.OPEN:
                    row.status = ProviderStatus.PAID if action == "pay" else ProviderStatus.CANCELED
                    row.paid_at = timezone.now() if action == "pay" else None
                    row.save(update_fields=["status", "paid_at"])
            # The "webhook": only the id, then the services fetch the status back.
            try:
                services.provider_payment_sync(
                    provider=testprovider.CODE, provider_payment_id=row.payment_id
                )
            except services.UnknownProviderPayment:
                logger.warning("test payment %s has no provider payment", row.payment_id)
        return redirect(row.redirect_url)
    return render(
        request,
        "payments/test_checkout.html",
        {"row": row, "amount_cents": row.amount_cents},
    )


@login_required
@permission_required("payments.view_paymentlink", raise_exception=True)
def staff_links(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    if status not in LinkStatus.values:
        status = ""
    organisation = organisation_current()
    qs = selectors.paymentlinks_for_staff(
        organisation_id=organisation.pk if organisation else None, status=status
    )
    page = Paginator(qs, STAFF_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "payments/links.html",
        {
            "page": page,
            "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=2),
            "status": status,
            "status_choices": LinkStatus.choices,
        },
    )
