"""Watching active plans each day: payments to instalments, reminders, breach, completion.

Set-based: one query each for the active plans, their instalments, the payments on their
accounts and the ongoing bills those payments may name; the allocation to instalments is
recomputed from scratch every day (a waterfall over the instalments in order), so a
payment that disappears — a returned direct debit reverses its ledger ``Payment`` — makes
the instalment it covered unpaid again without any special case.

Which payments count: every ledger payment on the account booked from the day the plan
was made up to ``on`` and not reversed by then, except payments that name an ongoing bill
(an invoice due on or after that day) — those pay the current bill, not the plan.

Steps, each a ``CaseEvent`` on the timeline in plain Dutch (keyed, so a re-run adds
nothing): an instalment not paid after its due date is *missed* and gets one friendly
reminder (a ``strategy.Action`` message, template ``plan_reminder``, status planned, so
the outbox sends it); still unpaid ``grace_days`` after the due date, the plan is
*breached* and its hold ends as broken (the next daily run reopens the case and the
journey goes on); everything paid, the plan is *completed* and its hold ends as such.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from vangnet.arrangements import conf
from vangnet.arrangements.constants import InstalmentStatus, PlanStatus
from vangnet.arrangements.events import event_build
from vangnet.arrangements.models import Instalment, PaymentPlan
from vangnet.arrangements.policy import plan_policy_for
from vangnet.core.money import format_euro
from vangnet.ledger.models import Invoice, Payment
from vangnet.parties.models import Organisation
from vangnet.rules.text import date_nl
from vangnet.strategy.actions import history_for, moment_for
from vangnet.strategy.constants import (
    ActionStatus,
    ActionType,
    HoldKind,
    HoldOutcome,
)
from vangnet.strategy.guardrails import (
    CaseInfo,
    Checker,
    context_for,
    decision_json,
    rule_holds,
    settings_from,
)
from vangnet.strategy.models import Action, CaseEvent, Hold, StrategyPolicy

CHUNK = 5000

PAID, DUE, MISSED, WAIVED = (
    InstalmentStatus.PAID.value,
    InstalmentStatus.DUE.value,
    InstalmentStatus.MISSED.value,
    InstalmentStatus.WAIVED.value,
)


@dataclass(slots=True)
class PlanRow:
    """What the monitor needs of a plan (plain values: 10x cheaper than model instances)."""

    pk: int
    organisation_id: int
    account_id: int
    case_id: int | None
    hold_id: int | None
    created_on: date
    activated_on: date | None

    @property
    def reference(self) -> str:
        return f"REG{self.pk}"


@dataclass(slots=True)
class InstRow:
    pk: int
    plan_id: int
    number: int
    due_on: date
    amount_cents: int
    paid_cents: int
    status: str
    reminded_on: date | None


@dataclass
class MonitorSummary:
    plans: int = 0
    instalments_changed: int = 0
    reminders: int = 0
    breached: int = 0
    completed: int = 0
    breached_ids: list[int] = field(default_factory=list)


def allocate_to_instalments(instalments: list[tuple[int, int, str]], paid_total: int) -> list[int]:
    """Paid cents per instalment: the money fills instalments in order (waived skipped)."""
    out = []
    pool = paid_total
    for _number, amount, status in instalments:
        if status == WAIVED:
            out.append(0)
            continue
        take = min(amount, pool)
        out.append(take)
        pool -= take
    return out


def _payments_by_plan(plans: list[PlanRow], on: date) -> dict[int, int]:
    """Plan id -> cents paid towards it (see the module docstring for which payments)."""
    by_account: dict[int, list[PlanRow]] = defaultdict(list)
    for plan in plans:
        by_account[plan.account_id].append(plan)
    accounts = list(by_account)
    earliest = min(p.created_on for p in plans)
    bills: dict[int, dict[str, date]] = defaultdict(dict)
    rows: list[tuple[int, date, int, str]] = []
    for k in range(0, len(accounts), CHUNK):
        chunk = accounts[k : k + CHUNK]
        for acc, number, ref, due in Invoice.objects.filter(
            account_id__in=chunk, due_date__gte=earliest
        ).values_list("account_id", "number", "payment_reference", "due_date"):
            bills[acc][number.upper()] = due
            if ref:
                bills[acc][ref.upper()] = due
        rows.extend(
            Payment.objects.filter(account_id__in=chunk, booked_on__gte=earliest, booked_on__lte=on)
            .filter(Q(reversed_on__isnull=True) | Q(reversed_on__gt=on))
            .values_list("account_id", "booked_on", "amount_cents", "invoice_reference")
        )
    paid: dict[int, int] = defaultdict(int)
    for acc, booked, amount, ref in rows:
        for plan in by_account[acc]:
            if booked < plan.created_on:
                continue
            named = bills[acc].get((ref or "").strip().upper())
            if named is not None and named >= plan.created_on:
                continue  # pays an ongoing bill, not the plan
            paid[plan.pk] += int(amount)
    return paid


def _reminder_action(
    plan: PlanRow,
    inst: InstRow,
    *,
    on: date,
    missing: int,
    checker: Checker,
    sector: str,
    history: dict[int, list[Any]],
    send_hour: int,
    template: str,
    grace_until: date,
) -> Action:
    """The reminder as an outbox row, judged by the same guardrails as the run's messages."""
    at = moment_for(on, send_hour=send_hour, window=None)
    holds = rule_holds([(HoldKind.PAYMENT_PLAN, plan.activated_on or on, None)])
    info = CaseInfo(sector=sector, arrears_cents=missing, arrears_since=inst.due_on, holds=holds)
    context = context_for(
        ActionType.MESSAGE,
        info,
        history.get(plan.case_id, []),
        {},
        today=on,
        settings=checker.settings,
    )
    verdict = checker.verdict(action_type=ActionType.MESSAGE, at=at, context=context)
    return Action(
        organisation_id=plan.organisation_id,
        case_id=plan.case_id,
        action_type=ActionType.MESSAGE,
        channel=conf.reminder_channel(),
        template=template,
        run_date=on,
        scheduled_for=verdict.at,
        status=ActionStatus.PLANNED if verdict.allowed else ActionStatus.BLOCKED,
        amount_cents=missing,
        reason_code="plan_instalment_missed" if verdict.allowed else verdict.reason_code,
        explanation={
            "plan": {
                "reference": plan.reference,
                "instalment": inst.number,
                "due_on": inst.due_on.isoformat(),
                "amount_cents": inst.amount_cents,
                "missing_cents": missing,
                "grace_until": grace_until.isoformat(),
            },
            "guardrails": decision_json(verdict.decision),
        },
        idempotency_key=f"plan:{plan.pk}:{inst.number}:reminder:{on.isoformat()}",
        created_at=timezone.now(),
    )


