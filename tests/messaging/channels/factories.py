"""Builders for channel tests: a person with an address, contact points and an open case."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from itertools import count

from vangnet.ledger.models import Account, Customer
from vangnet.parties.models import Address, ContactPoint, Organisation, Person
from vangnet.strategy.models import Case

_seq = count(1)


@dataclass
class Debtor:
    organisation: Organisation
    person: Person
    customer: Customer
    account: Account
    case: Case | None
    mobile: str
    email: str


def make_debtor(
    organisation: Organisation,
    *,
    surname: str = "Jansen",
    given_name: str = "Anna",
    initials: str = "A.",
    postcode: str = "3511 AB",
    city: str = "Utrecht",
    street: str = "Oudegracht",
    mobile: str | None = None,
    email: str | None = None,
    with_case: bool = True,
    opened_on: date = date(2025, 6, 1),
) -> Debtor:
    n = next(_seq)
    address = Address.objects.create(
        street=street, house_number=10 + n, postcode=postcode, city=city
    )
    person = Person.objects.create(
        initials=initials, given_name=given_name, surname=surname, address=address
    )
    customer = Customer.objects.create(
        organisation=organisation, number=f"K-{n:05d}", person=person
    )
    account = Account.objects.create(
        organisation=organisation, customer=customer, number=f"C-{n:05d}"
    )
    mobile = mobile if mobile is not None else f"+3161{n:07d}"
    email = email if email is not None else f"klant{n}@example.nl"
    if mobile:
        ContactPoint.objects.create(person=person, kind="mobile", value=mobile)
    if email:
        ContactPoint.objects.create(person=person, kind="email", value=email)
    case = (
        Case.objects.create(organisation=organisation, account=account, opened_on=opened_on)
        if with_case
        else None
    )
    return Debtor(organisation, person, customer, account, case, mobile, email)
