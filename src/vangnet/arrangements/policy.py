"""The creditor's plan and cost policy: reading it, and judging a plan against it.

``plan_policy_decision`` is plain Python over plain values (like the rules), so the
boundaries are tested without a database; it returns a ``Decision`` whose blocking codes
the approval queue shows.
"""

from __future__ import annotations

from dataclasses import dataclass

from vangnet.arrangements.constants import DownPaymentKind
from vangnet.arrangements.models import CostPolicy, PlanPolicy
from vangnet.core.money import cents_to_decimal
from vangnet.parties.models import Organisation
from vangnet.rules.decision import Decision, block, combine
from vangnet.rules.text import eur_en, eur_nl


def plan_policy_for(organisation: Organisation | int) -> PlanPolicy:
    """The organisation's plan policy, or an unsaved one with the defaults."""
    org_id = organisation if isinstance(organisation, int) else organisation.pk
    policy = PlanPolicy.objects.filter(organisation_id=org_id).first()
    return policy or PlanPolicy(organisation_id=org_id)


def cost_policy_for(organisation: Organisation | int) -> CostPolicy:
    """The organisation's cost policy, or an unsaved one with the social defaults."""
    org_id = organisation if isinstance(organisation, int) else organisation.pk
    policy = CostPolicy.objects.filter(organisation_id=org_id).first()
    return policy or CostPolicy(organisation_id=org_id)


def down_payment_cents(policy: PlanPolicy, total_cents: int) -> int:
    """The down payment the policy asks for this total (never more than the total)."""
    if policy.down_payment_kind == DownPaymentKind.PERCENT:
        pct = min(100, int(policy.down_payment_value))
        return (total_cents * pct + 50) // 100  # half-up to the cent
    if policy.down_payment_kind == DownPaymentKind.AMOUNT:
        return min(total_cents, int(policy.down_payment_value))
    return 0


@dataclass(frozen=True)
class PlanTerms:
    total_cents: int
    down_payment_cents: int
    amounts: tuple[int, ...]  # the monthly instalments, in order
    plans_last_12m: int  # earlier plans (agreed) in the 12 months before this one


def plan_policy_decision(terms: PlanTerms, policy: PlanPolicy) -> Decision:
    """Is the plan inside the creditor's policy? Every boundary is its own reason."""
    checks: list[Decision] = []
    months = len(terms.amounts)
    if months > policy.max_months:
        checks.append(
            block(
                "policy_too_long",
                f"De regeling duurt {months} maanden. Het beleid staat er {policy.max_months} toe.",
                f"The plan runs {months} months; policy allows {policy.max_months}.",
                months=months,
                max_months=policy.max_months,
            )
        )
    remaining = terms.total_cents - terms.down_payment_cents
    smallest = min(terms.amounts) if terms.amounts else 0
    # A single instalment smaller than the minimum is fine: it is simply the whole rest.
    # The last instalment may be smaller too: it is what remains.
    regular = terms.amounts[:-1] if len(terms.amounts) > 1 else ()
    too_small = [a for a in regular if a < policy.min_instalment_cents]
    if too_small:
        minimum = cents_to_decimal(policy.min_instalment_cents)
        checks.append(
            block(
                "policy_instalment_too_small",
                f"Een termijn is minstens {eur_nl(minimum)}.",
                f"Instalments must be at least {eur_en(minimum)}.",
                smallest_cents=smallest,
                min_instalment_cents=policy.min_instalment_cents,
            )
        )
    required = down_payment_cents(policy, terms.total_cents)
    if terms.down_payment_cents < required:
        checks.append(
            block(
                "policy_down_payment",
                f"Het beleid vraagt een aanbetaling van {eur_nl(cents_to_decimal(required))}.",
                f"Policy requires a down payment of {eur_en(cents_to_decimal(required))}.",
                required_cents=required,
            )
        )
    if terms.plans_last_12m >= policy.max_plans_12m:
        checks.append(
            block(
                "policy_too_many_plans",
                f"Er waren al {terms.plans_last_12m} regelingen in de afgelopen 12 maanden.",
                f"{terms.plans_last_12m} plans in the past 12 months; policy allows "
                f"{policy.max_plans_12m}.",
                plans_last_12m=terms.plans_last_12m,
                max_plans_12m=policy.max_plans_12m,
            )
        )
    return combine(
        checks,
        code="policy_ok",
        nl="De regeling past binnen het beleid.",
        en="The plan is within policy.",
        months=months,
        remaining_cents=remaining,
    )
