"""The whole path over real HTTP: the sandbox's checkout calls vangnet's webhook itself."""

from __future__ import annotations

import urllib.parse
import urllib.request

import pytest

from tests.payments.conftest import account_with_case
from vangnet.ledger.models import Payment
from vangnet.payments.models import ProviderPayment
from vangnet.payments.services import paymentlink_for_account, paymentlink_start
from vangnet.strategy.models import Case


@pytest.mark.django_db(transaction=True)
def test_real_webhook_books_payment_and_closes_case(live_server, mollie, settings, org):
    settings.VANGNET_BASE_URL = live_server.url
    account = account_with_case(org, overdue_cents=4250)
    link = paymentlink_for_account(account=account)
    pp = paymentlink_start(link=link, amount_cents=4250)
    assert pp.checkout_url.startswith(mollie.base_url)

    # The person clicks "Betalen" on the checkout page; the sandbox marks the payment
    # paid, POSTs id=tr_… to our webhook over HTTP, then redirects to our return page.
    form = urllib.parse.urlencode({"action": "pay"}).encode()
    with urllib.request.urlopen(pp.checkout_url, data=form, timeout=10) as response:
        page = response.read().decode()
        assert response.url.startswith(f"{live_server.url}/pay/klaar/")
    assert "Dank u wel, we hebben uw betaling ontvangen" in page

    [call] = mollie.webhook_calls
    assert (call.url, call.status) == (f"{live_server.url}/pay/webhook/mollie/", 200)
    payment = Payment.objects.get()
    assert (payment.amount_cents, payment.reference) == (4250, pp.provider_payment_id)
    case = Case.objects.get()
    assert (case.status, case.close_cause, case.arrears_cents) == ("closed", "paid", 0)

    # Mollie may call again (it retries until it sees 200, or on a later status change).
    again = mollie.notify(pp.provider_payment_id)
    assert again.status == 200
    assert Payment.objects.count() == 1
    assert ProviderPayment.objects.get().status == "paid"

    # A stranger posting an id we never issued learns nothing and changes nothing.
    stranger = mollie.post_webhook(f"{live_server.url}/pay/webhook/mollie/", "tr_stranger")
    assert stranger.status == 200 and Payment.objects.count() == 1
