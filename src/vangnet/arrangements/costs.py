"""Executing the daily run's ``charge_costs`` actions: WIK costs and statutory interest.

The run decides *whether* costs may be charged (the 14-day-letter guardrail, with the WIK
amount in the action); this module books them, after three checks of its own:

1. the action's stored guardrail verdict allowed it, through ``wik_costs_allowed``;
2. the rules are run again (``rules.fourteen_day_letter.costs_allowed`` on the case's own
   letter, and ``rules.wik`` for the amount) and must give the same amount — a charge
   never rests on a stored number alone;
3. no hold active today forbids costs (a plan may have started since the run).

Then the creditor's ``CostPolicy`` may waive them (social defaults: first-time arrears,
vulnerable customers), recorded with the reason. A charge that stands becomes a ledger
invoice dated one day before the oldest open principal, so the ledger's oldest-first
allocation applies payments to costs, then interest, then principal (art. 6:44 BW) and
balances, arrears and aging include it (docs/payment-plans.md).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import F, Min, Q
from django.utils import timezone

from vangnet.arrangements.constants import (
    COSTS_INVOICE_PREFIX,
    INTEREST_INVOICE_PREFIX,
    ChargeKind,
)
from vangnet.arrangements.events import event_record
from vangnet.arrangements.models import ChargedCost
from vangnet.arrangements.policy import cost_policy_for
from vangnet.core.errors import Invalid
from vangnet.core.money import cents_to_decimal, decimal_to_cents, format_euro
from vangnet.ledger.allocation import allocate_accounts
from vangnet.ledger.constants import InvoiceKind
from vangnet.ledger.models import Allocation, Invoice, Payment
from vangnet.rules.actions import ActionType as RuleAction
from vangnet.rules.fourteen_day_letter import costs_allowed
from vangnet.rules.holds import hold_decision
from vangnet.rules.interest import RateTableError, statutory_interest_decision
from vangnet.rules.text import date_nl, eur_nl
from vangnet.rules.wik import collection_costs, collection_costs_decision
from vangnet.strategy.actions import history_for
from vangnet.strategy.constants import ActionStatus, ActionType, CaseEventKind
from vangnet.strategy.guardrails import euros, latest_letter, rule_holds, settings_from
from vangnet.strategy.journeys import template_facts_all
from vangnet.strategy.models import Action, Case, CaseEvent, Hold, StrategyPolicy

BATCH = 2000

_ORDINAL_NL = ("de eerste", "de volgende")


def wik_explanation(principal: Decimal, *, vat: bool) -> str:
    """The staffel computation in Dutch, e.g. "15% van de eerste € 2.500,00 = € 375,00 …"."""
    decision = collection_costs_decision(principal, vat=vat)
    parts = []
    for k, (part, rate, costs) in enumerate(decision.evidence["staffel"]):
        pct = f"{Decimal(rate) * 100:.1f}".rstrip("0").rstrip(".").replace(".", ",")
        scope = "" if Decimal(part) == principal and k == 0 else f"{_ORDINAL_NL[min(k, 1)]} "
        parts.append(f"{pct}% van {scope}{eur_nl(Decimal(part))} = {eur_nl(Decimal(costs))}")
    text = f"Incassokosten over de hoofdsom van {eur_nl(principal)} (zonder rente): "
    text += " + ".join(parts) + "."
    if decision.code == "wik_minimum":
        text += " Dat is minder dan het wettelijke minimum: minimaal € 40,00."
    elif decision.code == "wik_maximum":
        text += " Dat is meer dan het wettelijke maximum: maximaal € 6.775,00."
    if vat:
        text += " Plus 21% btw."
    return text + f" Totaal {eur_nl(decision.evidence['amount'])}."


def interest_explanation(decision: Any) -> str:
    lines = [
        f"{(line.rate * 100).normalize():f}% over {eur_nl(line.base.quantize(Decimal('0.01')))} "
        f"van {date_nl(line.start)} tot {date_nl(line.end)} ({line.days} dagen)"
        for line in decision.evidence["lines"]
    ]
    return (
        "Wettelijke rente (art. 6:119 BW): "
        + "; ".join(lines)
        + f". Totaal {eur_nl(decision.evidence['amount'])}."
    )


@dataclass
class CostsSummary:
    charged: int = 0
    waived: int = 0
    refused: int = 0
    interest: int = 0
    reasons: dict[str, int] = field(default_factory=dict)


def _first_arrears(account_ids: Iterable[int]) -> dict[int, bool]:
    """Account id -> True when it has had only one case (the current one)."""
    counts: dict[int, int] = {}
    for acc in Case.objects.filter(account_id__in=list(account_ids)).values_list(
        "account_id", flat=True
    ):
        counts[acc] = counts.get(acc, 0) + 1
    return {acc: n <= 1 for acc, n in counts.items()}


def _oldest_principal(account_ids: Iterable[int]) -> dict[int, date]:
    return dict(
        Invoice.objects.filter(
            account_id__in=list(account_ids),
            kind=InvoiceKind.INVOICE,
            open_amount_cents__gt=0,
            charge__isnull=True,
        )
        .values("account_id")
        .annotate(oldest=Min("due_date"))
        .values_list("account_id", "oldest")
    )


def _holds_on(account_ids: Iterable[int], on: date) -> dict[int, list[tuple[str, date, Any]]]:
    out: dict[int, list[tuple[str, date, Any]]] = {}
    for acc, kind, start, end in (
        Hold.objects.filter(account_id__in=list(account_ids), starts_on__lte=on)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=on))
        .values_list("account_id", "kind", "starts_on", "ends_on")
    ):
        out.setdefault(acc, []).append((kind, start, end))
    return out


def _refusal(action: Action, reason: str, nl: str) -> CaseEvent:
    return CaseEvent(
        case_id=action.case_id,
        on=action.run_date,
        at=timezone.now(),
        kind=CaseEventKind.NOTE,
        cause="costs_not_charged",
        text=f"Incassokosten niet gerekend: {nl}"[:300],
        details={"action": action.pk, "reason": reason},
        key=f"charge:{action.pk}:refused",
    )


def costs_charge_due(*, organisation_id: int, on: date) -> CostsSummary:
    """Book every allowed, planned ``charge_costs`` action up to ``on`` (idempotent)."""
    summary = CostsSummary()
    ids = list(
        Action.objects.filter(
            organisation_id=organisation_id,
            action_type=ActionType.CHARGE_COSTS,
            status=ActionStatus.PLANNED,
            run_date__lte=on,
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if not ids:
        return summary
    policy_row = StrategyPolicy.objects.filter(organisation_id=organisation_id).first()
    settings = settings_from(policy_row.guardrail_policy if policy_row else {})
    cost_policy = cost_policy_for(organisation_id)
    templates = template_facts_all()
    for start in range(0, len(ids), BATCH):
        _charge_batch(
            ids[start : start + BATCH],
            on=on,
            settings=settings,
            cost_policy=cost_policy,
            templates=templates,
            summary=summary,
        )
    return summary


def _recheck(
    action: Action, history: list[Any], templates: Any, settings: Any
) -> tuple[bool, str, str, int]:
    """(allowed, reason code, Dutch reason, principal cents) from the rules, again."""
    guard = (action.explanation or {}).get("guardrails") or {}
    checks = [c if isinstance(c, str) else c.get("code") for c in guard.get("checks", [])]
    if not guard.get("allowed") or "wik_costs_allowed" not in checks:
        return False, "costs_not_allowed", "de vangrail stond het niet toe.", 0
    if not action.amount_cents or action.amount_cents <= 0:
        return False, "costs_no_amount", "er is geen bedrag.", 0
    earlier = [h for h in history if h.on <= action.run_date]
    letter, principal_cents = latest_letter(earlier, templates, settings)
    arrears = int(((action.explanation or {}).get("features") or {}).get("arrears_cents", 0))
    paid = max(0, principal_cents - arrears) if letter else 0
    decision = costs_allowed(
        letter,
        today=action.run_date,
        principal=euros(principal_cents),
        paid_within_term=euros(paid),
        postal_days=settings.policy.postal_days,
        scale=settings.policy.wik,
    )
    if decision.blocked:
        return False, decision.code, decision.nl, 0
    amount = decimal_to_cents(decision.evidence["amount"])
    base = decimal_to_cents(decision.evidence["base"])
    if amount != action.amount_cents:
        return False, "costs_amount_mismatch", "het bedrag klopt niet met de wet.", 0
    return True, decision.code, decision.nl, base


def _charge_batch(
    ids: list[int],
    *,
    on: date,
    settings: Any,
    cost_policy: Any,
    templates: Any,
    summary: CostsSummary,
) -> None:
    with transaction.atomic():
        actions = list(
            Action.objects.select_for_update()
            .filter(pk__in=ids, status=ActionStatus.PLANNED)
            .select_related("case", "case__account__customer__person")
        )
        if not actions:
            return
        case_ids = [a.case_id for a in actions]
        account_ids = {a.case.account_id for a in actions}
        history = history_for(case_ids)
        first = _first_arrears(account_ids)
        oldest = _oldest_principal(account_ids)
        holds = _holds_on(account_ids, on)
        done_ids, refused_ids = [], []
        charges: list[ChargedCost] = []
        invoices: list[Invoice] = []
        events: list[CaseEvent] = []
        for action in actions:
            case = action.case
            account_id = case.account_id
            ok, code, nl, base = _recheck(action, history.get(case.pk, []), templates, settings)
            hold_verdict = hold_decision(
                RuleAction.CHARGE_COSTS, rule_holds(holds.get(account_id, [])), on
            )
            if ok and hold_verdict.blocked:
                ok, code, nl = False, hold_verdict.blocking_codes()[0], hold_verdict.nl
            if not ok:
                refused_ids.append(action.pk)
                summary.refused += 1
                summary.reasons[code] = summary.reasons.get(code, 0) + 1
                events.append(_refusal(action, code, nl))
                continue
            person = case.account.customer.person
            waiver = ""
            if cost_policy.waive_vulnerable and (person.medical_necessity or person.in_debt_help):
                waiver = "Kwetsbare klant (medische noodzaak of hulp bij geldzaken): beleid."
            elif cost_policy.waive_first_arrears and first.get(account_id, True):
                waiver = "Eerste achterstand op dit contract: beleid."
            amount = int(action.amount_cents)
            principal = cents_to_decimal(base)
            ex_vat = decimal_to_cents(collection_costs(principal, scale=settings.policy.wik))
            vat_cents = amount - ex_vat if settings.vat else 0
            due = oldest.get(account_id, on) - timedelta(days=1)
            charge = ChargedCost(
                organisation_id=action.organisation_id,
                account_id=account_id,
                case_id=case.pk,
                action=action,
                kind=ChargeKind.WIK_COSTS,
                principal_cents=base,
                amount_cents=amount,
                vat_cents=vat_cents,
                computed_on=on,
                explanation=wik_explanation(principal, vat=settings.vat),
                waived=bool(waiver),
                waiver_reason=waiver,
                waived_on=on if waiver else None,
            )
            charges.append(charge)
            if waiver:
                summary.waived += 1
                text = f"Incassokosten van {format_euro(amount)} niet gerekend. {waiver}"
            else:
                summary.charged += 1
                invoices.append(
                    _charge_invoice(charge, f"{COSTS_INVOICE_PREFIX}{action.pk}", due, on)
                )
                text = f"Incassokosten van {format_euro(amount)} in rekening gebracht."
            events.append(
                CaseEvent(
                    case_id=case.pk,
                    on=on,
                    at=timezone.now(),
                    kind=CaseEventKind.NOTE,
                    cause="costs_waived" if waiver else "costs_charged",
                    text=text[:300],
                    details={"action": action.pk, "amount_cents": amount, "principal_cents": base},
                    key=f"charge:{action.pk}:{ChargeKind.WIK_COSTS}",
                )
            )
            if cost_policy.charge_interest:
                interest, note = _interest_charge(
                    action,
                    case,
                    base=base,
                    on=on,
                    table=cost_policy.rate_table(),
                    waive=(
                        "Eerste achterstand op dit contract: beleid."
                        if cost_policy.waive_interest_first_arrears and first.get(account_id, True)
                        else waiver
                    ),
                )
                if note:
                    events.append(_interest_note(action, on, note))
                if interest is not None:
                    charges.append(interest)
                    summary.interest += 1
                    if not interest.waived:
                        invoices.append(
                            _charge_invoice(
                                interest, f"{INTEREST_INVOICE_PREFIX}{action.pk}", due, on
                            )
                        )
            done_ids.append(action.pk)
        Invoice.objects.bulk_create(invoices, batch_size=1000)
        for charge in charges:
            invoice = getattr(charge, "_invoice", None)
            if invoice is not None:
                charge.invoice_id = invoice.pk
        ChargedCost.objects.bulk_create(charges, batch_size=1000)
        Action.objects.filter(pk__in=done_ids).update(status=ActionStatus.DONE)
        Action.objects.filter(pk__in=refused_ids).update(status=ActionStatus.CANCELLED)
        CaseEvent.objects.bulk_create(events, batch_size=1000, ignore_conflicts=True)
        # Money waiting on these accounts goes to the new costs first (art. 6:44 BW).
        allocate_accounts({inv.account_id for inv in invoices})


def _charge_invoice(charge: ChargedCost, number: str, due: date, on: date) -> Invoice:
    invoice = Invoice(
        organisation_id=charge.organisation_id,
        account_id=charge.account_id,
        number=number,
        kind=InvoiceKind.INVOICE,
        issue_date=on,
        due_date=due,
        amount_cents=charge.amount_cents,
        open_amount_cents=charge.amount_cents,
        description=str(ChargeKind(charge.kind).label),
    )
    charge._invoice = invoice  # type: ignore[attr-defined]
    return invoice


def _interest_note(action: Action, on: date, note: str) -> CaseEvent:
    return CaseEvent(
        case_id=action.case_id,
        on=on,
        at=timezone.now(),
        kind=CaseEventKind.NOTE,
        cause="interest_not_charged",
        text=f"Wettelijke rente niet gerekend: {note}"[:300],
        details={"action": action.pk},
        key=f"charge:{action.pk}:interest_note",
    )


def _interest_charge(
    action: Action, case: Case, *, base: int, on: date, waive: str, table: Any
) -> tuple[ChargedCost | None, str]:
    """Statutory interest on the principal from the first unpaid due date up to ``on``.

    Returns the charge (or ``None``) and a note for the timeline when nothing is charged
    for a reason staff should know (no rate configured for part of the period).
    """
    start = case.arrears_since
    if start is None or start >= on or base <= 0:
        return None, ""
    try:
        decision = statutory_interest_decision(cents_to_decimal(base), start, on, table=table)
    except RateTableError:
        # No rate configured for part of the period: charge nothing rather than guess.
        return None, (
            f"er is geen rentepercentage bekend voor de periode vanaf {date_nl(start)}. "
            "Vul de rentetabel in het kostenbeleid aan."
        )
    amount = decimal_to_cents(decision.evidence["amount"])
    if amount <= 0:
        return None, ""
    return ChargedCost(
        organisation_id=action.organisation_id,
        account_id=case.account_id,
        case_id=case.pk,
        action=action,
        kind=ChargeKind.STATUTORY_INTEREST,
        principal_cents=base,
        amount_cents=amount,
        computed_on=on,
        explanation=interest_explanation(decision),
        waived=bool(waive),
        waiver_reason=waive,
        waived_on=on if waive else None,
    ), ""


def _waive_locked(charge: ChargedCost, *, reason: str, actor: Any, today: date) -> None:
    """Credit the charge's invoice in full; money already paid on it goes back to the rest."""
    user = actor if getattr(actor, "is_authenticated", False) else None
    if charge.invoice_id:
        invoice = Invoice.objects.select_for_update().get(pk=charge.invoice_id)
        paid = list(
            Allocation.objects.filter(invoice=invoice, payment__isnull=False).values_list(
                "pk", "payment_id", "amount_cents"
            )
        )
        for _pk, payment_id, amount in paid:
            Payment.objects.filter(pk=payment_id).update(
                unallocated_cents=F("unallocated_cents") + amount
            )
        Allocation.objects.filter(pk__in=[p[0] for p in paid]).delete()
        credit = invoice.amount_cents - sum(
            Allocation.objects.filter(invoice=invoice).values_list("amount_cents", flat=True)
        )
        if credit > 0:
            note = Invoice.objects.create(
                organisation_id=invoice.organisation_id,
                account_id=invoice.account_id,
                number=f"{invoice.number}-KW",
                kind=InvoiceKind.CREDIT_NOTE,
                issue_date=today,
                due_date=today,
                amount_cents=credit,
                open_amount_cents=0,
                description=f"Kwijtschelding {invoice.description}"[:200],
            )
            Allocation.objects.create(invoice=invoice, credit_note=note, amount_cents=credit)
        Invoice.objects.filter(pk=invoice.pk).update(open_amount_cents=0)
        allocate_accounts([invoice.account_id])
    charge.waived = True
    charge.waiver_reason = reason[:300]
    charge.waived_by = user
    charge.waived_on = today
    charge.save(update_fields=["waived", "waiver_reason", "waived_by", "waived_on"])


