"""The demo path with the built-in test provider: same services, no network."""

from __future__ import annotations

from vangnet.ledger.models import Payment
from vangnet.payments.models import TestProviderPayment
from vangnet.payments.tokens import account_token
from vangnet.strategy.models import Case


def test_demo_user_pays_part_then_rest(client, account, testprovider):
    url = f"/pay/a/{account_token(account.pk)}/"
    response = client.post(url, {"amount": "12,50"})
    assert response.status_code == 302
    checkout = response["Location"]
    assert "/pay/test/tp_" in checkout
    page = client.get(checkout)
    assert "Betalen" in page.content.decode() and "€ 12,50" in page.content.decode()

    back = client.post(checkout, {"action": "pay"})
    assert back.status_code == 302 and "/pay/klaar/" in back["Location"]
    result = client.get(back["Location"]).content.decode()
    assert "Dank u wel, we hebben uw betaling ontvangen" in result
    assert "Er staat nog € 37,50 open." in result
    assert Payment.objects.get().amount_cents == 1250
    assert Case.objects.get().status == "open"

    response = client.post(url, {"amount": "37.50"})
    client.post(response["Location"], {"action": "pay"})
    client.post(response["Location"], {"action": "pay"})  # double click: nothing new
    assert sorted(Payment.objects.values_list("amount_cents", flat=True)) == [1250, 3750]
    assert Case.objects.get().status == "closed"


def test_demo_user_cancels(client, account, testprovider):
    response = client.post(f"/pay/a/{account_token(account.pk)}/", {"amount": "50"})
    back = client.post(response["Location"], {"action": "cancel"})
    result = client.get(back["Location"]).content.decode()
    assert "De betaling is niet gelukt, probeer het nog eens" in result
    assert TestProviderPayment.objects.get().status == "canceled"
    assert not Payment.objects.exists()


def test_test_checkout_is_off_unless_configured(client, account, mollie):
    row = TestProviderPayment.objects.create(
        payment_id="tp_x", amount_cents=100, redirect_url="http://x/", idempotency_key="k"
    )
    assert client.get(f"/pay/test/{row.payment_id}/").status_code == 404
    assert client.post(f"/pay/test/{row.payment_id}/", {"action": "pay"}).status_code == 404
