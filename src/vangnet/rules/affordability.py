"""Affordability of a payment plan: what must remain each month, and the room left.

Sources and status (DOMAIN.md "Payment plans and affordability"):

- Never plan instalments below the protected income (*beslagvrije voet*, BVV). The BVV is
  roughly 95% of the social-assistance norm that applies to the household (art. 475d Rv,
  Wet vereenvoudiging beslagvrije voet) [verify: DOMAIN.md asks to use the official
  calculator's examples as test oracle; we do not have them, so the norms and the 95%
  are a dated, configurable table, never a constant in code].
- Test affordability taking other arrears into account (Schuldeiserscoalitie, KSVI
  [practice]): payments on other debts come off the room first.
- The real BVV adds corrections (housing costs, health-insurance premium, income of a
  partner); we do not compute those. Instead, and more protective, what must remain is
  the *higher* of the BVV and the household's actual fixed costs plus a living allowance
  per adult and child — a social creditor policy [policy], not law, so its figures are
  parameters too.

Child benefits (kinderbijslag, kindgebonden budget) are not income for the BVV either:
the declared net income should leave them out (the portal and staff form say so).

Everything here is pure: euros as ``Decimal``, dates, and :class:`~vangnet.rules.decision.Decision`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from vangnet.rules.decision import Decision, allow, block
from vangnet.rules.text import eur_en, eur_nl

CENT = Decimal("0.01")
ZERO = Decimal(0)


class NormTableError(ValueError):
    """The date is before the first norm period in the table."""


class Household(StrEnum):
    SINGLE = "single"  # alleenstaande of alleenstaande ouder
    COUPLE = "couple"  # gehuwden of samenwonenden


@dataclass(frozen=True)
class NormPeriod:
    """Monthly social-assistance norms (net, incl. holiday pay) valid from ``valid_from``."""

    valid_from: date
    single: Decimal
    couple: Decimal
    source: str

    def norm(self, household: Household) -> Decimal:
        return self.couple if household is Household.COUPLE else self.single


#: Participatiewet art. 21 norms for age 21 up to the state-pension age, including holiday
#: pay, from 1 January 2025: single/single parent € 1.345,45, couple € 1.922,07
#: (Rijksoverheid, as published by municipalities) [verify]. Norms change each
#: 1 January and 1 July: add a row, never edit the code.
DEFAULT_NORMS: tuple[NormPeriod, ...] = (
    NormPeriod(
        date(2025, 1, 1),
        single=Decimal("1345.45"),
        couple=Decimal("1922.07"),
        source="Participatiewet art. 21, normen 1 januari 2025 incl. vakantietoeslag [verify]",
    ),
)


@dataclass(frozen=True)
class AffordabilityParams:
    """The configurable figures; defaults cite where they come from."""

    norms: tuple[NormPeriod, ...] = DEFAULT_NORMS
    # DOMAIN.md: the BVV is roughly 95% of the norm [verify].
    protected_share: Decimal = Decimal("0.95")
    # Social creditor policy [policy, not law]: living money on top of housing and fixed
    # costs for food, clothing and the like. Replace with Nibud figures where available.
    living_per_adult: Decimal = Decimal("300")
    living_per_child: Decimal = Decimal("150")


DEFAULT_PARAMS = AffordabilityParams()


@dataclass(frozen=True)
class Budget:
    """What the person declared, per month in euros (only what the check needs)."""

    net_income: Decimal
    household: Household = Household.SINGLE
    children: int = 0
    housing_costs: Decimal = ZERO
    fixed_costs: Decimal = ZERO
    other_debt_payments: Decimal = ZERO

    def __post_init__(self) -> None:
        for name in ("net_income", "housing_costs", "fixed_costs", "other_debt_payments"):
            value = getattr(self, name)
            if not isinstance(value, Decimal):
                raise TypeError(f"{name} must be a Decimal (money is never float)")
            if not value.is_finite() or value < 0:
                raise ValueError(f"{name} must be a finite amount of zero or more, got {value}")
        if not isinstance(self.children, int) or self.children < 0 or self.children > 20:
            raise ValueError(f"children must be a whole number from 0 to 20, got {self.children}")
        object.__setattr__(self, "household", Household(self.household))

    @property
    def adults(self) -> int:
        return 2 if self.household is Household.COUPLE else 1


@dataclass(frozen=True)
class Affordability:
    """The computation, every figure in euros (rounded half-up to cents)."""

    norm: Decimal
    norm_valid_from: date
    norm_source: str
    bvv: Decimal  # protected_share × norm
    essentials: Decimal  # housing + fixed costs + living allowance
    protected_income: Decimal  # max(bvv, essentials)
    basis: str  # "bvv" or "essentials": which one decided
    room: Decimal  # income − other debts − protected income, never below zero


def _round(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def norm_for(on: date, params: AffordabilityParams = DEFAULT_PARAMS) -> NormPeriod:
    """The norm period in force on ``on`` (the latest that started on or before it)."""
    periods: Sequence[NormPeriod] = sorted(params.norms, key=lambda p: p.valid_from)
    current = None
    for period in periods:
        if period.valid_from <= on:
            current = period
    if current is None:
        raise NormTableError(
            f"no social-assistance norm configured for {on.isoformat()}; add the period"
        )
    return current


def affordability(
    budget: Budget, *, on: date, params: AffordabilityParams = DEFAULT_PARAMS
) -> Affordability:
    """Protected income and room for an instalment (see the module docstring)."""
    period = norm_for(on, params)
    norm = period.norm(budget.household)
    bvv = _round(norm * params.protected_share)
    living = params.living_per_adult * budget.adults + params.living_per_child * budget.children
    essentials = _round(budget.housing_costs + budget.fixed_costs + living)
    protected = max(bvv, essentials)
    room = max(ZERO, _round(budget.net_income - budget.other_debt_payments - protected))
    return Affordability(
        norm=norm,
        norm_valid_from=period.valid_from,
        norm_source=period.source,
        bvv=bvv,
        essentials=essentials,
        protected_income=protected,
        basis="bvv" if bvv >= essentials else "essentials",
        room=room,
    )


def max_affordable_instalment(
    budget: Budget, *, on: date, params: AffordabilityParams = DEFAULT_PARAMS
) -> Decimal:
    """The highest monthly instalment that leaves the protected income untouched."""
    return affordability(budget, on=on, params=params).room


def _evidence(result: Affordability, **extra: object) -> dict[str, object]:
    return {
        "norm": result.norm,
        "norm_valid_from": result.norm_valid_from,
        "bvv": result.bvv,
        "essentials": result.essentials,
        "protected_income": result.protected_income,
        "basis": result.basis,
        "room": result.room,
        **extra,
    }


def assess_plan(
    budget: Budget,
    *,
    instalment: Decimal,
    months: int,
    on: date,
    params: AffordabilityParams = DEFAULT_PARAMS,
) -> Decision:
    """Is an instalment of ``instalment`` a month for ``months`` months affordable?

    Codes: ``plan_affordable``; ``plan_no_room`` (nothing left above the protected income:
    refer to help rather than plan); ``plan_unaffordable`` (the instalment is more than
    the room; evidence ``room`` says what would fit). Dutch texts are for the customer (B1).
    """
    if not isinstance(instalment, Decimal) or not instalment.is_finite() or instalment <= 0:
        raise ValueError("instalment must be a positive Decimal amount")
    if not isinstance(months, int) or months < 1:
        raise ValueError("months must be a whole number of at least 1")
    result = affordability(budget, on=on, params=params)
    evidence = _evidence(result, instalment=instalment, months=months)
    keep = eur_nl(result.protected_income)
    if result.room <= 0:
        return block(
            "plan_no_room",
            f"Na uw vaste lasten en andere betalingen blijft er niets over boven {keep}. "
            "Dat bedrag heeft u nodig om van te leven. We zoeken samen naar een andere "
            "oplossing, en we kunnen u helpen met hulp bij geldzaken.",
            f"No room above the protected income of {eur_en(result.protected_income)} "
            f"(norm {eur_en(result.norm)} from {result.norm_valid_from.isoformat()}).",
            **evidence,
        )
    if instalment > result.room:
        return block(
            "plan_unaffordable",
            f"Een termijn van {eur_nl(instalment)} is te hoog. U houdt dan minder over dan "
            f"{keep} per maand om van te leven. U kunt hooguit {eur_nl(result.room)} per "
            "maand betalen.",
            f"Instalment {eur_en(instalment)} exceeds the room of {eur_en(result.room)} "
            f"above the protected income of {eur_en(result.protected_income)}.",
            **evidence,
        )
    return allow(
        "plan_affordable",
        f"Een termijn van {eur_nl(instalment)} per maand past. Er blijft minstens {keep} "
        "per maand over om van te leven.",
        f"Instalment {eur_en(instalment)} for {months} months fits within the room of "
        f"{eur_en(result.room)} (protected income {eur_en(result.protected_income)}, "
        f"basis {result.basis}, norm of {result.norm_valid_from.isoformat()}).",
        **evidence,
    )