def plans_monitor(*, organisation_id: int, on: date) -> MonitorSummary:
    """Bring every active plan of the organisation up to date for ``on`` (idempotent)."""
    summary = MonitorSummary()
    plans = [
        PlanRow(*row)
        for row in PaymentPlan.objects.filter(
            organisation_id=organisation_id, status=PlanStatus.ACTIVE
        )
        .order_by("pk")
        .values_list(
            "pk",
            "organisation_id",
            "account_id",
            "case_id",
            "hold_id",
            "created_on",
            "activated_on",
        )
    ]
    summary.plans = len(plans)
    if not plans:
        return summary
    policy = plan_policy_for(organisation_id)
    grace = timedelta(days=policy.grace_days)
    paid = _payments_by_plan(plans, on)
    instalments: dict[int, list[InstRow]] = defaultdict(list)
    plan_ids = [p.pk for p in plans]
    for k in range(0, len(plan_ids), CHUNK):
        for row in (
            Instalment.objects.filter(plan_id__in=plan_ids[k : k + CHUNK])
            .order_by("plan_id", "number")
            .values_list(
                "pk",
                "plan_id",
                "number",
                "due_on",
                "amount_cents",
                "paid_cents",
                "status",
                "reminded_on",
            )
        ):
            inst = InstRow(*row)
            instalments[inst.plan_id].append(inst)
    changed: dict[int, InstRow] = {}
    due_reminders: list[tuple[PlanRow, InstRow, int]] = []
    events: list[Any] = []
    breaches: list[tuple[PlanRow, InstRow]] = []
    completions: list[PlanRow] = []
    for plan in plans:
        rows = instalments[plan.pk]
        amounts = allocate_to_instalments(
            [(i.number, i.amount_cents, i.status) for i in rows], paid.get(plan.pk, 0)
        )
        breach: InstRow | None = None
        for inst, got in zip(rows, amounts, strict=True):
            if inst.status == WAIVED:
                continue
            if got >= inst.amount_cents:
                status = PAID
            elif inst.due_on < on:
                status = MISSED
            else:
                status = DUE
            late = status == MISSED and inst.due_on + grace < on
            if late and breach is None:
                breach = inst
            if status == PAID and inst.reminded_on is not None:
                inst.reminded_on = None  # a later miss (a returned debit) is reminded again
                changed[inst.pk] = inst
            if (inst.paid_cents, inst.status) != (got, status):
                if status == MISSED and inst.status != MISSED:
                    events.append(
                        event_build(
                            case_id=plan.case_id,
                            cause="plan_instalment_missed",
                            text=(
                                f"Termijn {inst.number} van {format_euro(inst.amount_cents)} "
                                f"(vervaldatum {date_nl(inst.due_on)}) is nog niet betaald."
                            ),
                            on=on,
                            details={"plan": plan.pk, "instalment": inst.number, "paid": got},
                            key=f"plan:{plan.pk}:{inst.number}:missed:{on.isoformat()}",
                            object_id=plan.pk,
                        )
                    )
                inst.paid_cents, inst.status = got, status
                changed[inst.pk] = inst
            if status == MISSED and inst.reminded_on is None and not late:
                inst.reminded_on = on
                changed[inst.pk] = inst
                due_reminders.append((plan, inst, inst.amount_cents - got))
                events.append(
                    event_build(
                        case_id=plan.case_id,
                        cause="plan_reminder",
                        text=(
                            f"Vriendelijke herinnering gepland voor termijn {inst.number}: "
                            f"nog {format_euro(inst.amount_cents - got)} te betalen."
                        ),
                        on=on,
                        details={"plan": plan.pk, "instalment": inst.number},
                        key=f"plan:{plan.pk}:{inst.number}:reminder:{on.isoformat()}",
                        object_id=plan.pk,
                    )
                )
        if breach is not None:
            breaches.append((plan, breach))
        elif rows and all(i.status in (PAID, WAIVED) for i in rows):
            completions.append(plan)
    reminders = _reminders_build(due_reminders, organisation_id=organisation_id, on=on, grace=grace)
    with transaction.atomic():
        summary.instalments_changed = _instalments_write(changed.values())
        existing: set[str] = set()
        keys = [a.idempotency_key for a in reminders]
        for k in range(0, len(keys), CHUNK):
            existing.update(
                Action.objects.filter(idempotency_key__in=keys[k : k + CHUNK]).values_list(
                    "idempotency_key", flat=True
                )
            )
        new = [a for a in reminders if a.idempotency_key not in existing]
        Action.objects.bulk_create(new, batch_size=1000, ignore_conflicts=True)
        summary.reminders = len(new)
        events.extend(_plans_end(breaches, completions, on=on, grace_days=policy.grace_days))
        CaseEvent.objects.bulk_create(
            [e for e in events if e is not None], batch_size=1000, ignore_conflicts=True
        )
    summary.breached = len(breaches)
    summary.completed = len(completions)
    summary.breached_ids = [p.pk for p, _ in breaches]
    return summary


