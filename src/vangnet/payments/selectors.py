"""Reads: what is open on a link, and the staff list of links."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet, Sum

from vangnet.ledger.constants import InvoiceKind
from vangnet.ledger.models import Invoice, Payment
from vangnet.payments.models import PaymentLink


def account_open_cents(*, account_id: int) -> int:
    """Everything still to pay on the account (due or not), minus money not yet allocated.

    A pay link offers the whole balance, not only the overdue part: paying an invoice that
    is due next week is fine, and the allocation pays the oldest first. Two aggregates
    over the account's open items (the partial indexes serve both).
    """
    inv = Invoice.objects.filter(account_id=account_id, open_amount_cents__gt=0).aggregate(
        invoices=Sum("open_amount_cents", filter=Q(kind=InvoiceKind.INVOICE)),
        credit=Sum("open_amount_cents", filter=Q(kind=InvoiceKind.CREDIT_NOTE)),
    )
    unallocated = Payment.objects.filter(
        account_id=account_id, unallocated_cents__gt=0, reversed_on__isnull=True
    ).aggregate(total=Sum("unallocated_cents"))["total"]
    return max(0, (inv["invoices"] or 0) - (inv["credit"] or 0) - (unallocated or 0))


@dataclass(frozen=True)
class LinkAmounts:
    due_cents: int  # what the page shows as open (and the most one can pay)
    min_cents: int  # the least one can pay now

    @property
    def nothing_due(self) -> bool:
        return self.due_cents <= 0


def link_amounts(link: PaymentLink) -> LinkAmounts:
    due = account_open_cents(account_id=link.account_id)
    if link.amount_cents is not None:
        due = min(due, max(0, link.amount_cents - link.paid_cents))
    return LinkAmounts(due_cents=due, min_cents=min(link.min_amount_cents, due))


def paymentlinks_for_staff(
    *, organisation_id: int | None, status: str = ""
) -> QuerySet[PaymentLink]:
    qs = PaymentLink.objects.select_related("customer", "account", "customer__person")
    if organisation_id is not None:
        qs = qs.filter(organisation_id=organisation_id)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-created_at", "-pk")
