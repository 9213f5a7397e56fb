"""Payment plans: propose, approve or reject, activate, withdraw.

``plan_propose`` builds the schedule (equal instalments in cents, remainder on the last,
summing to the total exactly), judges it against the creditor's policy and — when the
person declared their income — against the protected income (``rules.affordability``).
Inside policy and affordable, with auto-approval on, the plan is approved and activated
at once; otherwise it waits in the staff approval queue with the reasons.

Activation registers a payment-plan ``Hold`` (``strategy.cases.hold_create``): the next
daily run pauses the case, so no reminder or escalation goes out while the plan runs.
"""

from __future__ import annotations

import math
from dataclasses import asdict
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from vangnet.arrangements import conf
from vangnet.arrangements.constants import (
    COUNTED_STATUSES,
    LIVE_STATUSES,
    PlanSource,
    PlanStatus,
)
from vangnet.arrangements.directdebit import instalments_schedule_collection, mandate_for
from vangnet.arrangements.events import event_record, jsonable
from vangnet.arrangements.models import ChargedCost, Instalment, PaymentPlan
from vangnet.arrangements.policy import (
    PlanTerms,
    down_payment_cents,
    plan_policy_decision,
    plan_policy_for,
)
from vangnet.arrangements.schedule import (
    build_schedule,
    first_due_date,
    split_by_instalment,
    split_equal,
)
from vangnet.core.errors import Invalid
from vangnet.core.money import cents_to_decimal, decimal_to_cents, format_euro
from vangnet.ledger.constants import InvoiceKind
from vangnet.ledger.models import Account, Invoice, Payment
from vangnet.rules.affordability import Budget, assess_plan, max_affordable_instalment
from vangnet.rules.decision import Decision
from vangnet.strategy.cases import hold_create, hold_end
from vangnet.strategy.constants import CaseStatus, HoldKind, HoldOutcome


def account_arrears_cents(*, account_id: int, today: date) -> int:
    """Overdue open invoices minus money waiting to be allocated (as the daily run counts)."""
    overdue = (
        Invoice.objects.filter(
            account_id=account_id,
            kind=InvoiceKind.INVOICE,
            open_amount_cents__gt=0,
            due_date__lt=today,
        ).aggregate(s=Sum("open_amount_cents"))["s"]
        or 0
    )
    credit = (
        Invoice.objects.filter(
            account_id=account_id, kind=InvoiceKind.CREDIT_NOTE, open_amount_cents__gt=0
        ).aggregate(s=Sum("open_amount_cents"))["s"]
        or 0
    )
    credit += (
        Payment.objects.filter(
            account_id=account_id, unallocated_cents__gt=0, reversed_on__isnull=True
        ).aggregate(s=Sum("unallocated_cents"))["s"]
        or 0
    )
    return max(0, int(overdue) - int(credit))


def open_charges_cents(*, account_id: int) -> int:
    """What waiving the account's not-fully-paid charges takes off its arrears.

    Their full amounts: the open part is credited and what was paid on them goes back
    to the principal (``costs.charges_waive_for_plan``).
    """
    return int(
        ChargedCost.objects.filter(
            account_id=account_id, waived=False, invoice__open_amount_cents__gt=0
        ).aggregate(s=Sum("amount_cents"))["s"]
        or 0
    )


def budget_json(budget: Budget) -> dict[str, Any]:
    return jsonable(asdict(budget))