def _instalments_write(rows: Iterable[InstRow]) -> int:
    """Update changed instalments grouped by their new values (a few UPDATEs, not one per row:
    Django's ``bulk_update`` builds a CASE per row and is quadratic on SQLite)."""
    groups: dict[tuple[int, str, date | None], list[int]] = defaultdict(list)
    n = 0
    for inst in rows:
        groups[(inst.paid_cents, inst.status, inst.reminded_on)].append(inst.pk)
        n += 1
    for (paid_cents, status, reminded_on), ids in groups.items():
        for k in range(0, len(ids), CHUNK):
            Instalment.objects.filter(pk__in=ids[k : k + CHUNK]).update(
                paid_cents=paid_cents, status=status, reminded_on=reminded_on
            )
    return n


def _reminders_build(
    due: list[tuple[PlanRow, InstRow, int]],
    *,
    organisation_id: int,
    on: date,
    grace: timedelta,
) -> list[Action]:
    """Reminder actions for newly missed instalments (history read only for those cases)."""
    due = [d for d in due if d[0].case_id is not None]
    if not due:
        return []
    strategy_policy = StrategyPolicy.objects.filter(organisation_id=organisation_id).first()
    checker = Checker(settings_from(strategy_policy.guardrail_policy if strategy_policy else {}))
    send_hour = strategy_policy.send_hour if strategy_policy else 10
    sector = Organisation.objects.values_list("sector", flat=True).get(pk=organisation_id)
    policy = plan_policy_for(organisation_id)
    history = history_for({plan.case_id for plan, _, _ in due})
    return [
        _reminder_action(
            plan,
            inst,
            on=on,
            missing=missing,
            checker=checker,
            sector=sector,
            history=history,
            send_hour=send_hour,
            template=policy.reminder_template,
            grace_until=inst.due_on + grace,
        )
        for plan, inst, missing in due
    ]


