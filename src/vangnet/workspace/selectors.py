"""Reads for the staff pages: overview counts, the arrears list and one account.

The money questions (balance, arrears, aging) are answered by ``ledger.selectors``; this
module only shapes them per page. Everything is set-based: a page of 50 accounts costs
the same handful of queries as a page of one, whatever the size of the ledger.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from vangnet.ledger.constants import InvoiceKind
from vangnet.ledger.models import Account, Allocation, Customer, Invoice, Payment
from vangnet.ledger.selectors import (
    AgingBucket,
    AgingReport,
    accounts_with_position,
    aging_report,
)
from vangnet.parties.constants import Channel
from vangnet.parties.models import ContactPoint

# ---------------------------------------------------------------------------------------
# Overview


@dataclass(frozen=True)
class OverviewCounts:
    customers: int
    accounts: int
    open_invoices: int
    accounts_in_arrears: int
    arrears_cents: int


# Bucket key of ``ledger.constants.AGING_BUCKETS`` -> how staff read it.
AGING_LABELS: dict[str, Any] = {
    "0-30": _("0–30 dagen"),
    "31-60": _("31–60 dagen"),
    "61-90": _("61–90 dagen"),
    "90+": _("meer dan 90 dagen"),
}


@dataclass(frozen=True)
class Overview:
    """What the start page shows; ``has_data`` drives the empty state."""

    has_data: bool
    counts: OverviewCounts
    aging: AgingReport

    @property
    def aging_rows(self) -> list[tuple[Any, AgingBucket]]:
        """(display label, bucket) in bucket order, for the aging table."""
        return [(AGING_LABELS.get(b.label, b.label), b) for b in self.aging.buckets]

    @property
    def aging_invoice_count(self) -> int:
        return sum(b.invoice_count for b in self.aging.buckets)

    @property
    def aging_account_arrears_cents(self) -> int:
        return sum(b.account_arrears_cents for b in self.aging.buckets)


def overview_get(*, organisation_id: int | None, today: date) -> Overview:
    """Counts and the aging report for one organisation (five aggregate queries).

    Accounts in arrears and the total come from the aging report itself, so the numbers
    on the page always add up to the table beneath them.
    """
    if organisation_id is None:
        empty = OverviewCounts(0, 0, 0, 0, 0)
        return Overview(has_data=False, counts=empty, aging=AgingReport(today=today))
    aging = aging_report(organisation_id=organisation_id, today=today)
    customers = Customer.objects.filter(organisation_id=organisation_id).count()
    accounts = Account.objects.filter(organisation_id=organisation_id).count()
    open_invoices = Invoice.objects.filter(
        organisation_id=organisation_id, kind=InvoiceKind.INVOICE, open_amount_cents__gt=0
    ).count()
    has_data = bool(customers or accounts or open_invoices) or (
        Invoice.objects.filter(organisation_id=organisation_id).exists()
    )
    counts = OverviewCounts(
        customers=customers,
        accounts=accounts,
        open_invoices=open_invoices,
        accounts_in_arrears=aging.accounts_in_arrears,
        arrears_cents=aging.total_overdue_cents,
    )
    return Overview(has_data=has_data, counts=counts, aging=aging)


# ---------------------------------------------------------------------------------------
# Arrears list

ARREARS_PAGE_SIZE = 50

# Sort key in the URL -> ORDER BY. The primary key breaks ties so that pages are stable:
# without it two accounts with the same arrears could swap between page 1 and page 2.
ARREARS_SORTS: dict[str, tuple[str, ...]] = {
    "arrears": ("-arrears_cents", "pk"),
    "days": ("oldest_due_date", "-arrears_cents", "pk"),
    "customer": ("customer__number", "number", "pk"),
}
ARREARS_SORT_LABELS: dict[str, Any] = {
    "arrears": _("Achterstand (hoogste eerst)"),
    "days": _("Dagen over vervaldatum (langste eerst)"),
    "customer": _("Klantnummer"),
}
ARREARS_DEFAULT_SORT = "arrears"

_POSTCODE_QUERY = re.compile(r"^(\d{4})\s*([A-Za-z]{0,2})$")


def _search_filter(q: str) -> Q:
    """Customer number, account number, surname or postcode, case-insensitive.

    Postcodes are stored as "1234 AB"; staff type "1234ab", "1234 ab" or just "1234", so
    a query that looks like a postcode is normalised before the prefix match.
    """
    cond = (
        Q(customer__number__istartswith=q)
        | Q(number__istartswith=q)
        | Q(customer__person__surname__istartswith=q)
    )
    match = _POSTCODE_QUERY.match(q)
    if match:
        digits, letters = match.groups()
        postcode = f"{digits} {letters.upper()}" if letters else digits
        cond |= Q(customer__person__address__postcode__istartswith=postcode) | Q(
            supply_address__postcode__istartswith=postcode
        )
    return cond


def arrears_accounts(
    *, organisation_id: int | None, today: date, q: str = "", sort: str = ARREARS_DEFAULT_SORT
) -> QuerySet[Account]:
    """Accounts with overdue open invoices, annotated with their position.

    Filtering with EXISTS over the partial index on open invoices (rather than on the
    annotated sum) keeps the count query for the paginator cheap: Django drops the
    unused annotations from it. ``open_invoice_count`` is a correlated subquery that
    PostgreSQL evaluates only for the 50 rows of the page.
    """
    overdue = Invoice.objects.filter(
        account_id=OuterRef("pk"),
        kind=InvoiceKind.INVOICE,
        open_amount_cents__gt=0,
        due_date__lt=today,
    )
    qs = Account.objects.filter(Exists(overdue))
    qs = qs.filter(organisation_id=organisation_id) if organisation_id else qs.none()
    q = q.strip()
    if q:
        qs = qs.filter(_search_filter(q))
    qs = accounts_with_position(qs, today=today)
    open_count = (
        Invoice.objects.filter(
            account_id=OuterRef("pk"), kind=InvoiceKind.INVOICE, open_amount_cents__gt=0
        )
        .order_by()
        .values("account_id")
        .annotate(n=Count("pk"))
        .values("n")[:1]
    )
    qs = qs.annotate(open_invoice_count=Coalesce(Subquery(open_count), Value(0)))
    order = ARREARS_SORTS.get(sort, ARREARS_SORTS[ARREARS_DEFAULT_SORT])
    return qs.select_related("customer__person__address", "supply_address").order_by(*order)


@dataclass(frozen=True)
class ArrearsRow:
    """One line of the arrears list, with what the template needs precomputed."""

    account: Account
    customer_number: str
    name: str
    municipality: str
    arrears_cents: int
    days_past_due: int
    open_invoice_count: int


def days_past_due(oldest_due_date: date | None, today: date) -> int:
    """Days since the oldest overdue invoice fell due (0 when nothing is overdue)."""
    return (today - oldest_due_date).days if oldest_due_date else 0


def arrears_rows(accounts: Any, *, today: date) -> list[ArrearsRow]:
    """Turn one page of ``arrears_accounts`` into rows (no queries: all is selected)."""
    rows = []
    for account in accounts:
        person = account.customer.person
        address = account.supply_address or person.address
        rows.append(
            ArrearsRow(
                account=account,
                customer_number=account.customer.number,
                name=person.full_name,
                municipality=(address.municipality_name or address.city) if address else "",
                arrears_cents=account.arrears_cents,
                days_past_due=days_past_due(account.oldest_due_date, today),
                open_invoice_count=account.open_invoice_count,
            )
        )
    return rows


# ---------------------------------------------------------------------------------------
# Account page

ACCOUNT_LIST_CAP = 24  # two years of monthly invoices; "toon alles" shows the rest


class InvoiceStatus:
    """Status labels of an invoice line as staff read them."""

    PAID = "paid"
    OPEN = "open"
    OVERDUE = "overdue"
    CREDIT_SETTLED = "credit_settled"
    CREDIT_OPEN = "credit_open"

    LABELS: dict[str, Any] = {
        PAID: _("betaald"),
        OPEN: _("open"),
        OVERDUE: _("achterstallig"),
        CREDIT_SETTLED: _("verrekend"),
        CREDIT_OPEN: _("nog te verrekenen"),
    }


def invoices_with_status(account_id: int, *, today: date) -> QuerySet[Invoice]:
    """An account's invoices and credit notes, newest first, with a ``status`` column."""
    status = Case(
        When(kind=InvoiceKind.CREDIT_NOTE, open_amount_cents=0, then=Value("credit_settled")),
        When(kind=InvoiceKind.CREDIT_NOTE, then=Value("credit_open")),
        When(open_amount_cents=0, then=Value("paid")),
        When(due_date__lt=today, then=Value("overdue")),
        default=Value("open"),
        output_field=CharField(),
    )
    return (
        Invoice.objects.filter(account_id=account_id)
        .annotate(status=status)
        .order_by("-due_date", "-number")
    )


