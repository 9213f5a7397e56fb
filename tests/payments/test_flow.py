"""Pay page → Mollie sandbox → webhook → ledger → case, driven through the test client.

The sandbox's own webhook POST cannot reach the test client, so these tests deliver the
webhook with the client (``_webhook``); ``test_live.py`` has the real HTTP webhook.
"""

from __future__ import annotations

from datetime import timedelta

from django.core import signing
from django.test import Client
from django.utils import timezone

import pytest

from tests.payments.conftest import account_with_case, today
from vangnet.ledger.models import Allocation, Payment
from vangnet.payments.constants import LinkEventKind, LinkStatus
from vangnet.payments.models import PaymentLink, PaymentLinkEvent, ProviderPayment
from vangnet.payments.services import paymentlink_create
from vangnet.payments.tokens import SALT, account_token
from vangnet.strategy.constants import ActionStatus
from vangnet.strategy.models import Action, Case


def _pay_url(account) -> str:
    return f"/pay/a/{account_token(account.pk)}/"


def _start(client: Client, account, amount: str):
    return client.post(_pay_url(account), {"amount": amount})


def _webhook(client: Client, payment_id: str, provider: str = "mollie"):
    return client.post(f"/pay/webhook/{provider}/", {"id": payment_id})


def _started(response, mollie) -> str:
    assert response.status_code == 302, response.content.decode()[:500]
    payment_id = response["Location"].rsplit("/", 1)[-1]
    assert response["Location"] == f"{mollie.base_url}/checkout/{payment_id}"
    return payment_id


def test_page_shows_open_amount_in_dutch(client, account, mollie):
    response = client.get(_pay_url(account))
    text = response.content.decode()
    assert response.status_code == 200
    assert "€ 50,00" in text and 'value="50,00"' in text
    assert "Betaal wat u nu kunt" in text
    assert account.customer.person.surname not in text  # a forwarded link shows no name


def test_partial_payment_leaves_rest_and_case_open(client, account, mollie):
    payment_id = _started(_start(client, account, "20,00"), mollie)
    assert mollie.payment(payment_id)["amount"]["value"] == "20.00"
    mollie.complete(payment_id, notify=False)
    assert _webhook(client, payment_id).status_code == 200

    payment = Payment.objects.get()
    assert (payment.amount_cents, payment.source, payment.reference) == (
        2000,
        "payment_link",
        payment_id,
    )
    assert Allocation.objects.get().amount_cents == 2000
    link = PaymentLink.objects.get()
    assert (link.status, link.paid_cents) == (LinkStatus.PARTIALLY_PAID, 2000)
    case = Case.objects.get()
    assert (case.status, case.arrears_cents) == ("open", 3000)
    event = case.events.get()
    assert event.text == "Betaling ontvangen via betaallink: € 20,00"
    assert event.details["arrears_cents"] == 3000 and not event.details["closes"]


def test_full_payment_closes_case_and_cancels_planned_contacts(client, account, mollie):
    case = Case.objects.get()
    Action.objects.create(
        organisation=account.organisation,
        case=case,
        action_type="message",
        channel="sms",
        run_date=today(),
        scheduled_for=timezone.now() + timedelta(hours=2),
        idempotency_key="reminder-1",
        created_at=timezone.now(),
    )
    payment_id = _started(_start(client, account, "50.00"), mollie)
    mollie.complete(payment_id, notify=False)
    _webhook(client, payment_id)

    case.refresh_from_db()
    assert (case.status, case.close_cause, case.closed_on) == ("closed", "paid", today())
    assert list(case.events.values_list("kind", "cause")) == [
        ("payment", "payment_link"),
        ("closed", "paid"),
    ]
    assert Action.objects.get().status == ActionStatus.CANCELLED
    assert PaymentLink.objects.get().status == LinkStatus.PAID

    result = client.get(f"/pay/klaar/{ProviderPayment.objects.get().idempotency_key}/")
    assert "Dank u wel, we hebben uw betaling ontvangen" in result.content.decode()
    again = client.get(f"/pay/l/{PaymentLink.objects.get().token}/")
    assert "Deze rekening is betaald" in again.content.decode()


def test_duplicate_webhooks_register_once(client, account, mollie):
    payment_id = _started(_start(client, account, "50,00"), mollie)
    mollie.complete(payment_id, notify=False)
    for _ in range(3):
        assert _webhook(client, payment_id).status_code == 200
    client.get(f"/pay/klaar/{ProviderPayment.objects.get().idempotency_key}/")  # return page too
    assert Payment.objects.count() == 1
    assert PaymentLinkEvent.objects.filter(kind=LinkEventKind.PAID).count() == 1
    assert Case.objects.get().events.filter(cause="payment_link").count() == 1


