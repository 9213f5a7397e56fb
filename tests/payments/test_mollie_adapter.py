"""The real Mollie adapter against the local sandbox: shapes, errors and faults."""

from __future__ import annotations

from decimal import Decimal

import pytest

from vangnet.payments.base import (
    ProviderAuthError,
    ProviderNotFound,
    ProviderUnavailable,
    ProviderValidation,
)
from vangnet.payments.contrib.mollie.plugin import MollieProvider, amount_value
from vangnet.payments.contrib.mollie.sandbox import DEFAULT_KEY
from vangnet.payments.models import PaymentLink


def _link() -> PaymentLink:
    return PaymentLink(token="tok123")  # only the token is sent (metadata)


def _create(provider: MollieProvider, amount: str = "12.50", key: str = "key-1"):
    return provider.create_payment(
        link=_link(),
        amount=Decimal(amount),
        description="Waterbedrijf klant 42",
        redirect_url="http://127.0.0.1:1/pay/klaar/x/",
        webhook_url="http://127.0.0.1:1/pay/webhook/mollie/",
        idempotency_key=key,
    )


@pytest.fixture
def provider(sandbox) -> MollieProvider:
    return MollieProvider(api_key=DEFAULT_KEY, base_url=sandbox.base_url, timeout=0.3)


def test_amount_value_is_a_two_decimal_string_from_decimal():
    assert amount_value(Decimal("12.5")) == "12.50"
    assert amount_value(Decimal("1000")) == "1000.00"
    with pytest.raises(TypeError):
        amount_value(12.5)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        amount_value(Decimal("1.005"))


def test_create_and_fetch(provider, sandbox):
    info = _create(provider)
    assert info.id.startswith("tr_") and info.status == "open"
    assert info.amount == Decimal("12.50")
    assert info.checkout_url == f"{sandbox.base_url}/checkout/{info.id}"
    stored = sandbox.payment(info.id)
    assert stored["amount"] == {"value": "12.50", "currency": "EUR"}
    assert stored["method"] == "ideal" and stored["metadata"] == {"link": "tok123"}
    sandbox.complete(info.id, notify=False)
    fetched = provider.fetch_payment(info.id)
    assert fetched.status == "paid" and fetched.paid_at is not None
    assert fetched.checkout_url == ""  # no checkout link once paid


def test_idempotency_key_returns_the_same_payment(provider, sandbox):
    first = _create(provider, key="same")
    second = _create(provider, key="same")
    assert first.id == second.id
    assert len(sandbox.state.payments) == 1
    with pytest.raises(ProviderValidation) as exc:
        _create(provider, amount="13.00", key="same")  # same key, other body
    assert exc.value.field == "Idempotency-Key"


def test_wrong_key_is_an_auth_error(sandbox):
    provider = MollieProvider(api_key="test_wrong", base_url=sandbox.base_url, timeout=1)
    with pytest.raises(ProviderAuthError, match="401"):
        _create(provider)
    with pytest.raises(ProviderAuthError, match="MOLLIE_API_KEY"):
        _create(MollieProvider(api_key="", base_url=sandbox.base_url))


def test_422_is_a_clear_validation_error(provider):
    with pytest.raises(ProviderValidation) as exc:
        _create(provider, amount="0.00")
    assert exc.value.status == 422 and exc.value.field == "amount"
    assert "lower than the minimum" in str(exc.value)
    assert not exc.value.retry_safe


def test_5xx_is_retry_safe(provider, sandbox):
    sandbox.fail_next(500)
    with pytest.raises(ProviderUnavailable, match="500") as exc:
        _create(provider)
    assert exc.value.retry_safe
    assert _create(provider).status == "open"  # the next call works


def test_timeout_is_retry_safe(provider, sandbox):
    sandbox.delay_next(0.8)
    with pytest.raises(ProviderUnavailable, match="did not answer"):
        _create(provider, key="slow")


def test_connection_refused_is_retry_safe():
    provider = MollieProvider(api_key=DEFAULT_KEY, base_url="http://127.0.0.1:9", timeout=1)
    with pytest.raises(ProviderUnavailable, match="cannot reach"):
        _create(provider)


def test_unknown_payment_is_not_found(provider):
    with pytest.raises(ProviderNotFound):
        provider.fetch_payment("tr_doesnotexist")
    with pytest.raises(ProviderNotFound):
        provider.fetch_payment("../../v2/refunds")