@dataclass
class AccountDetail:
    """Everything the account page shows, read in a fixed number of queries."""

    account: Account
    balance_cents: int
    arrears_cents: int
    oldest_due_date: date | None
    days_past_due: int
    invoices: list[Invoice]
    invoice_count: int
    payments: list[Payment]
    payment_count: int
    preferred_channels: list[str] = field(default_factory=list)

    @property
    def invoices_capped(self) -> bool:
        return len(self.invoices) < self.invoice_count

    @property
    def payments_capped(self) -> bool:
        return len(self.payments) < self.payment_count


def account_detail(
    *, organisation_id: int | None, pk: int, today: date, show_all: bool = False
) -> AccountDetail | None:
    """One account of this organisation with its person, position, invoices and payments.

    Returns None for an account that does not exist or belongs to another organisation,
    so a guessed id never shows another creditor's customer.
    """
    if organisation_id is None:
        return None
    qs = accounts_with_position(
        Account.objects.filter(organisation_id=organisation_id, pk=pk), today=today
    ).select_related("customer__person__address", "supply_address")
    qs = qs.prefetch_related(
        Prefetch(
            "customer__person__contact_points",
            queryset=ContactPoint.objects.order_by("kind", "-is_primary", "value"),
        ),
        "customer__person__consents",
    )
    account = qs.first()
    if account is None:
        return None

    invoices_qs = invoices_with_status(account.pk, today=today)
    payments_qs = (
        Payment.objects.filter(account_id=account.pk)
        .order_by("-booked_on", "-pk")
        .prefetch_related(
            Prefetch(
                "allocations",
                queryset=Allocation.objects.select_related("invoice").order_by("invoice__due_date"),
            )
        )
    )
    invoice_count = invoices_qs.count()
    payment_count = payments_qs.count()
    if not show_all:
        invoices_qs = invoices_qs[:ACCOUNT_LIST_CAP]
        payments_qs = payments_qs[:ACCOUNT_LIST_CAP]
    invoices = list(invoices_qs)
    for invoice in invoices:
        invoice.status_label = InvoiceStatus.LABELS[invoice.status]

    labels = dict(Channel.choices)
    person = account.customer.person
    return AccountDetail(
        account=account,
        balance_cents=account.open_cents - account.credit_cents,
        arrears_cents=account.arrears_cents,
        oldest_due_date=account.oldest_due_date,
        days_past_due=days_past_due(account.oldest_due_date, today),
        invoices=invoices,
        invoice_count=invoice_count,
        payments=list(payments_qs),
        payment_count=payment_count,
        preferred_channels=[str(labels.get(c, c)) for c in person.preferred_channels or []],
    )


