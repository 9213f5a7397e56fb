"""The payments each behaviour produces: on time, late, partial, missed, caught up later.

Direct debits of a household without money that month are collected and then returned
by the bank with reason AM04 (insufficient funds); a won't-pay customer asks the bank to
refund a debit (MD06) and then revokes the mandate. A returned debit is kept as a
payment with ``reversed_on``/``reversal_reason`` and gets no allocations, as
``ledger.services.payment_reverse`` would leave it. Payments and returns after ``today``
have not happened yet and are left out.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from vangnet.simulation.behaviour import Behaviour, BehaviourKind, Outcome, bill_outcome
from vangnet.simulation.behaviour import catch_up_chance as _catch_up_chance
from vangnet.simulation.dates import add_business_days, next_business_day
from vangnet.simulation.income import Income, next_pay_day
from vangnet.simulation.water import INVOICE, AccountSpec, InvoiceSpec

BANK_TRANSFER = "bank_transfer"
DIRECT_DEBIT = "direct_debit"


@dataclass(frozen=True, slots=True)
class PaymentSpec:
    booked_on: date
    amount_cents: int
    source: str
    invoice_reference: str = ""
    reversed_on: date | None = None
    reversal_reason: str = ""
    description: str = ""


def _on_time_date(rng: random.Random, income: Income, bill: InvoiceSpec) -> date:
    """Pays before the due date: just after pay day when it falls inside the term."""
    pay_day = next_pay_day(income, bill.issue_date)
    if pay_day < bill.due_date and rng.random() < 0.6:
        day = pay_day + timedelta(days=rng.randint(0, 2))
    else:
        day = bill.issue_date + timedelta(days=rng.randint(1, 10))
    return next_business_day(min(day, bill.due_date - timedelta(days=1)))


def _late_date(rng: random.Random, income: Income, bill: InvoiceSpec, behaviour: Behaviour) -> date:
    """Pays after the due date: after the next pay day, or weeks later."""
    if behaviour.kind == BehaviourKind.SOMETIMES_LATE and rng.random() < 0.5:
        day = bill.due_date + timedelta(days=rng.randint(3, 30))
    else:
        day = next_pay_day(income, bill.due_date + timedelta(days=1))
        day += timedelta(days=rng.randint(0, 4) + 7 * rng.randrange(3))
    return next_business_day(day)


def _partial_amount(rng: random.Random, behaviour: Behaviour, amount: int) -> int:
    if behaviour.kind == BehaviourKind.VULNERABLE:
        part = rng.choice((500, 1000, 1500))
    else:
        part = round(amount * rng.uniform(0.3, 0.7) / 100) * 100
    return max(100, min(part, amount - 100))


def draw_payments(
    rng: random.Random,
    *,
    behaviour: Behaviour,
    income: Income,
    account: AccountSpec,
    invoices: list[InvoiceSpec],
    today: date,
) -> list[PaymentSpec]:
    payments: list[PaymentSpec] = []
    unpaid = 0  # what the household knowingly left unpaid so far
    mandate_revoked = False
    for bill in invoices:
        if bill.kind != INVOICE or bill.issue_date > today:
            continue
        outcome = bill_outcome(rng, behaviour, bill.month)
        ref = bill.payment_reference if rng.random() < 0.85 else ""
        paid_now = 0
        if account.direct_debit and not mandate_revoked:
            collected = bill.due_date
            if outcome == Outcome.ON_TIME:
                payments.append(
                    PaymentSpec(collected, bill.amount_cents, DIRECT_DEBIT, bill.payment_reference)
                )
                continue
            if behaviour.kind == BehaviourKind.WONT_PAY:
                # Collected, then refunded on the debtor's request within eight weeks,
                # after which the mandate is revoked: no more debits.
                payments.append(
                    PaymentSpec(
                        collected,
                        bill.amount_cents,
                        DIRECT_DEBIT,
                        bill.payment_reference,
                        reversed_on=add_business_days(collected, rng.randint(5, 35)),
                        reversal_reason="MD06",
                    )
                )
                mandate_revoked = True
                unpaid += bill.amount_cents
                continue
            payments.append(
                PaymentSpec(
                    collected,
                    bill.amount_cents,
                    DIRECT_DEBIT,
                    bill.payment_reference,
                    reversed_on=add_business_days(collected, rng.randint(2, 4)),
                    reversal_reason="AM04",
                )
            )
        if outcome == Outcome.ON_TIME:
            day = (
                _on_time_date(rng, income, bill)
                if not account.direct_debit
                else _late_date(rng, income, bill, behaviour)
            )
            payments.append(PaymentSpec(day, bill.amount_cents, BANK_TRANSFER, ref))
            paid_now = bill.amount_cents
        elif outcome == Outcome.LATE:
            day = _late_date(rng, income, bill, behaviour)
            payments.append(PaymentSpec(day, bill.amount_cents, BANK_TRANSFER, ref))
            paid_now = bill.amount_cents
        elif outcome == Outcome.PARTIAL:
            amount = _partial_amount(rng, behaviour, bill.amount_cents)
            day = _late_date(rng, income, bill, behaviour)
            payments.append(PaymentSpec(day, amount, BANK_TRANSFER, ref))
            paid_now = amount
        unpaid += bill.amount_cents - paid_now
        if unpaid > 0 and rng.random() < _catch_up_chance(behaviour, bill.month):
            # Pays off arrears after a pay day: all of it, or a few months' worth.
            lump = unpaid if rng.random() < 0.4 else min(unpaid, 2 * bill.amount_cents)
            day = next_business_day(
                next_pay_day(income, bill.due_date) + timedelta(days=rng.randint(0, 3))
            )
            payments.append(
                PaymentSpec(day, lump, BANK_TRANSFER, description="Betaling achterstand")
            )
            unpaid -= lump
    result: list[PaymentSpec] = []
    for p in payments:
        if p.booked_on > today:
            continue
        if p.reversed_on is not None and p.reversed_on > today:
            # The return has not happened yet: today it is an ordinary collected debit.
            p = PaymentSpec(p.booked_on, p.amount_cents, p.source, p.invoice_reference)
        result.append(p)
    result.sort(key=lambda p: p.booked_on)
    return result