def test_unknown_and_malformed_webhooks_book_nothing(client, account, mollie):
    assert _webhook(client, "tr_unknown1").status_code == 200
    assert _webhook(client, "'; DROP TABLE").status_code == 400
    assert client.post("/pay/webhook/nosuchprovider/", {"id": "tr_x"}).status_code == 404
    assert client.get("/pay/webhook/mollie/").status_code == 405
    assert not Payment.objects.exists()


def test_webhook_answers_503_when_provider_is_down(client, account, mollie):
    payment_id = _started(_start(client, account, "50,00"), mollie)
    mollie.complete(payment_id, notify=False)
    mollie.fail_next(503)
    assert _webhook(client, payment_id).status_code == 503  # Mollie will try again
    assert not Payment.objects.exists()
    assert _webhook(client, payment_id).status_code == 200
    assert Payment.objects.count() == 1


def test_amount_mismatch_is_not_booked(client, account, mollie):
    payment_id = _started(_start(client, account, "50,00"), mollie)
    mollie.tamper_amount(payment_id, "5.00")
    mollie.complete(payment_id, notify=False)
    _webhook(client, payment_id)
    _webhook(client, payment_id)
    assert not Payment.objects.exists()
    assert PaymentLinkEvent.objects.filter(kind=LinkEventKind.AMOUNT_MISMATCH).count() == 1
    assert Case.objects.get().status == "open"


def test_cancelled_payment_can_be_retried(client, account, mollie):
    payment_id = _started(_start(client, account, "50,00"), mollie)
    mollie.complete(payment_id, status="canceled", notify=False)
    _webhook(client, payment_id)
    assert PaymentLink.objects.get().status == LinkStatus.OPEN
    page = client.get(f"/pay/klaar/{ProviderPayment.objects.get().idempotency_key}/")
    assert "De betaling is niet gelukt, probeer het nog eens" in page.content.decode()
    _started(_start(client, account, "50,00"), mollie)  # same open link, new attempt
    assert PaymentLink.objects.count() == 1 and ProviderPayment.objects.count() == 2


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Vul het bedrag in dat u wilt betalen."),
        ("twaalf", "Dit bedrag kunnen we niet lezen. Schrijf het bedrag zoals 12,50."),
        ("12,505", "Dit bedrag kunnen we niet lezen."),
        ("-5", "Het bedrag moet meer zijn dan € 0,00."),
        ("0", "Het bedrag moet meer zijn dan € 0,00."),
        ("4,99", "U kunt minimaal € 5,00 betalen."),
        ("50,01", "U kunt maximaal € 50,00 betalen."),
    ],
)
def test_bad_amounts_get_a_clear_message(client, account, mollie, typed, message):
    response = _start(client, account, typed)
    assert response.status_code == 200
    text = response.content.decode()
    assert message in text and 'aria-invalid="true"' in text
    assert not ProviderPayment.objects.exists() and not mollie.state.payments


def test_small_open_amount_is_its_own_minimum(client, org, mollie):
    account = account_with_case(org, overdue_cents=300)
    response = _start(client, account, "3,00")
    _started(response, mollie)


def test_balance_includes_invoices_not_yet_due(client, org, mollie):
    account = account_with_case(org, overdue_cents=5000, not_due_cents=2500)
    assert "€ 75,00" in client.get(_pay_url(account)).content.decode()
    payment_id = _started(_start(client, account, "50,00"), mollie)
    mollie.complete(payment_id, notify=False)
    _webhook(client, payment_id)
    assert Case.objects.get().status == "closed"  # the arrears are paid
    assert PaymentLink.objects.get().status == LinkStatus.PARTIALLY_PAID  # € 25 not yet due


def test_provider_5xx_once_is_retried_with_same_key(client, account, mollie):
    mollie.fail_next(500)
    _started(_start(client, account, "50,00"), mollie)
    assert len(mollie.state.payments) == 1


def test_provider_timeout_is_retried_without_a_second_payment(client, account, mollie, settings):
    settings.MOLLIE_TIMEOUT_SECONDS = 0.3
    mollie.delay_next(0.8)
    _started(_start(client, account, "50,00"), mollie)
    assert len(mollie.state.payments) == 1