# ---------------------------------------------------------------------------------------
# Case page (the timeline itself is ``workspace.timeline``)


@dataclass
class CasePage:
    """The case page's header: position, person, preferences, why paused, what's next."""

    case: Any
    account: Account
    person: Any
    arrears_cents: int
    days_past_due: int
    segment_name: str
    paused_until: date | None
    pause_text: str
    active_holds: list[Any]
    arrears_reason: tuple[str, str, date] | None  # (code, label, recorded on)
    next_step: str
    next_step_why: str
    vulnerabilities: list[str]
    preferred_channels: list[str]
    contact_window: str
    contact_points: list[ContactPoint]
    open_charges: list[Any]
    live_plan: Any
    referral_available: bool


def case_get(*, organisation_id: int | None, pk: int) -> Any:
    """One case of this organisation with its account and person, or None."""
    from vangnet.strategy.models import Case as StrategyCase

    if organisation_id is None:
        return None
    return (
        StrategyCase.objects.filter(organisation_id=organisation_id, pk=pk)
        .select_related("account__customer__person__address", "journey")
        .first()
    )


def case_arrears_reason(*, case_id: int) -> tuple[str, str, date] | None:
    """The latest recorded reason for arrears (the case event ``arrears_reason``)."""
    from vangnet.strategy.models import CaseEvent
    from vangnet.workspace.constants import CAUSE_ARREARS_REASON, ArrearsReason

    row = (
        CaseEvent.objects.filter(case_id=case_id, cause=CAUSE_ARREARS_REASON)
        .order_by("-on", "-at", "-pk")
        .values_list("details", "on")
        .first()
    )
    if row is None:
        return None
    code = (row[0] or {}).get("code", "")
    labels = dict(ArrearsReason.choices)
    return code, str(labels.get(code, code)), row[1]


