"""Test provider for the demo and local use.

It keeps its own side of each payment in ``TestProviderPayment`` (as Mollie would in its
database) and serves a checkout page at ``/pay/test/<id>/`` where the demo user clicks
"Betalen" or "Annuleren". That page then "notifies" vangnet the way a webhook does (only
the id), and the services fetch the status back through this plugin — the same path as
Mollie, without any network. Only enabled when ``VANGNET_PAYMENT_PROVIDER=testprovider``:
in production anyone could otherwise mark a payment as paid.
"""

from __future__ import annotations

import secrets
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.urls import reverse

from vangnet.core.money import cents_to_decimal, decimal_to_cents
from vangnet.payments import conf
from vangnet.payments.base import (
    Provider,
    ProviderNotFound,
    ProviderPaymentInfo,
    ProviderValidation,
)
from vangnet.payments.registry import register

if TYPE_CHECKING:
    from vangnet.payments.models import PaymentLink, TestProviderPayment

CODE = "testprovider"


def enabled() -> bool:
    return conf.provider_code() == CODE


def _info(row: TestProviderPayment) -> ProviderPaymentInfo:
    return ProviderPaymentInfo(
        id=row.payment_id,
        status=row.status,
        amount=cents_to_decimal(row.amount_cents),
        checkout_url=conf.base_url() + reverse("payments:test_checkout", args=[row.payment_id])
        if row.status == "open"
        else "",
        paid_at=row.paid_at,
        method="test",
        metadata=row.metadata,
    )


@register(CODE)
class TestProvider(Provider):
    __test__ = False
    verbose_name = "Testprovider (demo)"

    def create_payment(
        self,
        *,
        link: PaymentLink,
        amount: Decimal,
        description: str,
        redirect_url: str,
        webhook_url: str,
        idempotency_key: str,
    ) -> ProviderPaymentInfo:
        from vangnet.payments.models import TestProviderPayment

        if amount <= 0:
            raise ProviderValidation("the amount must be positive", status=422, field="amount")
        existing = TestProviderPayment.objects.filter(idempotency_key=idempotency_key).first()
        if existing is None:
            try:
                with transaction.atomic():
                    existing = TestProviderPayment.objects.create(
                        payment_id="tp_" + secrets.token_hex(6),
                        amount_cents=decimal_to_cents(amount),
                        description=description[:255],
                        redirect_url=redirect_url,
                        webhook_url=webhook_url,
                        idempotency_key=idempotency_key,
                        metadata={"link": link.token},
                    )
            except IntegrityError:
                existing = TestProviderPayment.objects.get(idempotency_key=idempotency_key)
        return _info(existing)

    def fetch_payment(self, payment_id: str) -> ProviderPaymentInfo:
        from vangnet.payments.models import TestProviderPayment

        row = TestProviderPayment.objects.filter(payment_id=payment_id).first()
        if row is None:
            raise ProviderNotFound(f"no test payment {payment_id!r}", status=404)
        return _info(row)