@transaction.atomic
def cost_waive(
    *, charge: ChargedCost, reason: str, actor: Any, today: date | None = None
) -> ChargedCost:
    """Staff waive a charge (with a reason); what was paid on it goes to the principal."""
    today = today or timezone.localdate()
    reason = (reason or "").strip()
    if not reason:
        raise Invalid(
            "waiver_reason_required",
            "Geef een reden voor de kwijtschelding.",
            "A reason is required to waive costs.",
        )
    charge = ChargedCost.objects.select_for_update().get(pk=charge.pk)
    if charge.waived:
        return charge
    _waive_locked(charge, reason=reason, actor=actor, today=today)
    event_record(
        case_id=charge.case_id,
        cause="costs_waived",
        text=f"{charge.get_kind_display()} van {format_euro(charge.amount_cents)} "
        f"kwijtgescholden: {reason}",
        on=today,
        actor=actor,
        details={"charge": charge.pk},
        object_type="charged_cost",
        object_id=charge.pk,
    )
    return charge


def charges_waive_for_plan(*, plan: Any, actor: Any = None, today: date) -> int:
    """Waive the charges of the plan's account not yet fully paid (policy: no costs inside
    a plan); what was already paid on them goes to the principal."""
    charges = list(
        ChargedCost.objects.select_for_update().filter(
            account_id=plan.account_id, waived=False, invoice__open_amount_cents__gt=0
        )
    )
    for charge in charges:
        _waive_locked(
            charge,
            reason=f"Betalingsregeling {plan.reference}: kosten vervallen (beleid).",
            actor=actor,
            today=today,
        )
    if charges:
        total = sum(c.amount_cents for c in charges)
        event_record(
            case_id=plan.case_id,
            cause="costs_waived",
            text=f"Kosten van {format_euro(total)} vervallen door de betalingsregeling.",
            on=today,
            actor=actor,
            details={"plan": plan.pk, "charges": [c.pk for c in charges]},
            object_id=plan.pk,
        )
    return len(charges)
