from datetime import date

import pytest

from vangnet.ledger.allocation import Credit, OpenItem, allocate_accounts, plan_allocations
from vangnet.ledger.constants import InvoiceKind
from vangnet.ledger.models import Allocation, Invoice, Payment
from vangnet.ledger.services import payment_register, payment_reverse

from .factories import make_account, make_invoice, make_payment


def test_plan_pays_oldest_first():
    items = [
        OpenItem(2, "F2", "", date(2026, 2, 1), 2000),
        OpenItem(1, "F1", "", date(2026, 1, 1), 2000),
    ]
    planned = plan_allocations(items, [Credit(3000, payment_id=9)])
    assert [(p.invoice_id, p.amount_cents) for p in planned] == [(1, 2000), (2, 1000)]
    assert items[0].open_cents == 1000 and items[1].open_cents == 0


def test_plan_explicit_reference_wins_then_oldest():
    items = [
        OpenItem(1, "F1", "", date(2026, 1, 1), 2000),
        OpenItem(2, "F2", "1234567890123456", date(2026, 2, 1), 2000),
    ]
    credit = Credit(2500, reference="1234567890123456", payment_id=9)
    planned = plan_allocations(items, [credit])
    assert [(p.invoice_id, p.amount_cents) for p in planned] == [(2, 2000), (1, 500)]
    assert credit.available_cents == 0


def test_plan_overpayment_leaves_credit():
    items = [OpenItem(1, "F1", "", date(2026, 1, 1), 1000)]
    credit = Credit(1500, payment_id=9)
    plan_allocations(items, [credit])
    assert credit.available_cents == 500


@pytest.mark.django_db
def test_allocate_accounts_writes_consistent_rows(organisation):
    acc = make_account(organisation)
    f1 = make_invoice(acc, 2000, date(2026, 1, 15))
    f2 = make_invoice(acc, 2000, date(2026, 2, 15))
    cn = make_invoice(acc, 500, date(2026, 1, 20), kind=InvoiceKind.CREDIT_NOTE)
    pay = make_payment(acc, 2000, date(2026, 2, 1), invoice_reference=f2.number)

    written = allocate_accounts([acc.pk])

    f1.refresh_from_db()
    f2.refresh_from_db()
    cn.refresh_from_db()
    pay.refresh_from_db()
    # Credit note goes first to the oldest invoice; the payment names F2 explicitly.
    assert cn.open_amount_cents == 0
    assert f1.open_amount_cents == 1500
    assert f2.open_amount_cents == 0
    assert pay.unallocated_cents == 0
    assert written == 2
    # Idempotent: a second run writes nothing.
    assert allocate_accounts([acc.pk]) == 0
    assert Allocation.objects.count() == 2


@pytest.mark.django_db
def test_payment_register_is_idempotent_and_reverse_reopens(organisation):
    acc = make_account(organisation)
    inv = make_invoice(acc, 2500, date(2026, 1, 1))
    p1 = payment_register(
        account=acc, amount_cents=2500, booked_on=date(2026, 1, 3), reference="R-1"
    )
    p2 = payment_register(
        account=acc, amount_cents=2500, booked_on=date(2026, 1, 3), reference="R-1"
    )
    assert p1.pk == p2.pk
    assert Payment.objects.count() == 1
    inv.refresh_from_db()
    assert inv.open_amount_cents == 0

    payment_reverse(payment=p1, reversed_on=date(2026, 1, 10), reason="AM04")
    inv.refresh_from_db()
    p1.refresh_from_db()
    assert inv.open_amount_cents == 2500
    assert p1.reversed_on == date(2026, 1, 10) and p1.reversal_reason == "AM04"
    assert not Allocation.objects.filter(payment=p1).exists()
    # A reversed payment is never allocated again.
    assert allocate_accounts([acc.pk]) == 0
    assert Invoice.objects.get(pk=inv.pk).open_amount_cents == 2500


@pytest.mark.django_db
def test_payment_register_rejects_non_positive(organisation):
    acc = make_account(organisation)
    with pytest.raises(ValueError):
        payment_register(account=acc, amount_cents=0, booked_on=date(2026, 1, 1), reference="X")
