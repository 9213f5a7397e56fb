"""Payment behaviour types and their shares.

Shares (of households with a drinking-water account) — an assumption, calibrated so that
the demo looks like a Dutch water company, not a statistic:

- **on time, 70%**: most households pay fixed costs without ever being reminded.
- **sometimes late, 14%**: forgets or waits for pay day now and then; pays within weeks.
- **income shock, 5%**: job loss, divorce, illness from a given month; arrears build up
  for some months and are (partly) caught up once income recovers.
- **chronic arrears, 5%**: too little income for fixed costs; pays irregularly and stays
  months behind.
- **won't pay, 2%**: stops paying (dispute, moved without notice, unwilling) and does not
  react; direct debits are refunded.
- **vulnerable, 4%**: low income plus health, debt help or language problems; pays small
  amounts when it can; debits often bounce (AM04).

Why these numbers: CBS "Zicht op schulden" counts about 8–9% of Dutch households with
risky or problematic debts, and water makes up about 18% of early signals (Divosa
monitor, DOMAIN.md). Income shock + chronic + won't pay + vulnerable = 16% of customers
with arrears at some point in two years, about half of them lasting ones — in the range
those figures suggest [verify against a real water company's aging before using the
simulator for business cases].
"""

from __future__ import annotations

import enum
import random
from dataclasses import dataclass


class BehaviourKind(enum.StrEnum):
    ON_TIME = "on_time"
    SOMETIMES_LATE = "sometimes_late"
    INCOME_SHOCK = "income_shock"
    CHRONIC_ARREARS = "chronic_arrears"
    WONT_PAY = "wont_pay"
    VULNERABLE = "vulnerable"


SHARES: dict[BehaviourKind, float] = {
    BehaviourKind.ON_TIME: 0.70,
    BehaviourKind.SOMETIMES_LATE: 0.14,
    BehaviourKind.INCOME_SHOCK: 0.05,
    BehaviourKind.CHRONIC_ARREARS: 0.05,
    BehaviourKind.WONT_PAY: 0.02,
    BehaviourKind.VULNERABLE: 0.04,
}
_KINDS = tuple(SHARES)
_CUMULATIVE = tuple(sum(tuple(SHARES.values())[: i + 1]) for i in range(len(SHARES)))

# Types whose income is usually low (drives the income draw and vulnerability flags).
HARDSHIP = frozenset({BehaviourKind.CHRONIC_ARREARS, BehaviourKind.VULNERABLE})


@dataclass(frozen=True, slots=True)
class Behaviour:
    kind: BehaviourKind
    # Income shock: month index (0 = first simulated month) where income drops, how long
    # it lasts and whether the household catches up afterwards.
    shock_month: int | None = None
    shock_months: int = 0
    recovers: bool = False
    # Won't pay: the first month without payment.
    stop_month: int | None = None

    def in_shock(self, month: int) -> bool:
        return self.shock_month is not None and (
            self.shock_month <= month < self.shock_month + self.shock_months
        )

    def after_shock(self, month: int) -> bool:
        return self.shock_month is not None and month >= self.shock_month + self.shock_months


def draw_behaviour(rng: random.Random, *, months: int) -> Behaviour:
    roll = rng.random()
    kind = next((k for k, c in zip(_KINDS, _CUMULATIVE, strict=True) if roll < c), _KINDS[0])
    if kind == BehaviourKind.INCOME_SHOCK:
        # The shock starts somewhere in the simulated period, often recently enough to
        # still be visible as arrears today.
        return Behaviour(
            kind,
            shock_month=rng.randrange(max(1, months)),
            shock_months=rng.randint(3, 9),
            recovers=rng.random() < 0.6,
        )
    if kind == BehaviourKind.WONT_PAY:
        return Behaviour(kind, stop_month=rng.randrange(max(1, months)))
    return Behaviour(kind)


class Outcome(enum.Enum):
    ON_TIME = "on_time"
    LATE = "late"  # pays in full after the due date
    PARTIAL = "partial"  # pays part, late
    MISSED = "missed"  # pays nothing for this bill


def bill_outcome(rng: random.Random, behaviour: Behaviour, month: int) -> Outcome:
    """What this household does with the bill issued in simulated month ``month``."""
    kind = behaviour.kind
    roll = rng.random()
    if kind == BehaviourKind.ON_TIME:
        return Outcome.ON_TIME
    if kind == BehaviourKind.SOMETIMES_LATE:
        return Outcome.LATE if roll < 0.25 else Outcome.ON_TIME
    if kind == BehaviourKind.INCOME_SHOCK:
        if behaviour.in_shock(month):
            return Outcome.MISSED if roll < 0.6 else Outcome.PARTIAL
        if behaviour.after_shock(month) and not behaviour.recovers:
            return Outcome.MISSED if roll < 0.35 else Outcome.PARTIAL
        return Outcome.ON_TIME if roll < 0.9 else Outcome.LATE
    if kind == BehaviourKind.CHRONIC_ARREARS:
        if roll < 0.35:
            return Outcome.MISSED
        if roll < 0.55:
            return Outcome.PARTIAL
        return Outcome.LATE if roll < 0.9 else Outcome.ON_TIME
    if kind == BehaviourKind.WONT_PAY:
        assert behaviour.stop_month is not None
        return Outcome.MISSED if month >= behaviour.stop_month else Outcome.ON_TIME
    # Vulnerable: small amounts when possible, sometimes nothing, now and then in full.
    if roll < 0.3:
        return Outcome.MISSED
    if roll < 0.75:
        return Outcome.PARTIAL
    return Outcome.LATE if roll < 0.9 else Outcome.ON_TIME


def catch_up_chance(behaviour: Behaviour, month: int) -> float:
    """Chance that the household pays off (part of) its arrears this month."""
    kind = behaviour.kind
    if kind == BehaviourKind.INCOME_SHOCK and behaviour.after_shock(month):
        return 0.5 if behaviour.recovers else 0.05
    if kind == BehaviourKind.CHRONIC_ARREARS:
        return 0.12
    if kind == BehaviourKind.VULNERABLE:
        return 0.08
    if kind == BehaviourKind.SOMETIMES_LATE:
        return 0.5
    return 0.0
