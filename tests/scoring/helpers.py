"""Builders for scoring tests: ledger rows by hand and synthetic histories with a known signal."""

from __future__ import annotations

from datetime import date
from itertools import count

import numpy as np

from vangnet.ledger.constants import InvoiceKind
from vangnet.ledger.models import Account, Customer, Invoice, Payment
from vangnet.parties.models import Organisation, Person
from vangnet.scoring.history import HistoryRow, OutcomeRow, period_label

_seq = count(1)


def account(organisation: Organisation) -> Account:
    n = f"S{next(_seq):06d}"
    person = Person.objects.create(surname=f"De Vries {n}", initials="A.")
    customer = Customer.objects.create(organisation=organisation, number=n, person=person)
    return Account.objects.create(organisation=organisation, customer=customer, number=n)


def invoice(
    acc: Account, amount: int, issued: date, due: date, *, kind: str = InvoiceKind.INVOICE
) -> Invoice:
    return Invoice.objects.create(
        organisation_id=acc.organisation_id,
        account=acc,
        number=f"F{next(_seq):07d}",
        kind=kind,
        issue_date=issued,
        due_date=due,
        amount_cents=amount,
        open_amount_cents=amount,
    )


def payment(acc: Account, amount: int, booked: date, *, reversed_on: date | None = None) -> Payment:
    return Payment.objects.create(
        organisation_id=acc.organisation_id,
        account=acc,
        booked_on=booked,
        amount_cents=amount,
        unallocated_cents=0,
        reference=f"BANK{next(_seq):08d}",
        reversed_on=reversed_on,
    )


def monthly_bills(acc: Account, amount: int, months: list[tuple[int, int]]) -> None:
    """One bill per (year, month), issued on the 1st, due on the 15th."""
    for y, m in months:
        invoice(acc, amount, date(y, m, 1), date(y, m, 15))


def synthetic_history(
    n: int = 1500, *, seed: int = 3, months: int = 12, last: str = "2025-06"
) -> tuple[list[HistoryRow], list[OutcomeRow]]:
    """Accounts with a hidden risk that drives both their history and their outcome.

    Risky accounts pay a smaller share of their bills and build up arrears; the outcome
    is drawn from a logistic function of the same risk, so the signal is known and a
    model should find it (AUC clearly above 0.5), but not perfectly (noise).
    """
    rng = np.random.default_rng(seed)
    end = int(last[:4]) * 12 + int(last[5:]) - 1
    rows: list[HistoryRow] = []
    outcomes: list[OutcomeRow] = []
    for i in range(n):
        risk = rng.beta(1.2, 4.0)
        bill = int(rng.integers(1500, 6000))
        run = 0
        for j in range(months):
            share = 1.0 if rng.random() > risk else rng.uniform(0.0, 0.8)
            paid = int(bill * share)
            run = run + 1 if share < 0.9 and rng.random() < 0.5 + risk / 2 else 0
            rows.append(HistoryRow(f"X{i}", period_label(end - months + 1 + j), bill, paid, run))
        p = 1 / (1 + np.exp(-(-3.0 + 7.0 * risk + 0.3 * run)))
        outcomes.append(OutcomeRow(f"X{i}", bool(rng.random() < p)))
    return rows, outcomes
