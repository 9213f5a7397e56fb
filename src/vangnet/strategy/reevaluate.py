"""Re-evaluate one account's case at once, when money comes in between daily runs.

The daily run closes paid cases in bulk the next morning; a person who just paid via a
payment link, a bank transfer or a direct debit should not get a reminder in between.
Payment links, bank statement import, direct-debit returns and the portal call
``case_reevaluate`` right after they book money (in the same transaction), so the case
timeline says at once what happened and the case closes when the arrears are gone.

The arrears are computed like the run computes them (``cases.positions_prepare``):
overdue open invoices minus money waiting to be allocated (open credit notes,
unallocated payments), never below zero, so the run and this function agree.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Min, Q, Sum

from vangnet.core.money import format_euro
from vangnet.ledger.constants import InvoiceKind
from vangnet.ledger.models import Invoice, Payment
from vangnet.strategy.cases import _event, case_close
from vangnet.strategy.constants import (
    DEFAULT_CLOSE_TOLERANCE_CENTS,
    ActionStatus,
    CaseEventKind,
    CaseStatus,
    CloseCause,
)
from vangnet.strategy.models import Action, Case, StrategyPolicy

# Payments on the timeline have their own kind, so staff can filter them.
PAYMENT_EVENT_KIND: str = CaseEventKind.PAYMENT

CLOSE_NOTE = "de achterstand is betaald"


def account_arrears(*, account_id: int, on: date) -> tuple[int, date | None]:
    """(arrears in cents, oldest overdue due date) of one account as the run sees them.

    Two aggregates over the account's open items (partial indexes on open invoices and
    unallocated payments) — the single-account form of ``cases.positions_prepare``.
    """
    overdue = Q(kind=InvoiceKind.INVOICE, due_date__lt=on)
    inv = Invoice.objects.filter(account_id=account_id, open_amount_cents__gt=0).aggregate(
        overdue=Sum("open_amount_cents", filter=overdue),
        credit=Sum("open_amount_cents", filter=Q(kind=InvoiceKind.CREDIT_NOTE)),
        oldest=Min("due_date", filter=overdue),
    )
    unallocated = Payment.objects.filter(
        account_id=account_id, unallocated_cents__gt=0, reversed_on__isnull=True
    ).aggregate(total=Sum("unallocated_cents"))["total"]
    arrears = max(0, (inv["overdue"] or 0) - (inv["credit"] or 0) - (unallocated or 0))
    return arrears, inv["oldest"] if arrears else None


def close_tolerance_cents(organisation_id: int) -> int:
    value = (
        StrategyPolicy.objects.filter(organisation_id=organisation_id)
        .values_list("close_tolerance_cents", flat=True)
        .first()
    )
    return DEFAULT_CLOSE_TOLERANCE_CENTS if value is None else int(value)


def case_reevaluate(
    *,
    account_id: int,
    on: date,
    cause: str,
    actor: Any = None,
    note: str = "",
    details: dict[str, Any] | None = None,
) -> Case | None:
    """Recompute the account's arrears and update or close its open (or paused) case.

    ``cause`` is a short code of what happened (``payment_link``, ``bank_payment``,
    ``direct_debit_return`` …); ``note`` is the Dutch timeline text for it (e.g.
    "Betaling ontvangen via betaallink: € 12,50"), written as one event on the case.
    When the arrears are at most the organisation's close tolerance the case closes with
    cause ``paid`` and its still-planned actions are cancelled (no reminder after
    payment); otherwise the case keeps its next step. Returns the case, or ``None`` when
    the account has no case that is not closed. Safe to call more than once; call it
    inside the transaction that booked the money.
    """
    with transaction.atomic():
        case = (
            Case.objects.select_for_update()
            .filter(account_id=account_id)
            .exclude(status=CaseStatus.CLOSED)
            .first()
        )
        if case is None:
            return None
        arrears, oldest = account_arrears(account_id=account_id, on=on)
        tolerance = close_tolerance_cents(case.organisation_id)
        previous = case.arrears_cents
        case.arrears_cents = arrears
        case.arrears_since = oldest
        case.days_past_due = (on - oldest).days if oldest else 0
        case.updated_on = on
        case.save(update_fields=["arrears_cents", "arrears_since", "days_past_due", "updated_on"])
        closes = arrears <= tolerance
        text = note or f"Achterstand opnieuw berekend: {format_euro(arrears)}"
        _event(
            case,
            kind=PAYMENT_EVENT_KIND,
            cause=cause[:40],
            text=text,
            on=on,
            actor=actor,
            details={
                **(details or {}),
                "arrears_before_cents": previous,
                "arrears_cents": arrears,
                "tolerance_cents": tolerance,
                "closes": closes,
            },
        )
        if closes:
            Action.objects.filter(case=case, status=ActionStatus.PLANNED).update(
                status=ActionStatus.CANCELLED
            )
            case = case_close(case=case, cause=CloseCause.PAID, on=on, actor=actor, note=CLOSE_NOTE)
        return case
