"""Balances and aging checked against hand-computed examples."""

from datetime import date, timedelta

import pytest

from vangnet.ledger.allocation import allocate_accounts
from vangnet.ledger.constants import InvoiceKind
from vangnet.ledger.models import Account
from vangnet.ledger.selectors import accounts_with_position, aging_report, positions

from .factories import make_account, make_invoice, make_payment

TODAY = date(2026, 6, 30)


def days_ago(n: int) -> date:
    return TODAY - timedelta(days=n)


@pytest.fixture
def ledger(organisation):
    """Three accounts with a known position (amounts in cents).

    A: invoices 30.00 due 10 days ago, 30.00 due 45 days ago, 30.00 due in 5 days;
       paid 30.00 -> oldest paid; arrears 30.00 (10 days), balance 60.00, DPD 10.
    B: invoice 100.00 due 120 days ago, 50.00 due 75 days ago, credit note 20.00;
       arrears after credit: 80.00 + 50.00 = 130.00, DPD 120, balance 130.00.
    C: invoice 10.00 due yesterday, overpaid 25.00 -> no arrears, balance -15.00.
    """
    a = make_account(organisation, number="A")
    make_invoice(a, 3000, days_ago(10))
    make_invoice(a, 3000, days_ago(45))
    make_invoice(a, 3000, TODAY + timedelta(days=5))
    make_payment(a, 3000, days_ago(20))
    b = make_account(organisation, number="B")
    make_invoice(b, 10000, days_ago(120))
    make_invoice(b, 5000, days_ago(75))
    make_invoice(b, 2000, days_ago(60), kind=InvoiceKind.CREDIT_NOTE)
    c = make_account(organisation, number="C")
    make_invoice(c, 1000, days_ago(1))
    make_payment(c, 2500, days_ago(0))
    allocate_accounts([a.pk, b.pk, c.pk])
    return a, b, c


@pytest.mark.django_db
def test_positions_match_hand_computed(ledger, organisation, django_assert_max_num_queries):
    a, b, c = ledger
    with django_assert_max_num_queries(2):
        pos = positions(organisation_id=organisation.pk, today=TODAY)
    assert (pos[a.pk].balance_cents, pos[a.pk].arrears_cents, pos[a.pk].days_past_due) == (
        6000,
        3000,
        10,
    )
    assert (pos[b.pk].balance_cents, pos[b.pk].arrears_cents, pos[b.pk].days_past_due) == (
        13000,
        13000,
        120,
    )
    assert (pos[c.pk].balance_cents, pos[c.pk].arrears_cents, pos[c.pk].days_past_due) == (
        -1500,
        0,
        0,
    )


@pytest.mark.django_db
def test_balance_equals_gross_formula(ledger, organisation):
    """Open-item balance == invoiced - credited - paid, computed independently."""
    pos = positions(organisation_id=organisation.pk, today=TODAY)
    for acc in Account.objects.all():
        invoiced = sum(i.amount_cents for i in acc.invoices.filter(kind=InvoiceKind.INVOICE))
        credited = sum(i.amount_cents for i in acc.invoices.filter(kind=InvoiceKind.CREDIT_NOTE))
        paid = sum(p.amount_cents for p in acc.payments.filter(reversed_on__isnull=True))
        assert pos[acc.pk].balance_cents == invoiced - credited - paid


@pytest.mark.django_db
def test_accounts_with_position_annotations(ledger):
    a, b, c = ledger
    rows = {acc.pk: acc for acc in accounts_with_position(Account.objects.all(), today=TODAY)}
    assert rows[a.pk].arrears_cents == 3000
    assert rows[a.pk].oldest_due_date == days_ago(10)
    assert rows[a.pk].open_cents - rows[a.pk].credit_cents == 6000
    assert rows[b.pk].arrears_cents == 13000
    assert rows[c.pk].arrears_cents == 0
    assert rows[c.pk].open_cents - rows[c.pk].credit_cents == -1500


@pytest.mark.django_db
def test_aging_report_hand_computed(ledger, organisation, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        report = aging_report(organisation_id=organisation.pk, today=TODAY)
    by_label = {b.label: b for b in report.buckets}
    # Invoice view: A's 10-day invoice (30.00) in 0-30; B's 75-day (50.00) in 61-90;
    # B's 120-day remainder (80.00) in 90+; A's 45-day invoice was paid.
    assert (by_label["0-30"].invoice_count, by_label["0-30"].amount_cents) == (1, 3000)
    assert (by_label["31-60"].invoice_count, by_label["31-60"].amount_cents) == (0, 0)
    assert (by_label["61-90"].invoice_count, by_label["61-90"].amount_cents) == (1, 5000)
    assert (by_label["90+"].invoice_count, by_label["90+"].amount_cents) == (1, 8000)
    assert report.not_due_cents == 3000
    assert report.total_overdue_cents == 16000
    # Account view, by the oldest overdue invoice: A in 0-30, B in 90+ with all 130.00.
    assert (by_label["0-30"].account_count, by_label["0-30"].account_arrears_cents) == (1, 3000)
    assert (by_label["90+"].account_count, by_label["90+"].account_arrears_cents) == (1, 13000)
    assert report.accounts_in_arrears == 2


@pytest.mark.django_db
def test_aging_bucket_edges(organisation):
    """Due today is not overdue; 30 days late is 0-30, 31 is 31-60, 90 is 61-90, 91 is 90+."""
    acc = make_account(organisation)
    for days in (0, 1, 30, 31, 60, 61, 90, 91):
        make_invoice(acc, 100, days_ago(days))
    report = aging_report(organisation_id=organisation.pk, today=TODAY)
    counts = {b.label: b.invoice_count for b in report.buckets}
    assert counts == {"0-30": 2, "31-60": 2, "61-90": 2, "90+": 1}
    assert report.not_due_cents == 100


@pytest.mark.django_db
def test_aging_empty(organisation):
    report = aging_report(organisation_id=organisation.pk, today=TODAY)
    assert report.total_overdue_cents == 0 and report.accounts_in_arrears == 0
    assert positions(organisation_id=organisation.pk, today=TODAY) == {}
