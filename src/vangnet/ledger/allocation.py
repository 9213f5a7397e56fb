"""Allocating payments and credit notes to invoices.

The plan is a pure function (easy to test against hand-computed examples); the service
applies plans for many accounts at once with bulk writes, so importers, bank
reconciliation and the simulator allocate a million payments without a query per row.

Rule: an explicit reference (invoice number or payment reference the payer gave) wins;
the rest goes to the oldest open invoice first (due date, then number).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction

from vangnet.ledger.constants import InvoiceKind
from vangnet.ledger.models import Allocation, Invoice, Payment


@dataclass
class OpenItem:
    invoice_id: int
    number: str
    payment_reference: str
    due_date: object
    open_cents: int


@dataclass
class Credit:
    """A payment (``payment_id``) or credit note (``credit_note_id``) with money left."""

    available_cents: int
    reference: str = ""
    payment_id: int | None = None
    credit_note_id: int | None = None


@dataclass(frozen=True)
class PlannedAllocation:
    invoice_id: int
    amount_cents: int
    payment_id: int | None
    credit_note_id: int | None


def plan_allocations(items: list[OpenItem], credits: list[Credit]) -> list[PlannedAllocation]:
    """Apply credits in the order given to one account's open invoices.

    Mutates ``open_cents``/``available_cents`` so the caller can write back what is left.
    """
    ordered = sorted(items, key=lambda i: (i.due_date, i.number))
    by_ref: dict[str, OpenItem] = {}
    for item in ordered:
        by_ref.setdefault(item.number, item)
        if item.payment_reference:
            by_ref.setdefault(item.payment_reference, item)
    planned: list[PlannedAllocation] = []

    def take(item: OpenItem, credit: Credit) -> None:
        amount = min(item.open_cents, credit.available_cents)
        if amount <= 0:
            return
        item.open_cents -= amount
        credit.available_cents -= amount
        planned.append(
            PlannedAllocation(item.invoice_id, amount, credit.payment_id, credit.credit_note_id)
        )

    for credit in credits:
        ref = credit.reference.strip()
        if ref and ref in by_ref:
            take(by_ref[ref], credit)
        for item in ordered:
            if credit.available_cents <= 0:
                break
            take(item, credit)
    return planned


def allocate_accounts(account_ids: Iterable[int]) -> int:
    """Allocate all unallocated money of these accounts; returns allocations written.

    Idempotent: with nothing unallocated (or nothing open) it writes nothing.
    """
    ids = sorted(set(account_ids))
    written = 0
    for start in range(0, len(ids), 2000):
        written += _allocate_chunk(ids[start : start + 2000])
    return written


def _allocate_chunk(ids: list[int]) -> int:
    with transaction.atomic():
        invoices = list(
            Invoice.objects.select_for_update()
            .filter(account_id__in=ids, open_amount_cents__gt=0)
            .values_list(
                "id",
                "account_id",
                "kind",
                "number",
                "payment_reference",
                "due_date",
                "issue_date",
                "open_amount_cents",
            )
        )
        payments = list(
            Payment.objects.select_for_update()
            .filter(account_id__in=ids, unallocated_cents__gt=0, reversed_on__isnull=True)
            .order_by("booked_on", "id")
            .values_list("id", "account_id", "invoice_reference", "unallocated_cents")
        )
        items: dict[int, list[OpenItem]] = defaultdict(list)
        credits: dict[int, list[Credit]] = defaultdict(list)
        item_by_id: dict[int, OpenItem] = {}
        credit_notes: list[tuple[object, Credit, int]] = []
        for inv_id, acc, kind, number, pref, due, issued, open_cents in invoices:
            if kind == InvoiceKind.CREDIT_NOTE:
                credit_notes.append((issued, Credit(open_cents, credit_note_id=inv_id), acc))
            else:
                item = OpenItem(inv_id, number, pref, due, open_cents)
                items[acc].append(item)
                item_by_id[inv_id] = item
        # Credit notes first (they reduce what is owed), then payments by booking date.
        for _issued, credit, acc in sorted(credit_notes, key=lambda c: (c[0], c[1].credit_note_id)):
            credits[acc].append(credit)
        for pay_id, acc, ref, unallocated in payments:
            credits[acc].append(Credit(unallocated, reference=ref, payment_id=pay_id))

        planned: list[PlannedAllocation] = []
        for acc, acc_credits in credits.items():
            if items.get(acc):
                planned.extend(plan_allocations(items[acc], acc_credits))
        if not planned:
            return 0
        Allocation.objects.bulk_create(
            [
                Allocation(
                    invoice_id=p.invoice_id,
                    amount_cents=p.amount_cents,
                    payment_id=p.payment_id,
                    credit_note_id=p.credit_note_id,
                )
                for p in planned
            ],
            batch_size=5000,
        )
        touched_invoices = {p.invoice_id for p in planned}
        Invoice.objects.bulk_update(
            [Invoice(id=i, open_amount_cents=item_by_id[i].open_cents) for i in touched_invoices],
            ["open_amount_cents"],
            batch_size=2000,
        )
        touched_payments = {p.payment_id for p in planned if p.payment_id}
        touched_notes = {p.credit_note_id for p in planned if p.credit_note_id}
        left = {
            (c.payment_id, c.credit_note_id): c.available_cents
            for acc_credits in credits.values()
            for c in acc_credits
        }
        Payment.objects.bulk_update(
            [Payment(id=p, unallocated_cents=left[(p, None)]) for p in touched_payments],
            ["unallocated_cents"],
            batch_size=2000,
        )
        Invoice.objects.bulk_update(
            [Invoice(id=n, open_amount_cents=left[(None, n)]) for n in touched_notes],
            ["open_amount_cents"],
            batch_size=2000,
        )
        return len(planned)
