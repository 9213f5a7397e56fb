"""Set-based reads: balances, arrears, days past due and aging for all accounts at once.

Each selector is one or two aggregate queries over the open items (served by the partial
indexes on open invoices / unallocated payments), never a loop per account.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db import connection
from django.db.models import Count, Min, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from vangnet.ledger.constants import AGING_BUCKETS, InvoiceKind
from vangnet.ledger.models import Account, Invoice, Payment


@dataclass(frozen=True)
class Position:
    account_id: int
    balance_cents: int
    arrears_cents: int
    oldest_due_date: date | None
    days_past_due: int


def _sum_subquery(qs: QuerySet, column: str) -> Subquery:
    return Subquery(qs.values("account_id").annotate(total=Sum(column)).values("total")[:1])


def accounts_with_position(
    qs: QuerySet[Account] | None = None, *, today: date
) -> QuerySet[Account]:
    """Annotate accounts with ``balance_cents``, ``arrears_cents`` and ``oldest_due_date``.

    Balance = open invoices - open credit notes - unallocated payments; this equals
    invoiced - credited - paid (not reversed) because allocations move money between
    those columns, and it reads only open rows.
    """
    qs = qs if qs is not None else Account.objects.all()
    open_inv = Invoice.objects.filter(
        account_id=OuterRef("pk"), kind=InvoiceKind.INVOICE, open_amount_cents__gt=0
    )
    overdue = open_inv.filter(due_date__lt=today)
    open_cn = Invoice.objects.filter(
        account_id=OuterRef("pk"), kind=InvoiceKind.CREDIT_NOTE, open_amount_cents__gt=0
    )
    unalloc = Payment.objects.filter(
        account_id=OuterRef("pk"), unallocated_cents__gt=0, reversed_on__isnull=True
    )
    zero = Value(0)
    return qs.annotate(
        open_cents=Coalesce(_sum_subquery(open_inv, "open_amount_cents"), zero),
        credit_cents=Coalesce(_sum_subquery(open_cn, "open_amount_cents"), zero)
        + Coalesce(_sum_subquery(unalloc, "unallocated_cents"), zero),
        arrears_cents=Coalesce(_sum_subquery(overdue, "open_amount_cents"), zero),
        oldest_due_date=Subquery(overdue.order_by("due_date").values("due_date")[:1]),
    )


def positions(*, organisation_id: int, today: date) -> dict[int, Position]:
    """Balance, arrears and days past due for every account with open items (3 queries)."""
    rows: dict[int, dict] = {}
    for acc, kind, open_sum, overdue_sum, oldest in (
        Invoice.objects.filter(organisation_id=organisation_id, open_amount_cents__gt=0)
        .values_list("account_id", "kind")
        .annotate(
            open_sum=Sum("open_amount_cents"),
            overdue_sum=Sum("open_amount_cents", filter=Q(due_date__lt=today)),
            oldest=Min("due_date", filter=Q(due_date__lt=today)),
        )
        .order_by()
    ):
        row = rows.setdefault(acc, {"balance": 0, "arrears": 0, "oldest": None})
        if kind == InvoiceKind.INVOICE:
            row["balance"] += open_sum
            row["arrears"] += overdue_sum or 0
            row["oldest"] = oldest
        else:
            row["balance"] -= open_sum
    for acc, unalloc in (
        Payment.objects.filter(
            organisation_id=organisation_id, unallocated_cents__gt=0, reversed_on__isnull=True
        )
        .values_list("account_id")
        .annotate(total=Sum("unallocated_cents"))
        .order_by()
    ):
        row = rows.setdefault(acc, {"balance": 0, "arrears": 0, "oldest": None})
        row["balance"] -= unalloc
    return {
        acc: Position(
            account_id=acc,
            balance_cents=row["balance"],
            arrears_cents=row["arrears"],
            oldest_due_date=row["oldest"],
            days_past_due=(today - row["oldest"]).days if row["oldest"] else 0,
        )
        for acc, row in rows.items()
    }


@dataclass
class AgingBucket:
    label: str
    invoice_count: int = 0
    amount_cents: int = 0
    account_count: int = 0
    account_arrears_cents: int = 0


@dataclass
class AgingReport:
    today: date
    not_due_cents: int = 0
    buckets: list[AgingBucket] = field(default_factory=list)

    @property
    def total_overdue_cents(self) -> int:
        return sum(b.amount_cents for b in self.buckets)

    @property
    def accounts_in_arrears(self) -> int:
        return sum(b.account_count for b in self.buckets)


def _bucket_bounds(today: date) -> list[tuple[str, date, date | None]]:
    """Bucket label -> (earliest due date, latest due date) for overdue invoices."""
    bounds = []
    for label, low_days, high_days in AGING_BUCKETS:
        latest = today - timedelta(days=max(low_days, 1))
        earliest = today - timedelta(days=high_days) if high_days is not None else None
        bounds.append((label, latest, earliest))
    return bounds


def aging_report(*, organisation_id: int, today: date) -> AgingReport:
    """Aging of overdue open invoices in two set-based queries.

    Amount per bucket uses each invoice's own age (the accountant's view). Accounts per
    bucket use the age of the account's oldest overdue invoice (the collector's view:
    where is this customer in the process).
    """
    bounds = _bucket_bounds(today)
    base = Invoice.objects.filter(
        organisation_id=organisation_id, kind=InvoiceKind.INVOICE, open_amount_cents__gt=0
    )
    aggregates = {"not_due": Sum("open_amount_cents", filter=Q(due_date__gte=today))}
    for i, (_label, latest, earliest) in enumerate(bounds):
        cond = Q(due_date__lte=latest)
        if earliest is not None:
            cond &= Q(due_date__gte=earliest)
        aggregates[f"a{i}"] = Sum("open_amount_cents", filter=cond)
        aggregates[f"n{i}"] = Count("id", filter=cond)
    totals = base.aggregate(**aggregates)
    report = AgingReport(today=today, not_due_cents=totals["not_due"] or 0)
    for i, (label, _latest, _earliest) in enumerate(bounds):
        report.buckets.append(
            AgingBucket(
                label, invoice_count=totals[f"n{i}"] or 0, amount_cents=totals[f"a{i}"] or 0
            )
        )

    # Accounts by the age of their oldest overdue invoice: GROUP BY over a GROUP BY,
    # which the ORM cannot express as one query; plain SQL keeps it one round trip.
    table = Invoice._meta.db_table
    cases = []
    params: list[object] = []
    for i, (_label, _latest, earliest) in enumerate(bounds):
        if earliest is None:
            cases.append(f"ELSE {i}")
        else:
            cases.append(f"WHEN oldest >= %s THEN {i}")
            params.append(earliest)
    sql = (
        f"SELECT CASE {' '.join(cases)} END AS bucket, COUNT(*), SUM(arrears) FROM ("
        f"  SELECT account_id, MIN(due_date) AS oldest, SUM(open_amount_cents) AS arrears"
        f"  FROM {table}"
        f"  WHERE organisation_id = %s AND kind = %s AND open_amount_cents > 0 AND due_date < %s"
        f"  GROUP BY account_id"
        f") per_account GROUP BY 1"
    )
    params += [organisation_id, InvoiceKind.INVOICE.value, today]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for bucket, count, arrears in cursor.fetchall():
            report.buckets[int(bucket)].account_count = int(count)
            report.buckets[int(bucket)].account_arrears_cents = int(arrears or 0)
    return report
