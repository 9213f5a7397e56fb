"""Scheduling: collection days, pre-notification, open invoices (set-based), settling."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.banking.directdebit.conftest import TODAY, invoice_for, sign
from tests.ledger.factories import make_account
from vangnet.banking.directdebit.calendar import next_collection_date
from vangnet.banking.directdebit.constants import CollectionStatus
from vangnet.banking.directdebit.models import Collection, Mandate
from vangnet.banking.directdebit.services import (
    collection_schedule,
    collections_schedule_open_invoices,
    collections_settle,
    prenotification_text,
)
from vangnet.core.errors import Invalid
from vangnet.ledger.constants import PaymentSource
from vangnet.ledger.models import Payment
from vangnet.strategy.models import Hold


@pytest.mark.parametrize(
    "day, earliest, expected",
    [
        (15, date(2026, 11, 2), date(2026, 11, 16)),  # Sunday 15th -> Monday
        (15, date(2026, 11, 17), date(2026, 12, 15)),  # past this month's date: next month
        (1, date(2026, 12, 2), date(2027, 1, 4)),  # 1 Jan is a TARGET2 holiday, then weekend
        (8, date(2026, 12, 8), date(2026, 12, 8)),  # on the day itself
        (22, date(2026, 12, 23), date(2027, 1, 22)),
    ],
)
def test_next_collection_date(day, earliest, expected):
    assert next_collection_date(collection_day=day, earliest=earliest) == expected


def test_schedule_respects_the_prenotification_term(mandate):
    c = collection_schedule(
        mandate=mandate,
        amount_cents=2350,
        reference="F1",
        remittance="Factuur F1",
        earliest=TODAY,
        today=TODAY,
    )
    assert c.collection_date == date(2026, 11, 16)
    assert c.collection_date - TODAY >= timedelta(days=14)
    assert c.status == CollectionStatus.SCHEDULED and len(c.end_to_end_id) <= 35
    later = collection_schedule(
        mandate=mandate,
        amount_cents=2350,
        reference="F2",
        remittance="Factuur F2",
        earliest=date(2026, 11, 20),
        today=TODAY,
    )
    assert later.collection_date == date(2026, 12, 15)


def test_schedule_is_idempotent_on_reference(mandate):
    kwargs = dict(
        mandate=mandate,
        amount_cents=2350,
        reference="PLAN-7-3",
        remittance="Termijn 3",
        earliest=TODAY,
        today=TODAY,
    )
    assert collection_schedule(**kwargs).pk == collection_schedule(**kwargs).pk
    assert Collection.objects.count() == 1


@pytest.mark.parametrize("cents", [0, -100])
def test_schedule_refuses_a_non_positive_amount(mandate, cents):
    with pytest.raises(Invalid) as exc:
        collection_schedule(
            mandate=mandate,
            amount_cents=cents,
            reference="X",
            remittance="x",
            earliest=TODAY,
            today=TODAY,
        )
    assert "groter zijn dan € 0,00" in exc.value.nl


def test_prenotification_text(mandate):
    c = collection_schedule(
        mandate=mandate,
        amount_cents=2350,
        reference="V202612000001",
        remittance="Voorschot",
        earliest=date(2026, 12, 1),
        today=TODAY,
    )
    assert prenotification_text(c) == (
        "We schrijven € 23,50 af op dinsdag 15 december 2026 van rekening NL…4300"
        " (kenmerk V202612000001)."
    )


@pytest.fixture
def population(profile, organisation):
    """Five accounts: mandate day 1, mandate day 15, no mandate, a revoked mandate, and a
    mandate under a payment plan."""
    accounts = [make_account(organisation) for _ in range(5)]
    sign(accounts[0], day=1)
    sign(accounts[1], day=15)
    revoked = sign(accounts[3], day=8)
    Mandate.objects.filter(pk=revoked.pk).update(status="revoked")
    sign(accounts[4], day=8)
    Hold.objects.create(
        organisation=organisation, account=accounts[4], kind="payment_plan", starts_on=TODAY
    )
    for i, acc in enumerate(accounts):
        invoice_for(acc, 2000 + i, due=date(2026, 11, 1), number=f"V{i}")
    invoice_for(accounts[1], 999, due=date(2026, 12, 15), number="J1")
    paid = invoice_for(accounts[0], 500, due=date(2026, 11, 1), number="PAID")
    paid.open_amount_cents = 0
    paid.save()
    return accounts


def test_open_invoices_get_one_collection_each(population, organisation):
    n = collections_schedule_open_invoices(organisation_id=organisation.pk, on=TODAY)
    got = {
        c.invoice.number: (c.account_id, c.collection_date, c.amount_cents)
        for c in Collection.objects.select_related("invoice")
    }
    a = population
    assert got == {
        "V0": (a[0].pk, date(2026, 12, 1), 2000),
        "V1": (a[1].pk, date(2026, 11, 16), 2001),
        "J1": (a[1].pk, date(2026, 12, 15), 999),  # not before its due date
    }
    assert n == 3
    # A second run (the same day or later) schedules nothing new.
    assert collections_schedule_open_invoices(organisation_id=organisation.pk, on=TODAY) == 0
    assert (
        collections_schedule_open_invoices(
            organisation_id=organisation.pk, on=TODAY + timedelta(days=3)
        )
        == 0
    )


def test_moratorium_and_deceased_are_not_collected(population, organisation):
    person = population[0].customer.person
    person.moratorium_until = TODAY + timedelta(days=100)
    person.save()
    collections_schedule_open_invoices(organisation_id=organisation.pk, on=TODAY)
    assert not Collection.objects.filter(account=population[0]).exists()
    assert Collection.objects.filter(account=population[1]).count() == 2


def test_settle_registers_payments_and_turns_the_mandate_recurring(mandate, account):
    inv = invoice_for(account, 2350, number="F1")
    c = collection_schedule(
        mandate=mandate,
        amount_cents=2350,
        reference="F1",
        remittance="Factuur F1",
        earliest=TODAY,
        invoice=inv,
        today=TODAY,
    )
    # Not exported yet: nothing to settle.
    assert (
        collections_settle(organisation_id=account.organisation_id, on=c.collection_date).count == 0
    )
    Collection.objects.filter(pk=c.pk).update(status="exported", sequence_type="FRST")
    assert (
        collections_settle(
            organisation_id=account.organisation_id, on=c.collection_date - timedelta(days=1)
        ).count
        == 0
    )
    result = collections_settle(organisation_id=account.organisation_id, on=c.collection_date)
    assert (result.count, result.total_cents) == (1, 2350)
    c.refresh_from_db()
    inv.refresh_from_db()
    mandate.refresh_from_db()
    pay = Payment.objects.get()
    assert (pay.reference, pay.source, pay.booked_on) == (
        c.end_to_end_id,
        PaymentSource.DIRECT_DEBIT,
        c.collection_date,
    )
    assert c.status == "settled" and c.payment_id == pay.pk
    assert inv.open_amount_cents == 0
    assert (mandate.sequence_type, mandate.last_collected_on) == ("RCUR", c.collection_date)
    # Idempotent.
    assert (
        collections_settle(
            organisation_id=account.organisation_id, on=TODAY + timedelta(days=90)
        ).count
        == 0
    )
    assert Payment.objects.count() == 1