def _months_for(*, remaining: int, budget: Budget | None, today: date, policy: Any) -> int:
    """Fewest months whose instalment fits the room; without income, the policy's minimum."""
    if budget is not None:
        room = decimal_to_cents(max_affordable_instalment(budget, on=today))
        if room > 0:
            return max(1, min(policy.max_months, math.ceil(remaining / room)))
        return max(1, policy.max_months)
    by_minimum = max(1, remaining // max(1, policy.min_instalment_cents))
    return max(1, min(policy.max_months, by_minimum))


@transaction.atomic
def plan_propose(
    *,
    account: Account,
    instalment_cents: int | None = None,
    months: int | None = None,
    income: Budget | None = None,
    source: str = PlanSource.STAFF,
    actor: Any = None,
    day_of_month: int | None = None,
    today: date | None = None,
) -> PaymentPlan:
    """Propose a plan for the account's arrears; auto-approve or queue it for staff.

    Give ``instalment_cents`` or ``months`` (not both); with neither, the shortest plan
    that fits the declared income (or the policy minimum) is chosen. Raises ``Invalid``
    for a plan that cannot exist (nothing owed, a live plan already, bad numbers).
    """
    today = today or timezone.localdate()
    if instalment_cents is not None and months is not None:
        raise Invalid(
            "plan_terms_both",
            "Kies een termijnbedrag of een aantal maanden, niet allebei.",
            "Give an instalment or a number of months, not both.",
        )
    if source not in PlanSource.values:
        raise Invalid("plan_source", "Onbekende bron.", f"unknown source {source!r}")
    account = Account.objects.select_for_update().get(pk=account.pk)
    if PaymentPlan.objects.filter(account=account, status__in=LIVE_STATUSES).exists():
        raise Invalid(
            "plan_exists",
            "Er loopt al een betalingsregeling voor dit contract.",
            "This account already has a live payment plan.",
        )
    policy = plan_policy_for(account.organisation_id)
    total = account_arrears_cents(account_id=account.pk, today=today)
    if policy.waive_costs_in_plan:
        total -= open_charges_cents(account_id=account.pk)
    if total <= 0:
        raise Invalid(
            "plan_nothing_owed",
            "Er is geen achterstand om te regelen.",
            "There are no arrears to put in a plan.",
        )
    down = down_payment_cents(policy, total)
    remaining = total - down
    try:
        if remaining <= 0:
            amounts: list[int] = []
        elif instalment_cents is not None:
            amounts = split_by_instalment(remaining, int(instalment_cents))
        else:
            n = (
                int(months)
                if months is not None
                else _months_for(remaining=remaining, budget=income, today=today, policy=policy)
            )
            amounts = split_equal(remaining, n)
    except ValueError as exc:
        raise Invalid(
            "plan_terms_invalid",
            "Dit termijnbedrag of aantal maanden kan niet bij dit bedrag.",
            str(exc),
        ) from exc
    if not amounts and not down:
        raise Invalid("plan_nothing_owed", "Er is niets te regelen.", "nothing to plan")
    mandate = mandate_for(account)
    if day_of_month is None:
        day_of_month = getattr(mandate, "collection_day", None) or today.day
    if not 1 <= int(day_of_month) <= 31:
        raise Invalid("plan_day", "Kies een dag van 1 tot en met 31.", "day of month 1-31")
    first_due = first_due_date(
        today=today, day_of_month=int(day_of_month), lead_days=conf.plan_lead_days()
    )
    schedule = build_schedule(
        total_cents=total,
        down_payment_cents=down,
        amounts=amounts,
        first_due_on=first_due,
        day_of_month=int(day_of_month),
    )
    counted = PaymentPlan.objects.filter(
        account=account,
        status__in=COUNTED_STATUSES,
        created_on__gt=today - timedelta(days=365),
    ).count()
    policy_decision = plan_policy_decision(PlanTerms(total, down, tuple(amounts), counted), policy)
    affordability: Decision | None = None
    if income is not None and amounts:
        affordability = assess_plan(
            income, instalment=cents_to_decimal(max(amounts)), months=len(amounts), on=today
        )
    plan = PaymentPlan.objects.create(
        organisation_id=account.organisation_id,
        account=account,
        case=account.cases.exclude(status=CaseStatus.CLOSED).first(),
        status=PlanStatus.PROPOSED,
        total_cents=total,
        down_payment_cents=down,
        instalment_count=len(amounts),
        instalment_cents=amounts[0] if amounts else 0,
        first_due_on=first_due,
        day_of_month=int(day_of_month),
        source=source,
        income=budget_json(income) if income is not None else {},
        affordable=None if affordability is None else affordability.allowed,
        affordability_code=affordability.code if affordability else "income_not_declared",
        affordability_text=(
            affordability.nl
            if affordability
            else "Geen inkomen opgegeven: een medewerker beoordeelt de regeling."
        )[:400],
        affordability=jsonable(dict(affordability.evidence)) if affordability else {},
        policy_codes=list(policy_decision.blocking_codes()),
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
        created_on=today,
    )
    Instalment.objects.bulk_create(
        [
            Instalment(plan=plan, number=s.number, due_on=s.due_on, amount_cents=s.amount_cents)
            for s in schedule
        ]
    )
    event_record(
        case_id=plan.case_id,
        cause="plan_proposed",
        text=(
            f"Betalingsregeling voorgesteld: {format_euro(total)} in "
            f"{len(amounts)} termijnen van {format_euro(plan.instalment_cents)}"
            + (f", aanbetaling {format_euro(down)}" if down else "")
            + "."
        ),
        on=today,
        actor=actor,
        details={
            "plan": plan.pk,
            "source": source,
            "policy": policy_decision.code,
            "affordability": plan.affordability_code,
        },
        object_id=plan.pk,
    )
    inside = policy_decision.allowed and affordability is not None and affordability.allowed
    if inside and policy.auto_approve:
        return plan_approve(plan=plan, actor=None, today=today, automatic=True)
    plan.status = PlanStatus.PENDING_APPROVAL
    plan.save(update_fields=["status"])
    reasons = list(policy_decision.blocking_codes())
    if affordability is None:
        reasons.append("income_not_declared")
    elif affordability.blocked:
        reasons.append(affordability.code)
    event_record(
        case_id=plan.case_id,
        cause="plan_pending",
        text="De regeling wacht op goedkeuring door een medewerker.",
        on=today,
        details={"plan": plan.pk, "reasons": reasons or ["manual_approval"]},
        object_id=plan.pk,
    )
    return plan


def _locked(plan: PaymentPlan) -> PaymentPlan:
    return PaymentPlan.objects.select_for_update().get(pk=plan.pk)


@transaction.atomic
def plan_approve(
    *,
    plan: PaymentPlan,
    actor: Any,
    today: date | None = None,
    automatic: bool = False,
    note: str = "",
) -> PaymentPlan:
    """Approve a proposed or pending plan and activate it."""
    today = today or timezone.localdate()
    plan = _locked(plan)
    if plan.status not in (PlanStatus.PROPOSED, PlanStatus.PENDING_APPROVAL):
        raise Invalid(
            "plan_not_pending",
            "Deze regeling wacht niet op goedkeuring.",
            f"plan is {plan.status}, not waiting for approval",
        )
    plan.approved_by = actor if getattr(actor, "is_authenticated", False) else None
    plan.approved_at = timezone.now()
    plan.decision_reason = note[:300]
    plan.save(update_fields=["approved_by", "approved_at", "decision_reason"])
    event_record(
        case_id=plan.case_id,
        cause="plan_approved",
        text=(
            "Betalingsregeling automatisch goedgekeurd: betaalbaar en binnen het beleid."
            if automatic
            else "Betalingsregeling goedgekeurd door een medewerker"
            + (f": {note}" if note else ".")
        ),
        on=today,
        actor=actor,
        details={"plan": plan.pk, "automatic": automatic},
        object_id=plan.pk,
    )
    return plan_activate(plan=plan, actor=actor, today=today)


@transaction.atomic
def plan_reject(
    *, plan: PaymentPlan, reason: str, actor: Any, today: date | None = None
) -> PaymentPlan:
    """Reject a pending plan; the reason is required and goes on the timeline."""
    today = today or timezone.localdate()
    reason = (reason or "").strip()
    if not reason:
        raise Invalid(
            "plan_reason_required",
            "Geef een reden voor de afwijzing.",
            "A reason is required to reject a plan.",
        )
    plan = _locked(plan)
    if plan.status not in (PlanStatus.PROPOSED, PlanStatus.PENDING_APPROVAL):
        raise Invalid(
            "plan_not_pending",
            "Deze regeling wacht niet op goedkeuring.",
            f"plan is {plan.status}, not waiting for approval",
        )
    plan.status = PlanStatus.REJECTED
    plan.decision_reason = reason[:300]
    plan.ended_on = today
    plan.save(update_fields=["status", "decision_reason", "ended_on"])
    event_record(
        case_id=plan.case_id,
        cause="plan_rejected",
        text=f"Betalingsregeling afgewezen: {reason}",
        on=today,
        actor=actor,
        details={"plan": plan.pk},
        object_id=plan.pk,
    )
    return plan


@transaction.atomic
def plan_activate(
    *, plan: PaymentPlan, actor: Any = None, today: date | None = None
) -> PaymentPlan:
    """Start an approved plan: hold on the case, costs waived (policy), direct debits."""
    from vangnet.arrangements.costs import charges_waive_for_plan

    today = today or timezone.localdate()
    plan = _locked(plan)
    if plan.status == PlanStatus.ACTIVE:
        return plan
    if plan.approved_at is None:
        raise Invalid(
            "plan_not_approved",
            "De regeling is nog niet goedgekeurd.",
            "Only an approved plan can be activated.",
        )
    account = plan.account
    hold = hold_create(
        account=account,
        kind=HoldKind.PAYMENT_PLAN,
        starts_on=today,
        reason=f"Betalingsregeling {plan.reference}",
        actor=actor,
    )
    plan.hold = hold
    plan.case_id = plan.case_id or hold.case_id
    plan.status = PlanStatus.ACTIVE
    plan.activated_on = today
    policy = plan_policy_for(plan.organisation_id)
    if policy.waive_costs_in_plan:
        plan.costs_waived = charges_waive_for_plan(plan=plan, actor=actor, today=today) > 0
    plan.save(update_fields=["hold", "case", "status", "activated_on", "costs_waived"])
    collected = instalments_schedule_collection(plan=plan, today=today)
    if collected:
        first = plan.instalments.order_by("number").values_list("due_on", flat=True).first()
        if first and first != plan.first_due_on:
            plan.first_due_on = first
            plan.save(update_fields=["first_due_on"])
    event_record(
        case_id=plan.case_id,
        cause="plan_active",
        text=(
            f"Betalingsregeling gestart. Eerste termijn op {plan.first_due_on:%d-%m-%Y}."
            + (" De termijnen worden automatisch afgeschreven." if collected else "")
            + " Er gaan geen herinneringen over de achterstand uit zolang de regeling loopt."
        ),
        on=today,
        actor=actor,
        details={"plan": plan.pk, "hold": hold.pk, "direct_debit": collected},
        object_id=plan.pk,
    )
    return plan


@transaction.atomic
def plan_withdraw(
    *, plan: PaymentPlan, reason: str, actor: Any = None, today: date | None = None
) -> PaymentPlan:
    """The customer or staff withdraws a plan; an active plan's hold ends as withdrawn."""
    today = today or timezone.localdate()
    plan = _locked(plan)
    if plan.status not in LIVE_STATUSES:
        raise Invalid("plan_not_live", "Deze regeling loopt niet meer.", "plan is not live")
    if plan.hold_id:
        hold_end(hold=plan.hold, on=today, outcome=HoldOutcome.WITHDRAWN, actor=actor)
    plan.status = PlanStatus.WITHDRAWN
    plan.ended_on = today
    plan.decision_reason = (reason or "")[:300]
    plan.save(update_fields=["status", "ended_on", "decision_reason"])
    event_record(
        case_id=plan.case_id,
        cause="plan_withdrawn",
        text="Betalingsregeling ingetrokken" + (f": {reason}" if reason else "."),
        on=today,
        actor=actor,
        details={"plan": plan.pk},
        object_id=plan.pk,
    )
    return plan
