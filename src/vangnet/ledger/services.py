"""Writes to the ledger that are not bulk imports: reversals, manual payments."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import F

from vangnet.core.services import audit_record
from vangnet.ledger.allocation import allocate_accounts
from vangnet.ledger.constants import PaymentSource
from vangnet.ledger.models import Account, Allocation, Invoice, Payment


def payment_register(
    *,
    account: Account,
    amount_cents: int,
    booked_on: date,
    reference: str,
    source: str = PaymentSource.MANUAL,
    invoice_reference: str = "",
    payer_iban: str = "",
    actor: Any = None,
) -> Payment:
    """Register one payment and allocate it at once; idempotent on ``reference``."""
    if amount_cents <= 0:
        raise ValueError("a payment amount must be positive")
    with transaction.atomic():
        payment, created = Payment.objects.get_or_create(
            organisation_id=account.organisation_id,
            reference=reference,
            defaults={
                "account": account,
                "amount_cents": amount_cents,
                "unallocated_cents": amount_cents,
                "booked_on": booked_on,
                "source": source,
                "invoice_reference": invoice_reference,
                "payer_iban": payer_iban,
            },
        )
        if created:
            allocate_accounts([account.pk])
            audit_record(
                action="payment_register",
                actor=actor,
                object_type="payment",
                object_id=payment.pk,
                summary=f"{reference} {amount_cents}c",
            )
    payment.refresh_from_db()
    return payment


def payment_reverse(
    *, payment: Payment, reversed_on: date, reason: str = "", actor: Any = None
) -> Payment:
    """A returned debit or chargeback: undo its allocations so the invoices are open again.

    The allocations are removed but listed in the audit event, so the history stays
    explainable; the payment row itself stays with its reversal date and reason code.
    """
    with transaction.atomic():
        payment = Payment.objects.select_for_update().get(pk=payment.pk)
        if payment.reversed_on is not None:
            return payment
        allocations = list(payment.allocations.values("id", "invoice_id", "amount_cents"))
        for alloc in allocations:
            Invoice.objects.filter(pk=alloc["invoice_id"]).update(
                open_amount_cents=F("open_amount_cents") + alloc["amount_cents"]
            )
        Allocation.objects.filter(payment=payment).delete()
        payment.reversed_on = reversed_on
        payment.reversal_reason = reason
        payment.unallocated_cents = 0
        payment.save(update_fields=["reversed_on", "reversal_reason", "unallocated_cents"])
        audit_record(
            action="payment_reverse",
            actor=actor,
            object_type="payment",
            object_id=payment.pk,
            summary=f"{payment.reference} {reason}",
            details={"undone_allocations": allocations},
        )
    return payment