def _plans_end(
    breaches: list[tuple[PlanRow, InstRow]],
    completions: list[PlanRow],
    *,
    on: date,
    grace_days: int,
) -> list[Any]:
    """End breached and completed plans and their holds, set-based; returns the events.

    The hold update is the set-based form of ``strategy.cases.hold_end`` (last held day
    is the day before ``on``; a broken payment plan makes the next run reopen the case).
    """
    events: list[Any] = []
    for plans, status, outcome in (
        ([p for p, _ in breaches], PlanStatus.BREACHED, HoldOutcome.BROKEN),
        (completions, PlanStatus.COMPLETED, HoldOutcome.COMPLETED),
    ):
        ids = [p.pk for p in plans]
        holds = [p.hold_id for p in plans if p.hold_id]
        for k in range(0, len(ids), CHUNK):
            PaymentPlan.objects.filter(pk__in=ids[k : k + CHUNK]).update(status=status, ended_on=on)
        for k in range(0, len(holds), CHUNK):
            Hold.objects.filter(pk__in=holds[k : k + CHUNK], outcome="").update(
                ends_on=on - timedelta(days=1), outcome=outcome
            )
    for plan, inst in breaches:
        events.append(
            event_build(
                case_id=plan.case_id,
                cause="plan_breached",
                text=(
                    f"Betalingsregeling niet nagekomen: termijn {inst.number} is {grace_days} "
                    "dagen na de vervaldatum nog niet betaald. Het dossier gaat weer verder."
                ),
                on=on,
                details={"plan": plan.pk, "instalment": inst.number, "grace_days": grace_days},
                key=f"plan:{plan.pk}:breached",
                object_id=plan.pk,
            )
        )
    for plan in completions:
        events.append(
            event_build(
                case_id=plan.case_id,
                cause="plan_completed",
                text="Betalingsregeling nagekomen: alle termijnen zijn betaald.",
                on=on,
                details={"plan": plan.pk},
                key=f"plan:{plan.pk}:completed",
                object_id=plan.pk,
            )
        )
    return events


__all__ = ["MonitorSummary", "allocate_to_instalments", "plans_monitor"]
