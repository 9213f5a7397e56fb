"""Small builders for ledger test data (plain functions: explicit and quick to read)."""

from __future__ import annotations

from datetime import date
from itertools import count

from vangnet.ledger.constants import InvoiceKind
from vangnet.ledger.models import Account, Customer, Invoice, Payment
from vangnet.parties.models import Organisation, Person

_seq = count(1)


def make_account(organisation: Organisation, *, number: str | None = None) -> Account:
    n = number or f"A{next(_seq):06d}"
    person = Person.objects.create(surname=f"Jansen {n}", initials="J.")
    customer = Customer.objects.create(organisation=organisation, number=n, person=person)
    return Account.objects.create(organisation=organisation, customer=customer, number=n)


def make_invoice(
    account: Account,
    amount_cents: int,
    due: date,
    *,
    number: str | None = None,
    kind: str = InvoiceKind.INVOICE,
    open_cents: int | None = None,
    payment_reference: str = "",
) -> Invoice:
    return Invoice.objects.create(
        organisation_id=account.organisation_id,
        account=account,
        number=number or f"F{next(_seq):07d}",
        kind=kind,
        issue_date=due,
        due_date=due,
        amount_cents=amount_cents,
        open_amount_cents=amount_cents if open_cents is None else open_cents,
        payment_reference=payment_reference,
    )


def make_payment(
    account: Account, amount_cents: int, booked_on: date, *, invoice_reference: str = ""
) -> Payment:
    return Payment.objects.create(
        organisation_id=account.organisation_id,
        account=account,
        booked_on=booked_on,
        amount_cents=amount_cents,
        unallocated_cents=amount_cents,
        reference=f"BANK{next(_seq):08d}",
        invoice_reference=invoice_reference,
    )
