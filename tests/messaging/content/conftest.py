"""A small hand-made case for the template tests.

Anna de Vries (Utrecht) owes two overdue water invoices: € 100,00 due 40 days ago and
€ 50,00 due 10 days ago, plus one € 30,00 invoice that is not yet due (not in arrears).
Total arrears € 150,00, so the WIK costs are the € 40,00 minimum.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.contrib.auth.models import Permission, User

import pytest

from vangnet.ledger.models import Account, Customer, Invoice
from vangnet.messaging.content.services import resolve_cache_clear
from vangnet.parties.models import Address, Organisation, Person
from vangnet.strategy.models import Case

DAY = date(2025, 6, 10)  # a Tuesday, no holiday near
ZONE = ZoneInfo("Europe/Amsterdam")


@pytest.fixture(autouse=True)
def _fresh_resolution_cache():
    resolve_cache_clear()
    yield
    resolve_cache_clear()


@pytest.fixture
def org(db) -> Organisation:
    return Organisation.objects.create(
        name="Waterbedrijf Test",
        slug="water-test",
        sector="drinking_water",
        contact_phone="088 555 01 01",
        contact_email="klant@water-test.invalid",
        website="https://water-test.invalid",
    )


@pytest.fixture
def case(org) -> Case:
    address = Address.objects.create(
        street="Dorpsstraat",
        house_number=12,
        house_number_suffix="a",
        postcode="3511 AB",
        city="Utrecht",
        municipality_code="0344",
        municipality_name="Utrecht",
    )
    person = Person.objects.create(
        given_name="Anna", surname_prefix="de", surname="Vries", initials="A.", address=address
    )
    customer = Customer.objects.create(organisation=org, number="K-1001", person=person)
    account = Account.objects.create(organisation=org, customer=customer, number="A-1001")
    for number, cents, due in (
        ("F-1", 10000, DAY - timedelta(days=40)),
        ("F-2", 5000, DAY - timedelta(days=10)),
        ("F-3", 3000, DAY + timedelta(days=5)),
    ):
        Invoice.objects.create(
            organisation=org,
            account=account,
            number=number,
            description=f"Water {number}",
            issue_date=due - timedelta(days=14),
            due_date=due,
            amount_cents=cents,
            open_amount_cents=cents,
        )
    return Case.objects.create(
        organisation=org,
        account=account,
        opened_on=DAY - timedelta(days=10),
        arrears_cents=15000,
        segment="standard",
    )


def at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), ZONE)


@pytest.fixture
def editor(db) -> User:
    user = User.objects.create_user("redacteur", email="redacteur@example.org", password="x-pass-1")
    user.user_permissions.add(
        Permission.objects.get(
            codename="change_messagetemplate", content_type__app_label="messaging_content"
        )
    )
    return user
