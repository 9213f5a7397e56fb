"""What the portal shows: the customer's accounts, open invoices, plans and mandates.

One query per kind of thing for all the customer's accounts (a customer has one or a
few), never one per invoice.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Q, Sum

from vangnet.ledger.constants import InvoiceKind
from vangnet.ledger.models import Account, Customer, Invoice, Payment
from vangnet.strategy.constants import CaseStatus
from vangnet.strategy.models import Case


@dataclass
class AccountView:
    account: Account
    open_cents: int = 0
    overdue_cents: int = 0
    invoices: list[Invoice] = field(default_factory=list)
    oldest_due: date | None = None
    case: Case | None = None
    plan: Any = None
    mandate: Any = None

    @property
    def overdue_count(self) -> int:
        return sum(1 for i in self.invoices if i.is_overdue)


def accounts_for(customer: Customer) -> list[Account]:
    return list(
        Account.objects.filter(customer=customer)
        .select_related("supply_address", "organisation")
        .order_by("number")
    )


def account_for(customer: Customer, account_id: Any) -> Account | None:
    """The customer's own account with this id, or ``None`` (never someone else's)."""
    try:
        pk = int(account_id)
    except (TypeError, ValueError):
        return None
    return Account.objects.filter(customer=customer, pk=pk).select_related("organisation").first()


def active_case(account: Account) -> Case | None:
    return account.cases.exclude(status=CaseStatus.CLOSED).order_by("-pk").first()


def overview(*, customer: Customer, today: date) -> list[AccountView]:
    accounts = accounts_for(customer)
    ids = [a.pk for a in accounts]
    views = {a.pk: AccountView(account=a) for a in accounts}
    if not ids:
        return []
    invoices = Invoice.objects.filter(account_id__in=ids, open_amount_cents__gt=0).order_by(
        "due_date", "number"
    )
    credit: dict[int, int] = defaultdict(int)
    for inv in invoices:
        v = views[inv.account_id]
        if inv.kind == InvoiceKind.CREDIT_NOTE:
            credit[inv.account_id] += inv.open_amount_cents
            continue
        inv.is_overdue = inv.due_date < today
        v.invoices.append(inv)
        v.open_cents += inv.open_amount_cents
        if inv.is_overdue:
            v.overdue_cents += inv.open_amount_cents
            v.oldest_due = min(v.oldest_due or inv.due_date, inv.due_date)
    for row in (
        Payment.objects.filter(
            account_id__in=ids, unallocated_cents__gt=0, reversed_on__isnull=True
        )
        .values("account_id")
        .annotate(total=Sum("unallocated_cents"))
    ):
        credit[row["account_id"]] += row["total"] or 0
    for pk, amount in credit.items():
        v = views[pk]
        v.open_cents = max(0, v.open_cents - amount)
        v.overdue_cents = max(0, v.overdue_cents - amount)
    for case in Case.objects.filter(account_id__in=ids).filter(~Q(status=CaseStatus.CLOSED)):
        views[case.account_id].case = case
    try:
        from vangnet.arrangements.constants import LIVE_STATUSES
        from vangnet.arrangements.models import PaymentPlan

        for plan in PaymentPlan.objects.filter(account_id__in=ids, status__in=LIVE_STATUSES):
            views[plan.account_id].plan = plan
    except ImportError:  # pragma: no cover
        pass
    try:
        from vangnet.banking.directdebit.constants import MandateStatus
        from vangnet.banking.directdebit.models import Mandate

        for m in Mandate.objects.filter(account_id__in=ids, status=MandateStatus.ACTIVE):
            views[m.account_id].mandate = m
    except ImportError:  # pragma: no cover
        pass
    return [views[pk] for pk in ids]


def collection_days(organisation_id: int) -> list[int]:
    """The creditor's direct-debit days, or ``[]`` when direct debit is not set up."""
    try:
        from vangnet.banking.directdebit.models import DirectDebitProfile
    except ImportError:  # pragma: no cover
        return []
    profile = DirectDebitProfile.objects.filter(organisation_id=organisation_id).first()
    return sorted(int(d) for d in profile.collection_days) if profile else []


def plan_limits(organisation_id: int) -> tuple[int, int]:
    """(max months, minimum instalment in cents) of the creditor's plan policy."""
    from vangnet.arrangements.policy import plan_policy_for

    policy = plan_policy_for(organisation_id)
    return int(policy.max_months), int(policy.min_instalment_cents)
