"""Hand-made ledgers for the strategy engine.

Dates are fixed (a Tuesday in June, outside any winter stop or holiday) so that quiet
hours, journeys and terms give the same answers on any day the suite runs.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.ledger.factories import make_account, make_invoice, make_payment
from vangnet.ledger.models import Account
from vangnet.parties.models import ContactPoint, Organisation

DAY = date(2025, 6, 10)  # a Tuesday


@pytest.fixture
def org(db) -> Organisation:
    return Organisation.objects.create(
        name="Waterbedrijf Test", slug="water-test", sector="drinking_water"
    )


def account_in_arrears(
    organisation: Organisation,
    *,
    cents: int = 5000,
    days: int = 5,
    today: date = DAY,
    email: bool = True,
    mobile: bool = True,
    invoices: int = 1,
) -> Account:
    """An account with ``invoices`` overdue invoices of ``cents`` each, oldest ``days`` old."""
    account = make_account(organisation)
    for k in range(invoices):
        make_invoice(account, cents, today - timedelta(days=days - 30 * k))
    person = account.customer.person
    if email:
        ContactPoint.objects.create(person=person, kind="email", value=f"p{person.pk}@example.nl")
    if mobile:
        ContactPoint.objects.create(person=person, kind="mobile", value=f"+316{person.pk:08d}")
    return account


def pay_all(account: Account, on: date) -> None:
    """Clear the account: allocate a payment to every open invoice."""
    from vangnet.ledger.models import Allocation

    for invoice in account.invoices.filter(open_amount_cents__gt=0):
        payment = make_payment(account, invoice.open_amount_cents, on)
        Allocation.objects.create(
            invoice=invoice, payment=payment, amount_cents=invoice.open_amount_cents
        )
        payment.unallocated_cents = 0
        payment.save()
        invoice.open_amount_cents = 0
        invoice.save()
