"""Small hand-made ledgers for the staff pages.

The numbers are chosen so that every figure on the pages can be computed by hand:

=========  ==========  ===========================================  ========  =====
customer   surname     open invoices (due relative to today)         arrears   days
=========  ==========  ===========================================  ========  =====
K-1001     Jansen      F-1 -100d € 100,00; F-2 -45d € 25,00 (of 50)  € 125,00  100
                       F-3 +10d € 40,00; F-4 paid
K-2002     de Vries    F-5 -10d € 200,00                             € 200,00  10
K-3003     Bakker      F-6 +5d € 20,00                               € 0,00    0
=========  ==========  ===========================================  ========  =====
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.contrib.auth.models import Permission, User
from django.utils import timezone

import pytest

from vangnet.ledger.models import Account, Allocation, Customer, Invoice, Payment
from vangnet.parties.models import Address, Consent, ContactPoint, Organisation, Person

FULL_BSN = "111222333"
PASSWORD = "correct-horse-battery-9"


@dataclass
class Ledger:
    organisation: Organisation
    today: date
    jansen: Account
    de_vries: Account
    bakker: Account


def view_permission() -> Permission:
    return Permission.objects.get(codename="view_account", content_type__app_label="ledger")


def make_user(username: str, *, can_view: bool = True, is_staff: bool = False) -> User:
    user = User.objects.create_user(username, password=PASSWORD, is_staff=is_staff)
    if can_view:
        user.user_permissions.add(view_permission())
    return user


@pytest.fixture
def staff_user(db) -> User:
    return make_user("medewerker")


@pytest.fixture
def staff_client(client, staff_user):
    client.force_login(staff_user)
    return client


def add_account(
    organisation: Organisation,
    *,
    number: str,
    surname: str,
    postcode: str,
    city: str,
    surname_prefix: str = "",
    bsn: str | None = None,
) -> Account:
    address = Address.objects.create(
        street="Dorpsstraat",
        house_number=int(number.split("-")[-1]) % 200 + 1,
        postcode=postcode,
        city=city,
        municipality_name=city,
    )
    person = Person.objects.create(
        initials="A.",
        given_name="Anna",
        surname_prefix=surname_prefix,
        surname=surname,
        bsn=bsn,
        address=address,
        date_of_birth=date(1980, 3, 14),
    )
    customer = Customer.objects.create(
        organisation=organisation, number=f"K-{number}", person=person
    )
    return Account.objects.create(
        organisation=organisation,
        customer=customer,
        number=f"C-{number}",
        start_date=date(2015, 1, 1),
    )


def add_invoice(
    account: Account, number: str, *, due_in_days: int, amount: int, open_amount: int, today: date
) -> Invoice:
    due = today + timedelta(days=due_in_days)
    return Invoice.objects.create(
        organisation_id=account.organisation_id,
        account=account,
        number=number,
        issue_date=due - timedelta(days=14),
        due_date=due,
        period_start=due - timedelta(days=44),
        period_end=due - timedelta(days=15),
        amount_cents=amount,
        open_amount_cents=open_amount,
    )


@pytest.fixture
def ledger(organisation) -> Ledger:
    today = timezone.localdate()
    jansen = add_account(
        organisation,
        number="1001",
        surname="Jansen",
        postcode="1234 AB",
        city="Utrecht",
        bsn=FULL_BSN,
    )
    de_vries = add_account(
        organisation,
        number="2002",
        surname="Vries",
        surname_prefix="de",
        postcode="5678 CD",
        city="Eindhoven",
    )
    bakker = add_account(
        organisation, number="3003", surname="Bakker", postcode="9999 ZX", city="Delfzijl"
    )
    add_invoice(jansen, "F-1", due_in_days=-100, amount=10000, open_amount=10000, today=today)
    f2 = add_invoice(jansen, "F-2", due_in_days=-45, amount=5000, open_amount=2500, today=today)
    add_invoice(jansen, "F-3", due_in_days=10, amount=4000, open_amount=4000, today=today)
    f4 = add_invoice(jansen, "F-4", due_in_days=-200, amount=3000, open_amount=0, today=today)
    add_invoice(de_vries, "F-5", due_in_days=-10, amount=20000, open_amount=20000, today=today)
    add_invoice(bakker, "F-6", due_in_days=5, amount=2000, open_amount=2000, today=today)

    paid = Payment.objects.create(
        organisation=organisation,
        account=jansen,
        booked_on=today - timedelta(days=30),
        amount_cents=5500,
        unallocated_cents=0,
        reference="BANK-0001",
    )
    Allocation.objects.create(invoice=f4, payment=paid, amount_cents=3000)
    Allocation.objects.create(invoice=f2, payment=paid, amount_cents=2500)
    Payment.objects.create(
        organisation=organisation,
        account=jansen,
        booked_on=today - timedelta(days=20),
        amount_cents=1000,
        unallocated_cents=0,
        reference="BANK-0002",
        source="direct_debit",
        reversed_on=today - timedelta(days=15),
        reversal_reason="MD06",
    )
    person = jansen.customer.person
    person.preferred_channels = ["sms", "email"]
    person.in_debt_help = True
    person.save()
    ContactPoint.objects.create(person=person, kind="email", value="anna.jansen@example.nl")
    ContactPoint.objects.create(person=person, kind="mobile", value="+31612345678")
    Consent.objects.create(person=person, purpose="digital_contact", granted=True, source="portaal")
    return Ledger(
        organisation=organisation, today=today, jansen=jansen, de_vries=de_vries, bakker=bakker
    )