def _vulnerabilities(person: Any, today: date) -> list[str]:
    flags = []
    if person.medical_necessity:
        flags.append(str(_("medische noodzaak: niet afsluiten")))
    if person.in_debt_help:
        flags.append(str(_("in schuldhulp")))
    if person.moratorium_until and person.moratorium_until >= today:
        flags.append(str(_("moratorium tot %(d)s") % {"d": f"{person.moratorium_until:%d-%m-%Y}"}))
    if person.deceased_on:
        flags.append(str(_("overleden op %(d)s") % {"d": f"{person.deceased_on:%d-%m-%Y}"}))
    return flags


def case_page(*, case: Any, today: date) -> CasePage:
    """Everything above the timeline, in a fixed handful of queries."""
    from vangnet.strategy import cases as case_services
    from vangnet.strategy.constants import CaseStatus
    from vangnet.strategy.models import Hold, Segment
    from vangnet.strategy.selectors import _next_step
    from vangnet.workspace.case_actions import referral_available

    account = accounts_with_position(Account.objects.filter(pk=case.account_id), today=today).get()
    person = case.account.customer.person
    holds = list(
        Hold.objects.filter(account_id=case.account_id, starts_on__lte=today)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))
        .exclude(outcome__in=["completed", "broken", "withdrawn"])
        .order_by("starts_on", "pk")
    )
    segments = dict(Segment.objects.values_list("code", "name_nl"))
    pause_text = ""
    if case.status == CaseStatus.PAUSED:
        cause = case_services.HOLD_TEXT_NL.get(case.pause_cause, case.pause_cause)
        until = f" tot en met {case.paused_until:%d-%m-%Y}" if case.paused_until else ""
        pause_text = f"{_('Gepauzeerd')}{until}: {cause}."
        next_step, why = "", pause_text
    else:
        next_step, why = _next_step(case, segments)
    labels = dict(Channel.choices)
    start, end = person.contact_window_start, person.contact_window_end
    window = f"{start:%H:%M}–{end:%H:%M}" if start and end else ""
    try:
        from vangnet.arrangements.constants import LIVE_STATUSES
        from vangnet.arrangements.models import ChargedCost, PaymentPlan

        charges = list(
            ChargedCost.objects.filter(account_id=case.account_id, waived=False).order_by(
                "computed_on", "pk"
            )
        )
        plan = (
            PaymentPlan.objects.filter(account_id=case.account_id, status__in=LIVE_STATUSES)
            .order_by("-created_at")
            .first()
        )
    except ImportError:  # pragma: no cover - arrangements is in the tree
        charges, plan = [], None
    return CasePage(
        case=case,
        account=case.account,
        person=person,
        arrears_cents=account.arrears_cents,
        days_past_due=days_past_due(account.oldest_due_date, today),
        segment_name=segments.get(case.segment, case.segment),
        paused_until=case.paused_until if case.status == CaseStatus.PAUSED else None,
        pause_text=pause_text,
        active_holds=holds,
        arrears_reason=case_arrears_reason(case_id=case.pk),
        next_step=next_step,
        next_step_why=why,
        vulnerabilities=_vulnerabilities(person, today),
        preferred_channels=[str(labels.get(c, c)) for c in person.preferred_channels or []],
        contact_window=window,
        contact_points=list(
            ContactPoint.objects.filter(person_id=person.pk).order_by("kind", "-is_primary", "pk")
        ),
        open_charges=charges,
        live_plan=plan,
        referral_available=referral_available(),
    )
