"""Income sources and their pay days.

Whether someone pays a bill on time depends less on the bill than on when money comes
in, so the simulator places payments just after pay days. Pay dates follow Dutch
practice; benefit dates differ per payer and year, so they are defaults to verify, not
facts (DOMAIN.md: anything that can change is configuration).
"""

from __future__ import annotations

import enum
import random
from dataclasses import dataclass
from datetime import date, timedelta

from vangnet.simulation.dates import (
    add_months,
    month_end,
    next_business_day,
    previous_business_day,
)


class IncomeKind(enum.StrEnum):
    SALARY_25TH = "salary_25th"  # monthly salary on the 25th (earlier when not a bank day)
    SALARY_LAST_DAY = "salary_last_day"  # monthly salary on the last bank day of the month
    SALARY_FOUR_WEEKLY = "salary_four_weekly"  # every 28 days (13 periods a year)
    BIJSTAND = "bijstand"  # social assistance (Participatiewet), from the municipality
    AOW = "aow"  # state pension, from the SVB
    WW = "ww"  # unemployment benefit, from UWV


# Fixed day of the month for benefits [verify: SVB, UWV and each municipality publish
# their own payment dates; these are typical values, moved to the previous bank day].
BENEFIT_DAY: dict[IncomeKind, int] = {
    IncomeKind.AOW: 23,
    IncomeKind.BIJSTAND: 27,
    IncomeKind.WW: 8,
}

# Typical net monthly amounts in cents for one adult [verify: indicative 2024 levels,
# only used to size payments and affordability in the simulation].
NET_MONTHLY_SINGLE: dict[IncomeKind, int] = {
    IncomeKind.AOW: 1_550_00,
    IncomeKind.BIJSTAND: 1_300_00,
    IncomeKind.WW: 1_750_00,
}


@dataclass(frozen=True, slots=True)
class Income:
    kind: IncomeKind
    net_monthly_cents: int
    # Four-weekly pay: the first pay day on or after the start of the simulation.
    anchor: date | None = None

    @property
    def is_benefit(self) -> bool:
        return self.kind in BENEFIT_DAY


def draw_income(
    rng: random.Random, *, age: int, adults: int, hardship: bool, first_month: date
) -> Income:
    """An income source that fits age and circumstances.

    ``hardship`` (chronic arrears, vulnerable) makes social assistance much more likely:
    low income is the strongest single predictor of arrears on fixed costs.
    """
    if age >= 67:
        kind = IncomeKind.AOW
    else:
        roll = rng.random()
        if hardship:
            kind = (
                IncomeKind.BIJSTAND
                if roll < 0.45
                else IncomeKind.WW
                if roll < 0.55
                else IncomeKind.SALARY_FOUR_WEEKLY
                if roll < 0.65
                else IncomeKind.SALARY_25TH
            )
        else:
            kind = (
                IncomeKind.BIJSTAND
                if roll < 0.06
                else IncomeKind.WW
                if roll < 0.10
                else IncomeKind.SALARY_FOUR_WEEKLY
                if roll < 0.20
                else IncomeKind.SALARY_LAST_DAY
                if roll < 0.45
                else IncomeKind.SALARY_25TH
            )
    if kind in NET_MONTHLY_SINGLE:
        base = NET_MONTHLY_SINGLE[kind]
        # A couple receives less than twice the single amount (AOW, bijstand).
        amount = int(base * (1.4 if adults >= 2 else 1.0))
    else:
        # Net salary: log-normal around €2,600 for one earner; a second adult adds part
        # of an income (part-time work is common in the Netherlands).
        amount = int(rng.lognormvariate(0, 0.35) * 2_600_00)
        if adults >= 2:
            amount += int(rng.random() * 1_600_00)
        if hardship:
            amount = int(amount * 0.7)
    anchor = None
    if kind == IncomeKind.SALARY_FOUR_WEEKLY:
        # Four-weekly pay days fall on a Friday; pick one in the first four weeks.
        first_friday = first_month + timedelta(days=(4 - first_month.weekday()) % 7)
        anchor = first_friday + timedelta(weeks=rng.randrange(4))
    return Income(kind=kind, net_monthly_cents=amount - amount % 100, anchor=anchor)


def pay_days(income: Income, start: date, end: date) -> list[date]:
    """Every day money arrives between ``start`` and ``end`` (inclusive)."""
    days: list[date] = []
    if income.kind == IncomeKind.SALARY_FOUR_WEEKLY:
        assert income.anchor is not None
        day = income.anchor
        while day > start:
            day -= timedelta(days=28)
        while day <= end:
            if day >= start:
                days.append(previous_business_day(day))
            day += timedelta(days=28)
        return days
    month = add_months(start, -1)
    while month <= end:
        if income.kind == IncomeKind.SALARY_LAST_DAY:
            day = previous_business_day(month_end(month))
        elif income.kind == IncomeKind.SALARY_25TH:
            day = previous_business_day(month.replace(day=25))
        elif income.kind == IncomeKind.WW:
            day = next_business_day(month.replace(day=BENEFIT_DAY[income.kind]))
        else:
            day = previous_business_day(month.replace(day=BENEFIT_DAY[income.kind]))
        if start <= day <= end:
            days.append(day)
        month = add_months(month, 1)
    return days


def next_pay_day(income: Income, after: date) -> date:
    """The first pay day on or after ``after``."""
    days = pay_days(income, after, after + timedelta(days=40))
    return days[0] if days else after
