"""One simulated customer end to end: household, account, invoices, payments, allocations.

``simulate(seed, index, ...)`` is pure and deterministic. Allocations are computed here,
in Python, with the ledger's own ``plan_allocations`` (oldest open invoice first, an
explicit reference wins), replayed in date order as the daily allocation would have done
— so the loader can write ``open_amount_cents``, ``unallocated_cents`` and the
Allocation rows directly instead of running ``allocate_accounts`` over a million accounts
afterwards. The result is a fixed point: running ``allocate_accounts`` on it writes
nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from vangnet.ledger.allocation import Credit, OpenItem, plan_allocations
from vangnet.simulation.dates import add_months
from vangnet.simulation.payments import PaymentSpec, draw_payments
from vangnet.simulation.population import HouseholdSpec, draw_household, household_rng
from vangnet.simulation.water import CREDIT_NOTE, AccountSpec, InvoiceSpec, draw_account
from vangnet.simulation.water import draw_invoices as _draw_invoices

_BANKS = ("INGB", "RABO", "ABNA", "SNSB", "TRIO", "KNAB", "ASNB", "BUNQ", "RBRB")


@dataclass(frozen=True, slots=True)
class AllocationSpec:
    invoice: int  # index into ``SimulatedCustomer.invoices``
    amount_cents: int
    payment: int | None  # index into ``SimulatedCustomer.payments``
    credit_note: int | None  # index into ``SimulatedCustomer.invoices``


@dataclass(frozen=True, slots=True)
class SimulatedCustomer:
    household: HouseholdSpec
    account: AccountSpec
    payer_iban: str
    invoices: list[InvoiceSpec]
    open_cents: list[int]  # per invoice (credit notes: credit not yet used)
    payments: list[PaymentSpec]
    unallocated_cents: list[int]  # per payment (0 for a reversed one)
    allocations: list[AllocationSpec]


@dataclass(frozen=True)
class Horizon:
    """The simulated months: ``months`` calendar months, the last one containing today."""

    today: date
    months: int

    @property
    def first_month(self) -> date:
        return add_months(self.today, 1 - self.months)


def draw_iban(rng) -> str:
    """A Dutch IBAN whose account number passes the old eleven-test, as real ones do."""
    while True:
        digits = [rng.randrange(10) for _ in range(9)]
        last = -sum(d * w for d, w in zip(digits, range(10, 1, -1), strict=True)) % 11
        if last < 10 and digits[0] != 0:
            break
    bank = rng.choice(_BANKS)
    bban = bank + "".join(map(str, digits)) + str(last)
    numeric = "".join(str(int(ch, 36)) for ch in bban + "NL00")
    check = 98 - int(numeric) % 97
    return f"NL{check:02d}{bban}"


def settle(
    invoices: list[InvoiceSpec], payments: list[PaymentSpec]
) -> tuple[list[int], list[int], list[AllocationSpec]]:
    """Replay issue and payment dates and allocate as the ledger does.

    Credit notes are used before payments, payments in booking order; reversed payments
    carry no money.
    """
    items: list[OpenItem] = []
    credit_notes: list[Credit] = []
    credits_pay: list[Credit] = []
    item_of: dict[int, OpenItem] = {}
    events: list[tuple[date, int, int]] = [
        (inv.issue_date, 0, i) for i, inv in enumerate(invoices)
    ] + [(p.booked_on, 1, j) for j, p in enumerate(payments) if p.reversed_on is None]
    events.sort()
    planned = []
    for _day, what, idx in events:
        if what == 0:
            inv = invoices[idx]
            if inv.kind == CREDIT_NOTE:
                credit_notes.append(Credit(inv.amount_cents, credit_note_id=idx))
            else:
                item = OpenItem(
                    idx, inv.number, inv.payment_reference, inv.due_date, inv.amount_cents
                )
                items.append(item)
                item_of[idx] = item
        else:
            pay = payments[idx]
            credits_pay.append(Credit(pay.amount_cents, pay.invoice_reference, payment_id=idx))
        open_items = [i for i in items if i.open_cents > 0]
        credits = [c for c in credit_notes + credits_pay if c.available_cents > 0]
        if open_items and credits:
            planned.extend(plan_allocations(open_items, credits))
    left_note = {c.credit_note_id: c.available_cents for c in credit_notes}
    left_pay = {c.payment_id: c.available_cents for c in credits_pay}
    open_cents = [
        item_of[i].open_cents if i in item_of else left_note[i] for i in range(len(invoices))
    ]
    unallocated = [left_pay.get(j, 0) for j in range(len(payments))]
    allocations = [
        AllocationSpec(p.invoice_id, p.amount_cents, p.payment_id, p.credit_note_id)
        for p in planned
    ]
    return open_cents, unallocated, allocations


@dataclass(frozen=True, slots=True)
class DrawnCustomer:
    """Everything drawn for one customer up to ``horizon.today``, before settling."""

    household: HouseholdSpec
    account: AccountSpec
    payer_iban: str
    invoices: list[InvoiceSpec]
    payments: list[PaymentSpec]


def draw_customer(seed: int, index: int, horizon: Horizon) -> DrawnCustomer:
    """The draws of ``simulate`` in their fixed order (the strategy simulator splits them
    at its day 0 instead of settling everything at once)."""
    rng = household_rng(seed, index)
    first = horizon.first_month
    household = draw_household(rng, index, first_month=first, months=horizon.months)
    account = draw_account(rng, household, first_month=first, months=horizon.months)
    invoices = [
        inv
        for inv in _draw_invoices(rng, account, index, first_month=first, months=horizon.months)
        if inv.issue_date <= horizon.today
    ]
    payments = draw_payments(
        rng,
        behaviour=household.behaviour,
        income=household.income,
        account=account,
        invoices=invoices,
        today=horizon.today,
    )
    return DrawnCustomer(household, account, draw_iban(rng), invoices, payments)


def simulate(seed: int, index: int, horizon: Horizon) -> SimulatedCustomer:
    drawn = draw_customer(seed, index, horizon)
    open_cents, unallocated, allocations = settle(drawn.invoices, drawn.payments)
    return SimulatedCustomer(
        household=drawn.household,
        account=drawn.account,
        payer_iban=drawn.payer_iban,
        invoices=drawn.invoices,
        open_cents=open_cents,
        payments=drawn.payments,
        unallocated_cents=unallocated,
        allocations=allocations,
    )


def simulate_many(
    seed: int, horizon: Horizon, count: int, *, start: int = 0
) -> Iterator[SimulatedCustomer]:
    for index in range(start, start + count):
        yield simulate(seed, index, horizon)