def test_provider_down_shows_message_and_loses_nothing(client, account, mollie):
    mollie.fail_next(502, count=2)
    response = _start(client, account, "50,00")
    assert response.status_code == 503
    assert "De betaling kan nu niet worden gestart" in response.content.decode()
    pp = ProviderPayment.objects.get()
    assert pp.status == "failed" and "502" in pp.error
    assert PaymentLinkEvent.objects.filter(kind=LinkEventKind.START_FAILED).exists()
    _started(_start(client, account, "50,00"), mollie)  # the person can try again


def test_provider_validation_error_shows_message(client, account, mollie):
    mollie.fail_next(422)
    response = _start(client, account, "50,00")
    assert response.status_code == 503
    assert "Probeer het later nog eens" in response.content.decode()
    assert "amount" in ProviderPayment.objects.get().error


def test_csrf_is_enforced(account, mollie):
    client = Client(enforce_csrf_checks=True)
    assert client.post(_pay_url(account), {"amount": "50,00"}).status_code == 403


def test_signed_link_reuses_one_open_link(client, account, mollie):
    client.get(_pay_url(account))
    client.get(_pay_url(account))
    assert PaymentLink.objects.count() == 1


def test_forged_and_unknown_tokens_are_a_friendly_404(client, account, db):
    forged = account_token(account.pk)[:-2] + "xx"
    for url in (f"/pay/a/{forged}/", f"/pay/a/{signing.dumps(account.pk)}/", "/pay/l/nope/"):
        response = client.get(url)
        assert response.status_code == 404
        assert "Deze betaallink kennen we niet" in response.content.decode()
    other = signing.dumps(999999, salt=SALT)
    assert client.get(f"/pay/a/{other}/").status_code == 404


def test_old_signed_link_is_410(client, account, settings, monkeypatch):
    settings.VANGNET_PAYLINK_SIGNED_MAX_AGE_DAYS = 30
    real_time = signing.time.time
    monkeypatch.setattr(signing.time, "time", lambda: real_time() - 31 * 86400)
    token = account_token(account.pk)
    monkeypatch.setattr(signing.time, "time", real_time)
    response = client.get(f"/pay/a/{token}/")
    assert response.status_code == 410
    assert "Deze betaallink is verlopen" in response.content.decode()


def test_expired_and_cancelled_links_are_410(client, account):
    expired = paymentlink_create(
        account=account, amount_cents=1000, expires_at=timezone.now() - timedelta(minutes=1)
    )
    response = client.get(f"/pay/l/{expired.token}/")
    assert response.status_code == 410
    expired.refresh_from_db()
    assert expired.status == LinkStatus.EXPIRED
    cancelled = paymentlink_create(account=account, amount_cents=1000)
    cancelled.status = LinkStatus.CANCELLED
    cancelled.save()
    assert "werkt niet meer" in client.get(f"/pay/l/{cancelled.token}/").content.decode()


def test_fixed_amount_link_caps_the_amount(client, account, mollie):
    link = paymentlink_create(account=account, amount_cents=1500)
    response = client.post(f"/pay/l/{link.token}/", {"amount": "20,00"})
    assert "U kunt maximaal € 15,00 betalen." in response.content.decode()
    payment_id = _started(client.post(f"/pay/l/{link.token}/", {"amount": "15"}), mollie)
    mollie.complete(payment_id, notify=False)
    _webhook(client, payment_id)
    link.refresh_from_db()
    assert (link.status, link.paid_cents) == (LinkStatus.PAID, 1500)
    assert Case.objects.get().status == "open"


def test_nothing_due_page(client, org):
    from tests.ledger.factories import make_account

    account = make_account(org)
    response = client.get(_pay_url(account))
    assert response.status_code == 200
    assert "U hoeft nu niets te betalen" in response.content.decode()


def test_expire_task_marks_old_links_once(account):
    from vangnet.payments.tasks import paymentlinks_expire_task

    old = paymentlink_create(
        account=account, amount_cents=1000, expires_at=timezone.now() - timedelta(days=1)
    )
    fresh = paymentlink_create(account=account, amount_cents=1000)
    assert paymentlinks_expire_task.delay().get() == 1
    assert paymentlinks_expire_task.delay().get() == 0
    old.refresh_from_db()
    fresh.refresh_from_db()
    assert (old.status, fresh.status) == (LinkStatus.EXPIRED, LinkStatus.OPEN)
    assert old.events.filter(kind=LinkEventKind.EXPIRED).count() == 1
