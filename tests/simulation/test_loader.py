"""A written population is a consistent ledger, and behaviour shows in it."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Sum

import pytest

from vangnet.ledger.allocation import allocate_accounts
from vangnet.ledger.models import Account, Allocation, Customer, Invoice, Payment
from vangnet.ledger.selectors import aging_report, positions
from vangnet.parties.models import Address, ContactPoint, Household, Person
from vangnet.parties.validation import normalise_phone, normalise_postcode
from vangnet.simulation.behaviour import BehaviourKind
from vangnet.simulation.generator import simulate
from vangnet.simulation.loader import population_load, population_purge

pytestmark = pytest.mark.django_db


def _behaviour_by_account(organisation, horizon, seed=7):
    return {
        acc_id: simulate(seed, int(number) - 300_000_000, horizon).household.behaviour.kind
        for acc_id, number in Account.objects.filter(organisation=organisation).values_list(
            "id", "number"
        )
    }


def test_counts_and_links(loaded):
    organisation, _horizon, stats = loaded
    assert Account.objects.filter(organisation=organisation).count() == 400 == stats.accounts
    assert Customer.objects.filter(organisation=organisation).count() == 400
    assert Household.objects.count() == 400 == Address.objects.count()
    assert Person.objects.count() == stats.persons
    assert Invoice.objects.count() == stats.invoices
    assert Payment.objects.count() == stats.payments
    assert Allocation.objects.count() == stats.allocations
    assert stats.reversed_payments > 0
    # Every customer's person lives at the account's supply address.
    for acc in Account.objects.select_related("customer__person")[:50]:
        assert acc.customer.person.address_id == acc.supply_address_id
        assert acc.customer.person.household.address_id == acc.supply_address_id
    for postcode in Address.objects.values_list("postcode", flat=True):
        assert normalise_postcode(postcode) == postcode
    for kind, value in ContactPoint.objects.values_list("kind", "value"):
        if kind == "mobile":
            assert normalise_phone(value) == value


def test_ledger_is_consistent(loaded):
    organisation, horizon, _stats = loaded
    alloc_by_invoice = defaultdict(int)
    alloc_by_payment = defaultdict(int)
    alloc_by_note = defaultdict(int)
    for inv, pay, note, amount in Allocation.objects.values_list(
        "invoice_id", "payment_id", "credit_note_id", "amount_cents"
    ):
        assert amount > 0
        alloc_by_invoice[inv] += amount
        if pay:
            alloc_by_payment[pay] += amount
        else:
            alloc_by_note[note] += amount
    invoiced = defaultdict(int)
    for pk, acc, kind, amount, open_cents in Invoice.objects.values_list(
        "id", "account_id", "kind", "amount_cents", "open_amount_cents"
    ):
        if kind == "invoice":
            assert open_cents == amount - alloc_by_invoice[pk]
            assert pk not in alloc_by_note
            invoiced[acc] += amount
        else:
            assert open_cents == amount - alloc_by_note[pk]
            invoiced[acc] -= amount
    for pk, acc, amount, unallocated, reversed_on in Payment.objects.values_list(
        "id", "account_id", "amount_cents", "unallocated_cents", "reversed_on"
    ):
        if reversed_on is not None:
            assert unallocated == 0 and alloc_by_payment[pk] == 0
        else:
            assert unallocated == amount - alloc_by_payment[pk]
            invoiced[acc] -= amount
    pos = positions(organisation_id=organisation.pk, today=horizon.today)
    for acc, expected in invoiced.items():
        got = pos[acc].balance_cents if acc in pos else 0
        assert got == expected, acc
    # A fixed point: the allocation service finds nothing left to do.
    assert allocate_accounts(Account.objects.values_list("id", flat=True)) == 0


def test_behaviour_shows_in_the_ledger(loaded):
    organisation, horizon, _stats = loaded
    kinds = _behaviour_by_account(organisation, horizon)
    pos = positions(organisation_id=organisation.pk, today=horizon.today)
    arrears = {acc: p.arrears_cents for acc, p in pos.items()}
    by_kind = defaultdict(list)
    for acc, kind in kinds.items():
        by_kind[kind].append(arrears.get(acc, 0))
    assert by_kind[BehaviourKind.ON_TIME]
    assert all(a == 0 for a in by_kind[BehaviourKind.ON_TIME])
    for kind in (BehaviourKind.CHRONIC_ARREARS, BehaviourKind.WONT_PAY):
        values = by_kind[kind]
        assert values, kind
        assert sum(a > 0 for a in values) >= 0.75 * len(values), kind
    # Payment problems are concentrated in the problem types.
    problem = [
        a
        for k in (BehaviourKind.CHRONIC_ARREARS, BehaviourKind.VULNERABLE, BehaviourKind.WONT_PAY)
        for a in by_kind[k]
    ]
    assert sum(problem) > 0.7 * sum(arrears.values())


def test_am04_returns_leave_invoices_open(loaded):
    organisation, _horizon, _stats = loaded
    returned = Payment.objects.filter(organisation=organisation, reversal_reason="AM04")
    assert returned.exists()
    assert not Allocation.objects.filter(payment__in=returned).exists()
    assert not returned.exclude(unallocated_cents=0).exists()
    assert all(p.reversed_on > p.booked_on for p in returned)
    # Most returned debits are for invoices still (partly) open or paid later by transfer.
    refs = set(returned.values_list("invoice_reference", flat=True))
    still_open = Invoice.objects.filter(payment_reference__in=refs, open_amount_cents__gt=0)
    assert still_open.exists()
    assert Payment.objects.filter(source="direct_debit", reversed_on__isnull=True).exists()


def test_every_aging_bucket_has_arrears(organisation, horizon):
    population_load(organisation=organisation, households=1500, horizon=horizon, seed=3)
    report = aging_report(organisation_id=organisation.pk, today=horizon.today)
    assert report.not_due_cents > 0
    for bucket in report.buckets:
        assert bucket.amount_cents > 0, bucket.label
        assert bucket.account_count > 0, bucket.label
    assert 0.05 < report.accounts_in_arrears / 1500 < 0.3


def test_purge_removes_the_organisation_data_only(loaded, django_user_model):
    from vangnet.parties.models import Organisation

    organisation, horizon, _stats = loaded
    other = Organisation.objects.create(name="Ander", slug="ander")
    population_load(organisation=other, households=20, horizon=horizon, seed=99, start=10_000)
    assert population_purge(organisation=organisation) == 400
    assert not Account.objects.filter(organisation=organisation).exists()
    assert not Invoice.objects.filter(organisation=organisation).exists()
    assert Account.objects.filter(organisation=other).count() == 20
    people = Person.objects.count()
    assert people == Person.objects.filter(household__isnull=False).count()
    assert Household.objects.count() == 20 == Address.objects.count()
    assert Allocation.objects.aggregate(s=Sum("amount_cents"))["s"] > 0
    # Loading again after a purge works (numbers are free again).
    population_load(organisation=organisation, households=10, horizon=horizon, seed=7)
    assert Account.objects.filter(organisation=organisation).count() == 10
