"""Waterbedrijf Voorbeeld: a fictional drinking-water company, its accounts and invoices.

Billing follows how Dutch water companies work: a monthly advance ("voorschot
drinkwater") sized to the household, issued on the 1st, due 14 days later or collected
by direct debit on the customer's chosen collection day (1, 8, 15 or 22; DOMAIN.md: a
water company in the seeds lets customers pick one of four days), and once a year, in
the month the contract started, an annual statement (jaarafrekening) that settles the
advances against the metered use: an invoice when the household used more, a credit
note when it used less.
"""

from __future__ import annotations

import operator
import random
from dataclasses import dataclass
from datetime import date, timedelta

from vangnet.simulation.dates import add_months, month_end, next_business_day
from vangnet.simulation.population import HouseholdSpec

COMPANY = {
    "name": "Waterbedrijf Voorbeeld",
    "slug": "waterbedrijf-voorbeeld",
    "kind": "creditor",
    "sector": "drinking_water",
    # Fictional: 0800-numbers in the 0800-0xxx range and .example are not in use.
    "contact_phone": "0800-0123456",
    "contact_email": "klantenservice@waterbedrijf-voorbeeld.example",
    "website": "https://www.waterbedrijf-voorbeeld.example",
}

# Monthly advance in cents by household size (1..5+): roughly €15–€35 including taxes,
# the range of Dutch water bills (vastrecht + ~46 m³ per person per year) [verify].
ADVANCE_BY_SIZE = (1_600, 2_200, 2_700, 3_100, 3_500)
COLLECTION_DAYS = (1, 8, 15, 22)
DIRECT_DEBIT_SHARE = 0.6
PAYMENT_TERM_DAYS = 14
# Betalingskenmerk weights, applied from the rightmost of the 15 digits leftwards.
_KENMERK_WEIGHTS = (2, 4, 8, 5, 10, 9, 7, 3, 6, 1, 2, 4, 8, 5, 10)

INVOICE = "invoice"
CREDIT_NOTE = "credit_note"


@dataclass(frozen=True, slots=True)
class AccountSpec:
    customer_number: str
    account_number: str
    start_date: date
    monthly_advance_cents: int
    collection_day: int | None  # None: pays by bank transfer
    mandate_reference: str

    @property
    def direct_debit(self) -> bool:
        return self.collection_day is not None


@dataclass(frozen=True, slots=True)
class InvoiceSpec:
    number: str
    kind: str
    month: int  # simulated month index (0 = first simulated month)
    period_start: date
    period_end: date
    issue_date: date
    due_date: date
    amount_cents: int
    payment_reference: str
    description: str


def betalingskenmerk(digits15: str) -> str:
    """A 16-digit structured payment reference: check digit + 15 digits.

    The check digit is 11 minus the weighted sum modulo 11 (10 -> 1, 11 -> 0), the
    Currence rule for the Dutch betalingskenmerk [verify against a bank's validator].
    """
    if len(digits15) != 15 or not digits15.isdigit():
        raise ValueError("a betalingskenmerk is built from exactly 15 digits")
    total = sum(map(operator.mul, map(int, reversed(digits15)), _KENMERK_WEIGHTS))
    check = 11 - total % 11
    check = 1 if check == 10 else 0 if check == 11 else check
    return f"{check}{digits15}"


def is_valid_betalingskenmerk(value: str) -> bool:
    return len(value) == 16 and value.isdigit() and betalingskenmerk(value[1:]) == value


def draw_account(
    rng: random.Random, household: HouseholdSpec, *, first_month: date, months: int
) -> AccountSpec:
    index = household.index
    if rng.random() < 0.1:
        # A recent customer: moved in during the simulated period.
        start = add_months(first_month, rng.randrange(max(1, months))) + timedelta(
            days=rng.randrange(28)
        )
    else:
        start = first_month - timedelta(days=rng.randint(40, 365 * 25))
    base = ADVANCE_BY_SIZE[min(household.size, 5) - 1]
    advance = round(base * rng.uniform(0.9, 1.1) / 100) * 100
    direct_debit = rng.random() < DIRECT_DEBIT_SHARE
    account_number = f"{300_000_000 + index:09d}"
    return AccountSpec(
        customer_number=f"{10_000_000 + index:08d}",
        account_number=account_number,
        start_date=start,
        monthly_advance_cents=advance,
        collection_day=rng.choice(COLLECTION_DAYS) if direct_debit else None,
        mandate_reference=f"WBV-MND-{account_number}" if direct_debit else "",
    )


def _due(account: AccountSpec, issued: date, earliest: date | None = None) -> date:
    """Due date: the collection date for direct debit, otherwise the payment term."""
    if account.collection_day is None:
        return issued + timedelta(days=PAYMENT_TERM_DAYS)
    earliest = earliest or issued
    month = add_months(earliest, 0)
    while True:
        day = next_business_day(month.replace(day=account.collection_day))
        if day >= earliest:
            return day
        month = add_months(month, 1)


def draw_invoices(
    rng: random.Random, account: AccountSpec, index: int, *, first_month: date, months: int
) -> list[InvoiceSpec]:
    """Advances for every simulated month the contract runs, plus annual statements."""
    invoices: list[InvoiceSpec] = []
    advances_since_statement: list[int] = []
    for m in range(months):
        month = add_months(first_month, m)
        if month_end(month) < account.start_date:
            continue
        issued = max(month, account.start_date)
        ym = f"{month.year}{month.month:02d}"
        if (
            month.month == account.start_date.month
            and len(advances_since_statement) >= 12
            and account.start_date < month
        ):
            paid = sum(advances_since_statement[-12:])
            # Metered use differs from what the advance assumed (weather, guests, a leak).
            actual = int(paid * max(0.6, min(1.5, rng.gauss(1.0, 0.12))))
            diff = actual - paid
            if abs(diff) >= 100:
                kind = INVOICE if diff > 0 else CREDIT_NOTE
                year = month.year - 1
                invoices.append(
                    InvoiceSpec(
                        number=f"{'J' if kind == INVOICE else 'C'}{ym}{index:08d}",
                        kind=kind,
                        month=m,
                        period_start=add_months(month, -12),
                        period_end=month - timedelta(days=1),
                        issue_date=issued,
                        due_date=_due(account, issued, issued + timedelta(days=PAYMENT_TERM_DAYS))
                        if kind == INVOICE
                        else issued,
                        amount_cents=abs(diff),
                        payment_reference=betalingskenmerk(f"2{index:08d}{ym}")
                        if kind == INVOICE
                        else "",
                        description=f"Jaarafrekening drinkwater {year}-{year + 1}"
                        if kind == INVOICE
                        else f"Creditnota jaarafrekening drinkwater {year}-{year + 1}",
                    )
                )
            advances_since_statement.clear()
        invoices.append(
            InvoiceSpec(
                number=f"V{ym}{index:08d}",
                kind=INVOICE,
                month=m,
                period_start=month,
                period_end=month_end(month),
                issue_date=issued,
                due_date=_due(account, issued),
                amount_cents=account.monthly_advance_cents,
                payment_reference=betalingskenmerk(f"1{index:08d}{ym}"),
                description=f"Voorschot drinkwater {month.month:02d}-{month.year}",
            )
        )
        advances_since_statement.append(account.monthly_advance_cents)
    return invoices
