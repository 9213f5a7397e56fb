"""Two customers of one water company, each with an overdue invoice and an open case."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from urllib.parse import urlsplit

from django.test import Client
from django.utils import timezone

import pytest

from tests.ledger.factories import make_invoice
from vangnet.ledger.models import Account, Customer
from vangnet.parties.models import Address, ContactPoint, Organisation, Person
from vangnet.portal.tokens import portal_link_create
from vangnet.strategy.models import Case


def today() -> date:
    return timezone.localdate()


@dataclass
class Someone:
    customer: Customer
    account: Account
    case: Case
    invoice_number: str


def make_someone(
    org: Organisation,
    *,
    number: str,
    given: str,
    surname: str,
    postcode: str,
    dob: date,
    overdue_cents: int = 12000,
) -> Someone:
    address = Address.objects.create(
        street="Dorpsstraat",
        house_number=1,
        postcode=postcode,
        city="Utrecht",
        municipality_code="0344",
        municipality_name="Utrecht",
    )
    person = Person.objects.create(
        given_name=given,
        surname=surname,
        initials=given[0] + ".",
        date_of_birth=dob,
        address=address,
    )
    ContactPoint.objects.create(person=person, kind="email", value=f"{number.lower()}@example.nl")
    ContactPoint.objects.create(person=person, kind="mobile", value="+31612345678")
    customer = Customer.objects.create(organisation=org, number=number, person=person)
    account = Account.objects.create(
        organisation=org, customer=customer, number=f"C{number}", supply_address=address
    )
    inv = make_invoice(account, overdue_cents, today() - timedelta(days=30), number=f"F-{number}")
    case = Case.objects.create(
        organisation=org,
        account=account,
        opened_on=today() - timedelta(days=10),
        arrears_cents=overdue_cents,
        arrears_since=today() - timedelta(days=30),
        next_step_on=today() + timedelta(days=2),
    )
    return Someone(customer, account, case, inv.number)


@pytest.fixture
def org(db) -> Organisation:
    return Organisation.objects.create(
        name="Waterbedrijf Portaal",
        slug="water-portaal",
        sector="drinking_water",
        contact_phone="030 123 45 67",
    )


@pytest.fixture
def anna(org) -> Someone:
    return make_someone(
        org,
        number="K1001",
        given="Anna",
        surname="de Vries",
        postcode="3511 AB",
        dob=date(1980, 5, 17),
    )


@pytest.fixture
def bert(org) -> Someone:
    return make_someone(
        org,
        number="K2002",
        given="Bert",
        surname="Bakker",
        postcode="3512 CD",
        dob=date(1975, 1, 2),
        overdue_cents=34500,
    )


def path_of(url: str) -> str:
    return urlsplit(url).path


def signed_in(client: Client, someone: Someone) -> Client:
    url = portal_link_create(customer=someone.customer)
    response = client.get(path_of(url))
    assert response.status_code == 302, response.status_code
    return client
